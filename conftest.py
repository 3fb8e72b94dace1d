import pytest

from apps.meetings.testing import add_history
from apps.members.testing import build_world


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
