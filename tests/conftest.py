"""Browser fixtures: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

Never `playwright install`: the tests use /usr/bin/chromium. A failed test leaves a full-page screenshot in
test-artifacts/<test name>.png.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from apps.members.testing import build_world

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
