"""The demo's accounts that must use a second factor have the published demo authenticator; the command prints
their codes, and the codes log them in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.demo import accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    out = StringIO()
    call_command("seed_demo", "--profile", "sample", stdout=out)
    return out.getvalue()


def test_the_accounts_that_need_two_step_have_the_demo_key(seeded):
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert with_device == {"quantri", "canbo", "giamsat", "kiemtra"}
    assert set(TOTPDevice.objects.values_list("key", flat=True)) == {accounts.CHIBO_DEMO_TOTP_KEY}
    for line in seeded.splitlines():
        if line.strip().startswith(("quantri", "canbo", "giamsat", "kiemtra")):
            assert "2FA" in line
        if line.strip().startswith(("bithu", "dangvien")):
            assert "2FA" not in line
    assert "demo_totp" in seeded and accounts.DEMO_TOTP_KEY_B32 in seeded


def test_demo_totp_prints_codes_that_log_in(seeded, settings):
    settings.CHIBO_OTP_REQUIRED = True
    out = StringIO()
    call_command("demo_totp", stdout=out)
    codes = dict(line.split() for line in out.getvalue().splitlines() if line.startswith("  "))
    assert sorted(codes) == ["canbo", "giamsat", "kiemtra", "quantri"]
    client = Client()
    client.post(reverse("login"), {"username": "canbo", "password": accounts.DEMO_PASSWORD})
    assert client.post(reverse("accounts:verify"), {"code": codes["canbo"]})["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    other = Client()
    other.post(reverse("login"), {"username": "giamsat", "password": accounts.DEMO_PASSWORD})
    assert other.post(reverse("accounts:verify"), {"code": accounts.DEMO_RECOVERY_CODES[0]}).status_code == 302
