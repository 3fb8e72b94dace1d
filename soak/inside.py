"""Run a soak step inside Django: ``python -m soak.inside accounts PLAN.json`` or ``... check HELD.json``.

The step's module imports the models at its top, so it is imported only once the app registry is ready."""

import importlib
import sys

import django


def main() -> int:
    django.setup()
    step = importlib.import_module(f"soak.{sys.argv[1]}")
    return step.main(*sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
