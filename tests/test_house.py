"""The house rules, checked on the source (docs/architecture.md): one layout in every app, views that only check,
parse, call and render, no module past ~400 lines, and no bulk write of an audited model without its audit entries.

Each test reads the code as it is; none of them needs the database.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from auditlog.registry import auditlog
from django.db import models

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps"
MAX_LINES = 400

# The layers of a domain app, each a package with one module per feature, and the few modules an app has once.
LAYERS = {"rules", "queries", "services", "forms", "views", "models"}  # models: a package once past ~400 lines
SINGLE = {"__init__.py", "apps.py", "admin.py", "models.py", "permissions.py", "urls.py", "tasks.py", "testing.py"}
DJANGO_DIRS = {"templates", "templatetags", "management", "migrations", "tests", "static", "locale", "__pycache__"}
# A seam to the outside world, named for what it reaches (docs/decisions/0007-layout.md).
SEAMS = {"outbox": {"sms.py"}, "accounts": {"middleware.py"}}
DOMAIN_APPS = [
    "accounts",
    "exports",
    "orgs",
    "members",
    "meetings",
    "quality",
    "resolutions",
    "grading",
    "oversight",
    "imports",
    "outbox",
    "home",
]


def _source_files(*patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in APPS.glob(pattern) if p.name != "__init__.py")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_app_has_the_one_layout(app):
    """A reader finds any feature's rules, queries, services, forms and views by the folder listing alone."""
    strays = []
    for entry in (APPS / app).iterdir():
        name = entry.name
        if entry.is_dir():
            if name not in LAYERS | DJANGO_DIRS:
                strays.append(name + "/")
        elif name.endswith(".py") and name not in SINGLE | SEAMS.get(app, set()):
            strays.append(name)
    assert not strays, f"apps/{app}: outside the layout (a layer package per kind, one module per feature): {strays}"


def test_no_module_passes_400_lines():
    long = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in _source_files("**/*.py")
        if "migrations" not in p.parts and "tests" not in p.parts
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    ]
    assert not long, "split by feature: " + ", ".join(long)


def _touches_objects(path: Path) -> list[int]:
    tree = ast.parse(path.read_text())
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "objects"]


@pytest.mark.parametrize(
    "path", _source_files("*/views/*.py", "*/templatetags/*.py"), ids=lambda p: str(p.relative_to(APPS))
)
def test_views_read_only_through_queries(path):
    """Every lookup in a view is ``get_object_or_404(queries.<entity>_for(user, action), …)``: a view that writes
    ``Model.objects`` builds its own filter, and that is how the meeting-day 500 was made."""
    lines = _touches_objects(path)
    assert not lines, f"{path.relative_to(ROOT)} uses .objects on lines {lines}: read through the app's queries"


BULK = {"update", "bulk_create", "bulk_update"}


def _receiver_model(call: ast.Call) -> str | None:
    """The model named in ``Model.objects….update()``, else None (a variable holding a queryset, a dict…)."""
    node = call.func.value  # type: ignore[attr-defined]
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        else:
            return None


@pytest.mark.parametrize("path", _source_files("*/services/*.py"), ids=lambda p: str(p.relative_to(APPS)))
def test_services_record_their_bulk_writes(path):
    """django-auditlog sees single saves and deletes; ``update()``, ``bulk_create()`` and ``bulk_update()`` of an
    audited model send no signal, so services write them through apps.common.audit, which records each row."""
    module = importlib.import_module(_module(path))
    unrecorded = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BULK:
            name = _receiver_model(node)
            model = getattr(module, name, None) if name else None
            if isinstance(model, type) and issubclass(model, models.Model) and auditlog.contains(model):
                unrecorded.append(f"{name}.{node.func.attr} (line {node.lineno})")
    assert not unrecorded, f"{path.relative_to(ROOT)}: use apps.common.audit for {unrecorded}"
