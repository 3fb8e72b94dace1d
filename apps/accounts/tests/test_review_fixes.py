"""The holes a review of the trust work found (stop 13), each shown closed: a password alone never replaces an
authenticator, a lost-phone reset ends the thief's session, a mistyped code is masked in axes' records, polling does
not keep a session alive, the trusted proxies are parsed as networks, the next page is a path."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.middleware import POLL_HEADER, SEEN_COOKIE, TrustedProxyMiddleware, client_address
from apps.accounts.services import second_factor as services
from apps.accounts.testing import TEST_RECOVERY_CODES, code_for, give_authenticator
from apps.common.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(world, settings, django_user_model):
    """A superuser with an authenticator, the second factor required."""
    settings.CHIBO_OTP_REQUIRED = True
    user = django_user_model.objects.create_user("boss", "boss@example.org", PASSWORD, is_staff=True, is_superuser=True)
    give_authenticator(user)
    return user


def _verified(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("accounts:verify"), {"code": code_for(TOTPDevice.objects.get(user=user, confirmed=True))})


def test_the_admin_login_sends_to_ours(boss, client):
    response = client.get(reverse("admin:login") + "?next=/admin/orgs/")
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=%2Fadmin%2Forgs%2F"
    client.post(reverse("admin:login"), {"username": "boss", "password": PASSWORD, "next": "/admin/"})
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated  # the POST logged nobody in


def test_a_password_alone_cannot_replace_the_authenticator(boss, client):
    owner = TOTPDevice.objects.get(user=boss, confirmed=True)
    client.force_login(boss)  # the password step done some other way: the session owes the code
    response = client.post(reverse("accounts:otp_setup"), {"start": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:verify")
    assert client.get(reverse("accounts:otp_setup"))["Location"] == reverse("accounts:verify")
    assert list(TOTPDevice.objects.filter(user=boss)) == [owner]
    assert client.get("/admin/")["Location"] == reverse("accounts:verify")


def test_a_verified_session_replaces_it_only_with_the_password(boss, client):
    _verified(client, boss)
    refused = client.post(reverse("accounts:otp_setup"), {"start": "1", "password": "not-it"})
    assert refused.status_code == 200 and "Mật khẩu không đúng" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=boss, confirmed=False).exists()
    assert AccessAttempt.objects.filter(username="boss").exists()  # a wrong password counts for the lockout
    client.post(reverse("accounts:otp_setup"), {"start": "1", "password": PASSWORD})
    assert TOTPDevice.objects.filter(user=boss, confirmed=False).exists()


def test_a_lost_phone_reset_logs_the_thief_out(boss, client, admin_user):
    _verified(client, boss)
    assert client.get("/admin/").status_code == 200
    services.second_factor_reset(boss, by=admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_mistyped_code_is_masked_in_the_lockout_records(boss, client):
    client.post(reverse("login"), {"username": "boss", "password": PASSWORD})
    client.post(reverse("accounts:verify"), {"code": "zzzz-zzzz"})
    client.post(reverse("accounts:verify"), {"code": TEST_RECOVERY_CODES[0]})
    stored = " ".join(a.post_data for a in AccessAttempt.objects.all())
    assert "zzzz" not in stored and TEST_RECOVERY_CODES[0] not in stored


def test_a_next_that_is_not_a_path_is_not_a_server_error(boss, client):
    client.raise_request_exception = True
    client.post(reverse("login") + "?next=foo", {"username": "boss", "password": PASSWORD, "next": "foo"})
    response = client.post(reverse("accounts:verify"), {"code": code_for(TOTPDevice.objects.get(user=boss))})
    assert response.status_code == 302


def test_polling_does_not_keep_an_idle_session_alive(world, client, clock):
    client.force_login(world.secretary)
    client.get(reverse("home"))
    seen = client.cookies[SEEN_COOKIE].value
    clock.shift(timedelta(minutes=30))
    client.get(reverse("home"), headers={POLL_HEADER: "1", "HX-Request": "true"})
    assert client.cookies[SEEN_COOKIE].value == seen  # not refreshed by the poll
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("home"), headers={POLL_HEADER: "1", "HX-Request": "true"})
    assert not response.wsgi_request.user.is_authenticated  # idle for 61 minutes: logged out


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.2", "203.0.113.7", ["127.0.0.1", " 10.0.0.2"], "203.0.113.7"),  # spaces around an entry
        ("10.0.0.9", "203.0.113.7", ["10.0.0.0/24"], "203.0.113.7"),  # a range
        ("::ffff:127.0.0.1", "203.0.113.7", ["127.0.0.1"], "203.0.113.7"),  # IPv4 written as IPv6
        ("10.0.1.9", "203.0.113.7", ["10.0.0.0/24"], "10.0.1.9"),  # outside the range: the peer
        ("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.5", ["127.0.0.1", "10.0.0.0/8"], "203.0.113.7"),
    ],
)
def test_trusted_proxies_are_networks(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


def test_x_forwarded_proto_only_from_a_trusted_proxy(world, rf, settings):
    settings.CHIBO_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}
    middleware = TrustedProxyMiddleware(lambda request: seen.update(request.META) or None)
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_PROTO="https"))
    assert "HTTP_X_FORWARDED_PROTO" not in seen
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"))
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"
