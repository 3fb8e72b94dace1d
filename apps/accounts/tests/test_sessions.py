"""Sessions end when idle, when too old, and when the user logs out everywhere; reading a page writes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.rules.sessions import IDLE, TOO_OLD, epoch_is_current, session_end_reason

pytestmark = pytest.mark.django_db
HOME = "/"


def test_end_reasons():
    hour = 3600
    kw = {"idle_seconds": hour, "max_seconds": 12 * hour}
    assert session_end_reason(now=100, started=50, seen=90, **kw) is None
    assert session_end_reason(now=2 * hour + 1, started=0, seen=hour, **kw) == IDLE
    assert session_end_reason(now=2 * hour, started=0, seen=hour + 1, **kw) is None
    assert session_end_reason(now=hour + 1, started=0, seen=None, **kw) == IDLE
    assert session_end_reason(now=12 * hour + 1, started=0, seen=12 * hour, **kw) == TOO_OLD
    assert session_end_reason(now=10, started=None, seen=5, **kw) == TOO_OLD
    assert epoch_is_current(None, 0) and epoch_is_current(2, 2) and not epoch_is_current(1, 2)


def test_an_idle_session_ends(world, client, clock):
    client.force_login(world.secretary)
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=59))
    assert client.get(HOME).status_code == 200  # and this request counts as activity
    clock.shift(timedelta(minutes=59))
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=61))
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(HOME).status_code == 302  # logged out, not only redirected


def test_a_session_ends_after_its_lifetime_however_busy(world, client, clock):
    client.force_login(world.secretary)
    for _ in range(23):
        clock.shift(timedelta(minutes=30))
        assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=31))
    assert client.get(HOME).status_code == 302


def test_a_forged_or_missing_activity_cookie_does_not_extend_the_session(world, client, clock):
    client.force_login(world.secretary)
    client.get(HOME)
    clock.shift(timedelta(minutes=61))
    client.cookies["chibo_seen"] = "9999999999"  # unsigned
    assert client.get(HOME).status_code == 302


def test_log_out_everywhere_ends_the_other_sessions(world):
    phone, office = Client(), Client()
    phone.force_login(world.secretary)
    office.force_login(world.secretary)
    assert phone.get(HOME).status_code == 200 and office.get(HOME).status_code == 200
    response = office.post(reverse("accounts:logout_everywhere"))
    assert response["Location"] == reverse("accounts:security")
    assert "Mọi phiên đăng nhập khác" in office.get(reverse("accounts:security")).content.decode()
    assert office.get(HOME).status_code == 200
    assert phone.get(HOME).status_code == 302
    # logging in again gives a session of the new epoch
    phone.force_login(world.secretary)
    assert phone.get(HOME).status_code == 200 and office.get(HOME).status_code == 200


def test_log_out_everywhere_is_a_post(world, client):
    client.force_login(world.secretary)
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
