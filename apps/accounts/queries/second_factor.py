"""Reads of a person's second factor: their django-otp devices, and who must have one."""

from __future__ import annotations

from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import SecondFactorEvent
from apps.accounts.rules import second_factor as rules
from apps.common.scoping import grants_for

RECOVERY_DEVICE = "recovery"


def must_use_second_factor(user) -> bool:
    """Holders of the administrator, committee staff, supervisor or inspection role (in force today), superusers and
    staff (apps.accounts.rules.second_factor.REQUIRED_ROLES)."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = {g.role for g in grants_for(user)}
    return rules.needs_second_factor(roles, is_superuser=user.is_superuser, is_staff=user.is_staff)


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_devices(user) -> list:
    """The devices a code is checked against: the authenticator app first, then the recovery codes."""
    return list(devices_for_user(user, confirmed=True))


def pending_totp(user) -> TOTPDevice | None:
    """The authenticator being set up (created by "start", not yet confirmed with a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE, confirmed=True).first()
    return device.token_set.count() if device else 0


def events_of(user, limit: int = 10) -> list[SecondFactorEvent]:
    return list(SecondFactorEvent.objects.filter(user=user).select_related("by")[:limit])
