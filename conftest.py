import pytest

from apps.common.testing import build_world


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
