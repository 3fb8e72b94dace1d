"""The seeded demo shared by the heavy tests, and how the suite is spread over xdist workers (tests/conftest.py
holds the fixtures and hooks that use this).

The walk, the permission matrix, the hostile-input test and the CSP crawl each send thousands of requests to the demo
as `make run` seeds it, and seeding takes long. A process seeds a profile once and keeps it, inside an open
transaction, for every test that asks for it (``sample_demo``, ``demo_district``, ``matrix``); each of those tests
still runs in its own savepoint (``pytest.mark.django_db``) rolled back after it. The transaction is rolled back before
any test that uses the database without asking for that world (and at the end of the session), so every other test
sees the empty database it always did.

Under xdist the tests of one world are one work unit (``xdist_group``), so that a worker seeds each world once;
``GroupScheduling`` makes ``--dist loadgroup`` honour the groups with pytest 9.2 (see there).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone, translation
from pytest_django.plugin import validate_django_db
from xdist.scheduler import LoadGroupScheduling

from apps.demo import world as demo
from apps.orgs.models import Organization

SEED = 1  # the seed of `make run`
# The worlds a test may ask for: the module-scoped fixture that opens it (pytest sets a module-scoped fixture up before
# the test's own transaction) → (demo profile, layer over it). The matrix's accounts and records are a layer: a
# savepoint over the sample demo, so that the other tests on the sample demo never see them.
OPENERS = {
    "_open_matrix": ("sample", "matrix"),
    "_open_sample": ("sample", None),
    "_open_district": ("district", None),
}
GROUPS = {"sample": "demo-sample", "district": "demo-district"}  # the xdist_group of each profile's tests
# How a test reaches the database besides the django_db mark: before such a test, the open world is rolled back.
DB_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "django_db_blocker",
        "live_server",
    }
)
# The slowest modules (minutes or tens of seconds, pytest --durations): sent to the workers before the rest, so that
# none of them is what one worker still runs once the other has finished. A stale name only changes the order.
SLOW_FIRST = (
    "tests/test_csp.py",
    "apps/demo/tests/test_demo.py",
    "apps/imports/tests/test_bad_files.py",
    "apps/oversight/tests/test_figures_property.py",
    "apps/quality/tests/test_demo_scores.py",
    "apps/demo/tests/test_demo_oversight.py",
    "apps/demo/tests/test_demo_accounts.py",
    "apps/resolutions/tests/test_tasks_views.py",
    "apps/imports/tests/test_views.py",
)


def _matrix_layer():
    """The permission matrix's accounts and records (tests/matrix/world.py) and a logged-in client per role."""
    from tests.matrix import check, kinds  # noqa: PLC0415 (loaded only when the matrix runs)
    from tests.matrix import world as matrix_world  # noqa: PLC0415

    world = matrix_world.build()
    kinds.attach_files(world)
    return world, check.clients(world)


LAYERS = {"matrix": _matrix_layer}


class DemoWorlds:
    """This process's seeded demo: at most one profile, and one layer over it, at a time; each an entered
    ``transaction.atomic`` block (the layer's a savepoint inside the profile's), rolled back when closed."""

    def __init__(self, blocker):
        self.blocker = blocker  # pytest-django's django_db_blocker: the database is reached only through it
        self.profile: str | None = None
        self.layer: str | None = None
        self.layer_value = None
        self._blocks: list = []  # the atomic blocks entered and not yet left, outermost first

    @property
    def state(self) -> tuple[str | None, str | None]:
        return self.profile, self.layer

    def ensure(self, profile: str, layer: str | None = None) -> None:
        """Open ``profile`` (and ``layer`` over it), closing what is open of another."""
        if self.profile != profile:
            self.close()
        elif self.layer != layer:
            self._close_layer()
        with self.blocker.unblock():
            if self.profile is None:
                self._enter()
                # pytest-django creates the test database only for a session holding a test that asks for it (ours
                # do): never seed whatever database the settings name, nor over another test's rows.
                assert not Organization.objects.exists(), "the demo is seeded into an empty test database"
                started = time.monotonic()
                with translation.override("vi"):
                    demo.build(profile=profile, seed=SEED, as_of=timezone.localdate())
                self.profile = profile
                print(f"\ndemo {profile} seeded in {time.monotonic() - started:.1f}s, kept for the tests that ask")
            if layer is not None and self.layer is None:
                self._enter()
                self.layer_value = LAYERS[layer]()
                self.layer = layer

    def close(self) -> None:
        self._close_layer()
        if self.profile is not None:
            self._exit()
            self.profile = None

    def _close_layer(self) -> None:
        if self.layer is not None:
            self._exit()
            self.layer, self.layer_value = None, None

    def _enter(self) -> None:
        block = transaction.atomic()
        block.__enter__()
        self._blocks.append(block)

    def _exit(self) -> None:
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self._blocks.pop().__exit__(None, None, None)


