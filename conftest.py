"""The fixtures every test may use: the personas' world (apps/members/testing.py), logging a persona in, the world
with a year of history, and the clock.

The clock: every test runs at one fixed instant, ``apps.common.testing.FROZEN_AT`` (Vietnam's time, ticking from
there), so that the suite gives the same result on any day of the year; ``@pytest.mark.frozen("2026-12-31 23:30")``
runs a test at another instant (``tick=False`` stops the clock there). Browser tests (Chromium and a live server
in another thread, marked ``browser`` or using ``live_server``) run on the real clock: the browser keeps its own.
"""

import pytest
import time_machine

from apps.common.testing import FROZEN_AT, instant
from apps.meetings.testing import add_history
from apps.members.testing import build_world


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "frozen(when, tick=True): run the test at this instant (ISO text, Vietnam's time unless it names another "
        "offset) instead of the suite's FROZEN_AT; tick=False stops the clock there",
    )


@pytest.fixture(scope="session", autouse=True)
def suite_day():
    """The suite's day for what is built before a test's own clock starts (module fixtures seeding the demo)."""
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def clock(request):
    """The test's clock, started before any of its other fixtures: at ``FROZEN_AT``, at its ``frozen`` marker's
    instant, or at the real time for a browser test. A test that moves time takes it as a fixture
    (``clock.shift(timedelta(days=1))``, ``clock.move_to(instant("2027-01-01 00:30"))``)."""
    marker = request.node.get_closest_marker("frozen")
    if request.node.get_closest_marker("browser") or "live_server" in request.fixturenames:
        destination, tick = time_machine.escape_hatch.time.time(), True
    elif marker:
        destination, tick = instant(marker.args[0]), marker.kwargs.get("tick", True)
    else:
        destination, tick = FROZEN_AT, True
    with time_machine.travel(destination, tick=tick) as traveller:
        yield traveller


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(client):
    """Log a persona in (force_login: django-axes guards the real login form, tested separately)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def history_world(world):
    """The persona world with a year of history in cell A1 (``world.history``): members who attended twelve
    meetings, an exempted, a probationary and a transferred member. Meeting-day tests run on this, not a fresh cell."""
    world.history = add_history(world)
    return world
