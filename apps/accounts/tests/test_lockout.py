"""Lockout per account and per client address (django-axes, two separate counts), with the client address taken
from X-Forwarded-For only when the request comes from a trusted proxy (TrustedProxyMiddleware)."""

import pytest
from django.urls import reverse

from apps.accounts.middleware import client_address
from apps.common.testing import PASSWORD

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"
LOCKED = "Tài khoản tạm thời bị khóa"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.CHIBO_TRUSTED_PROXIES = [PROXY]
    return 3


def attempt(client, username, password, *, peer=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_client_address_rules():
    trusted = ["127.0.0.1", "10.0.0.2"]
    assert client_address("127.0.0.1", "203.0.113.5", trusted) == "203.0.113.5"
    # the client may prepend anything; the right-most untrusted hop is what the proxy saw
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.5", trusted) == "203.0.113.5"
    assert client_address("127.0.0.1", "203.0.113.5, 10.0.0.2", trusted) == "203.0.113.5"
    # from an untrusted peer the header is ignored
    assert client_address("198.51.100.7", "203.0.113.5", trusted) == "198.51.100.7"
    # garbage in the header: the proxy's own address
    assert client_address("127.0.0.1", "not-an-address", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "", trusted) == "127.0.0.1"


def test_two_clients_behind_the_proxy_are_kept_apart(world, client, limit):
    for name in ("khong-co-1", "khong-co-2", "khong-co-3"):
        attempt(client, name, "sai", forwarded="203.0.113.5")
    # the first address is locked, even with a right password…
    assert LOCKED in attempt(client, "bithu", PASSWORD, forwarded="203.0.113.5").content.decode()
    # …the second client, behind the same proxy, is not
    response = attempt(client.__class__(), "bithu", PASSWORD, forwarded="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(world, client, limit):
    for n, name in enumerate(("khong-co-1", "khong-co-2", "khong-co-3")):
        attempt(client, name, "sai", peer="198.51.100.9", forwarded=f"203.0.113.{n + 1}")
    response = attempt(client, "bithu", PASSWORD, peer="198.51.100.9", forwarded="203.0.113.99")
    assert LOCKED in response.content.decode()


def test_failures_on_one_account_lock_it_from_any_address(world, client, limit):
    for n in range(limit):
        attempt(client.__class__(), "bithu", "sai", forwarded=f"203.0.113.{n + 1}")
    assert LOCKED in attempt(client, "bithu", PASSWORD, forwarded="198.51.100.50").content.decode()
    # another account from a fresh address is not affected
    assert attempt(client, "dangvien", PASSWORD, forwarded="198.51.100.51").status_code == 302


def test_one_address_trying_a_password_on_many_accounts_is_locked(world, client, limit):
    for name in ("bithu", "dangvien", "canbo"):
        attempt(client, name, "mat-khau-pho-bien", forwarded="203.0.113.77")
    assert LOCKED in attempt(client, "giamsat", PASSWORD, forwarded="203.0.113.77").content.decode()
    # each of those accounts saw one failure only: from elsewhere they still log in
    assert attempt(client.__class__(), "bithu", PASSWORD, forwarded="198.51.100.60").status_code == 302
