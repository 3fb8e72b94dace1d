"""The second factor: the login's second step, setting up an authenticator, recovery codes, the requirement by
role, and an administrator's reset."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import SecondFactorEvent
from apps.accounts.services import second_factor as services
from apps.accounts.testing import TEST_RECOVERY_CODES, code_for, give_authenticator
from apps.common.testing import PASSWORD

pytestmark = pytest.mark.django_db


def password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_person_with_an_authenticator_is_logged_in_only_after_the_code(world, client):
    device = give_authenticator(world.staff)
    response = password_step(client, "canbo")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:verify")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    page = client.get(reverse("accounts:verify")).content.decode()
    assert "Xác thực hai bước" in page
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and home.wsgi_request.user.is_verified()


def test_a_person_without_one_logs_in_with_the_password(world, client):
    response = password_step(client, "dangvien")
    assert response["Location"] == reverse("home")


def test_the_next_page_survives_the_second_step(world, client):
    device = give_authenticator(world.staff)
    client.post(reverse("login") + "?next=/members/", {"username": "canbo", "password": PASSWORD, "next": "/members/"})
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response["Location"] == "/members/"


def test_a_wrong_code_is_refused_and_a_used_code_does_not_work_twice(world, client):
    device = give_authenticator(world.staff)
    code = code_for(device)
    password_step(client, "canbo")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert response.status_code == 200 and "Mã không đúng" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    other = client.__class__()
    password_step(other, "canbo")
    device.refresh_from_db()
    assert device.last_t >= 0
    # the same code again (replay): refused
    assert other.post(reverse("accounts:verify"), {"code": code}).status_code == 200


def test_a_recovery_code_works_once(world, client):
    give_authenticator(world.staff)
    password_step(client, "canbo")
    assert client.post(reverse("accounts:verify"), {"code": "RCVR-0001"}).status_code == 302
    client.post(reverse("logout"))
    password_step(client, "canbo")
    assert client.post(reverse("accounts:verify"), {"code": "rcvr0001"}).status_code == 200
    assert StaticDevice.objects.get(user=world.staff).token_set.count() == len(TEST_RECOVERY_CODES) - 1


def test_wrong_codes_are_throttled_by_the_device(world, client):
    give_authenticator(world.staff)
    password_step(client, "canbo")
    for _ in range(3):
        response = client.post(reverse("accounts:verify"), {"code": "rcvr9999"})
    assert "Nhập sai quá nhiều lần" in response.content.decode()


def test_wrong_codes_count_as_failed_logins_for_the_lockout(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    give_authenticator(world.staff)
    password_step(client, "canbo")
    for _ in range(3):
        response = client.post(reverse("accounts:verify"), {"code": "rcvr9999"})
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    # the account is locked: the password alone no longer opens the second step
    assert "Tài khoản tạm thời bị khóa" in password_step(client.__class__(), "canbo").content.decode()


def test_the_password_step_expires(world, client, clock):
    device = give_authenticator(world.staff)
    password_step(client, "canbo")
    clock.shift(timedelta(minutes=6))
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_required_role_sets_up_the_authenticator_before_any_page(world, client, settings):
    settings.CHIBO_OTP_REQUIRED = True
    response = password_step(client, "canbo")
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp_setup")
    assert client.get(reverse("members:list"))["Location"] == reverse("accounts:otp_setup")
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "Bắt đầu" in page and "<img" not in page
    client.post(reverse("accounts:otp_setup"), {"start": "1"})
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=world.staff, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"code": "000000" if code_for(device) != "000000" else "1"})
    assert "Mã không đúng" in response.content.decode()
    device.throttle_reset()
    response = client.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4})</code>", response.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200
    assert SecondFactorEvent.objects.get(user=world.staff).kind == SecondFactorEvent.Kind.SET_UP
    # the codes shown are the ones that work
    client.post(reverse("logout"))
    password_step(client, "canbo")
    assert client.post(reverse("accounts:verify"), {"code": codes[3]}).status_code == 302


def test_a_session_made_without_the_code_must_give_it(world, client, settings):
    settings.CHIBO_OTP_REQUIRED = True
    device = give_authenticator(world.staff)
    client.force_login(world.staff)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:verify")
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("who", ["staff", "supervisor", "inspector"])
def test_every_required_role_is_sent_to_the_setup(world, client, settings, who):
    settings.CHIBO_OTP_REQUIRED = True
    client.force_login(getattr(world, who))
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp_setup")


def test_members_may_go_without(world, client, settings):
    settings.CHIBO_OTP_REQUIRED = True
    client.force_login(world.member_user)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:otp_setup") in page


def test_new_recovery_codes_void_the_old_ones(world, client, clock):
    give_authenticator(world.secretary)
    client.force_login(world.secretary)
    refused = client.post(reverse("accounts:recovery_codes"), {"password": "sai"})
    assert refused.status_code == 200 and "Mật khẩu không đúng" in refused.content.decode()
    response = client.post(reverse("accounts:recovery_codes"), {"password": PASSWORD})
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4})</code>", response.content.decode())
    assert len(codes) == 10
    client.post(reverse("logout"))
    password_step(client, "bithu")
    assert client.post(reverse("accounts:verify"), {"code": TEST_RECOVERY_CODES[0]}).status_code == 200
    clock.shift(timedelta(seconds=2))  # a wrong code makes the device wait a second before the next
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 302


def test_an_administrator_resets_a_lost_phone_audited(world, admin_user, client, settings):
    settings.CHIBO_OTP_REQUIRED = True
    give_authenticator(world.staff)
    services.second_factor_reset(world.staff, by=admin_user)
    assert not TOTPDevice.objects.filter(user=world.staff).exists()
    assert not StaticDevice.objects.filter(user=world.staff).exists()
    event = SecondFactorEvent.objects.get(user=world.staff, kind=SecondFactorEvent.Kind.RESET)
    entry = LogEntry.objects.get_for_object(event).get()
    assert entry.action == LogEntry.Action.CREATE and str(world.staff.username) not in entry.object_repr
    # the person logs in with the password and must set up a new authenticator
    assert password_step(client, "canbo")["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp_setup")


def test_the_admin_action_resets(world, admin_user, client):
    give_authenticator(world.staff)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.staff).exists()
    assert SecondFactorEvent.objects.get(user=world.staff).by == admin_user
