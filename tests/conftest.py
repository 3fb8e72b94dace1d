"""The fixtures of tests/: the seeded demo shared by the heavy modules (tests/worlds.py says how), and the browser.

Browser: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server. Never `playwright
install`: the tests use /usr/bin/chromium. A failed test leaves a full-page screenshot in
test-artifacts/<test name>.png.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from apps.members.testing import build_world
from tests import worlds

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown) for fixtures to read."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse ORM calls
    from it (SynchronousOnlyOperation); the flag is set only while the browser lives, and the module scope
    means the loop is stopped before any test of another module runs in this process.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def artifacts_dir() -> Path:
    """test-artifacts/ (git-ignored): screenshots kept for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def live_world(transactional_db, live_server, browser):
    """The personas of apps.members.testing, committed so that the live server's thread sees them."""
    return build_world()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _page(request, browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **options)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            except Exception as exc:  # a screenshot must not hide the test's own failure
                print(f"screenshot of {request.node.name} failed: {exc!r}")
        context.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) at desktop width; relative URLs go to the live server."""
    yield from _page(request, browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(request, browser, live_server):
    """The same at phone width (390x844, touch)."""
    yield from _page(request, browser, live_server, **PHONE)


# ---------------------------------------------------------------------------------------------- the shared demo

_worlds: worlds.DemoWorlds | None = None  # this process's, once a test asked for one; the hooks below read it


@pytest.fixture(scope="session")
def demo_worlds(django_db_setup, django_db_blocker):
    global _worlds
    _worlds = worlds.DemoWorlds(django_db_blocker)
    yield _worlds
    _worlds.close()
    _worlds = None


# Module-scoped, so that pytest sets them up before the test's own transaction; a later test of the module whose world
# was closed meanwhile gets it back from pytest_runtest_setup below.
@pytest.fixture(scope="module")
def _open_sample(demo_worlds):
    demo_worlds.ensure(*worlds.OPENERS["_open_sample"])


@pytest.fixture(scope="module")
def _open_district(demo_worlds):
    demo_worlds.ensure(*worlds.OPENERS["_open_district"])


@pytest.fixture(scope="module")
def _open_matrix(demo_worlds):
    demo_worlds.ensure(*worlds.OPENERS["_open_matrix"])


@pytest.fixture
def sample_demo(_open_sample, demo_worlds):
    """The demo's sample profile (a district of 6 communes with a year and more of history, the demo accounts) seeded
    with `make run`'s seed on the suite's day, shared (tests/worlds.py): what the test writes is rolled back."""
    assert demo_worlds.state == ("sample", None)


@pytest.fixture
def demo_district(_open_district, demo_worlds):
    """The district profile `make run` seeds (seed 1, on the suite's day, the demo accounts), shared likewise."""
    assert demo_worlds.state == ("district", None)


@pytest.fixture
def matrix(_open_matrix, demo_worlds):
    """The sample demo with the permission matrix's accounts and records: (tests.matrix.world.World, clients)."""
    assert demo_worlds.state == ("sample", "matrix")
    return demo_worlds.layer_value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Before any test (this hook is not bound to tests/): one that uses the database without asking for the open
    world gets it rolled back first."""
    if _worlds is not None and worlds.wanted(item) is None and worlds.uses_db(item):
        _worlds.close()
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test asking for a world that another test closed gets it back, as part of its setup (--durations counts
    the seeding there)."""
    want = worlds.wanted(item)
    if _worlds is not None and want is not None:
        _worlds.ensure(*want)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    worlds.mark_groups(items)  # before xdist's own hook, which reads the marks
    result = yield  # pytest-django puts database tests first, then transactional ones, then the rest
    worlds.order(items)
    directory = getattr(config, "workerinput", {}).get(worlds.GROUPS_DIR)
    if directory:
        worlds.write_groups(directory, config.workerinput["workerid"], items)
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Where the workers write their tests' groups (tests/worlds.py, GroupScheduling)."""
    node.workerinput[worlds.GROUPS_DIR] = _groups_dir(node.config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadgroup":
        return worlds.GroupScheduling(config, log, directory=_groups_dir(config))
    return None


_GROUPS_DIR = pytest.StashKey[str]()


def _groups_dir(config) -> str:
    if _GROUPS_DIR not in config.stash:
        config.stash[_GROUPS_DIR] = tempfile.mkdtemp(prefix="chibo-xdist-groups-")
    return config.stash[_GROUPS_DIR]


def pytest_unconfigure(config):
    if _GROUPS_DIR in config.stash:
        shutil.rmtree(config.stash[_GROUPS_DIR], ignore_errors=True)