def wanted(item) -> tuple[str, str | None] | None:
    """The (profile, layer) the test asks for, if any."""
    names = getattr(item, "fixturenames", ())
    return next((want for opener, want in OPENERS.items() if opener in names), None)


def uses_db(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


# ---------------------------------------------------------------------------------------------- xdist: units, order


def mark_groups(items) -> None:
    """The work units: the tests of each seeded world are one (one seed per world per worker); so are the tests of a
    module that share a module-scoped fixture (a world of the module's own, a browser), built once, apart for each
    of pytest-django's kinds (a unit runs whole on one worker: a transactional test inside a unit of database tests
    would empty the database under the database tests sent after it); every other test is a unit of its own."""
    for item in items:
        want = wanted(item)
        kind = _django_order(item)
        if want is not None:
            if kind != 0:
                raise pytest.UsageError(
                    f"{item.nodeid}: a test on the shared demo runs in a savepoint, not transactional"
                )
            item.add_marker(pytest.mark.xdist_group(GROUPS[want[0]]))
        elif _shares_module_fixture(item):
            module = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(f"{module} ({('database', 'transactional', 'no database')[kind]})"))


def order(items) -> None:
    """Within pytest-django's order (database tests, then transactional ones, then the rest: a transactional test
    leaves the database empty, without the rows of the data migrations), the worlds first, then the slowest modules."""

    def rank(pair):
        index, item = pair
        want = wanted(item)
        module = item.nodeid.split("::")[0]
        if want is not None:
            first = (0, list(GROUPS).index(want[0]))
        elif module in SLOW_FIRST:
            first = (1, SLOW_FIRST.index(module))
        else:
            first = (2, 0)
        return (_django_order(item), *first, index)

    items[:] = [item for _, item in sorted(enumerate(items), key=rank)]


def _django_order(item) -> int:
    """pytest-django's: 0 for a database test, 1 for a transactional one, 2 for a test without the database."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transaction_, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction_ or reset_sequences
    if transactional:
        return 1
    return 0 if marker is not None or "db" in names else 2


def _shares_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    # pytest-django's _django_setup_unittest (class-scoped, asked by every test) does nothing for a test function.
    return any(
        defs and defs[-1].scope in ("module", "package", "class") and not name.startswith("_django")
        for name, defs in info.name2fixturedefs.items()
    )


# ---------------------------------------------------------------------------------------------- xdist: the scheduler

GROUPS_DIR = "chibo_xdist_groups"  # the workerinput key: where each worker writes its tests' groups


def write_groups(directory: str, worker: str, items) -> None:
    """The worker's {node id: group}, named as xdist names them (the sorted names joined by "_")."""
    groups = {}
    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if names:
            groups[item.nodeid] = "_".join(names)
    (Path(directory) / f"{worker}.json").write_text(json.dumps(groups))


class GroupScheduling(LoadGroupScheduling):
    """``--dist loadgroup``, with the groups read from what the workers wrote.

    pytest-xdist 3.8 tells the controller a test's group by appending ``@group`` to its node id in the worker; pytest
    9.2 keeps node ids elsewhere, so the suffix is lost and every test is scheduled alone (pytest-xdist issue #1386).
    Once xdist sends the suffix again, its own reading of it takes over (``_split_scope`` falls back to it).

    Units go out in the order of the collection (``order``), never sorted by size (``--loadscope-reorder``, xdist's
    default, would send a transactional test's unit before database tests that need the data migrations' rows)."""

    def __init__(self, config, log=None, *, directory: str):
        config.option.loadscopereorder = False
        super().__init__(config, log)
        self.directory = Path(directory)
        self.groups: dict[str, str] | None = None

    def schedule(self) -> None:
        if self.groups is None:  # every worker has collected (and written its file) before the first call
            self.groups = {}
            for path in sorted(self.directory.glob("*.json")):
                self.groups.update(json.loads(path.read_text()))
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        if self.groups and nodeid in self.groups:
            return self.groups[nodeid]
        return super()._split_scope(nodeid)
