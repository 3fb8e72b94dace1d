"""The second factor: set up an authenticator (TOTP), confirm it with a code, recovery codes, check a code at
login, and an administrator's reset. Every change leaves a SecondFactorEvent (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import SecondFactorEvent
from apps.accounts.queries import second_factor as queries
from apps.accounts.rules import second_factor as rules
from apps.accounts.services import sessions

AUTHENTICATOR = "authenticator"


@dataclass
class Check:
    device: object | None  # the device that accepted the code
    throttled: bool = False  # too many wrong codes lately: the devices refuse to check for a while


def totp_start(user) -> TOTPDevice:
    """A new unconfirmed authenticator with a fresh key (an earlier unfinished one is dropped)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def _recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=queries.RECOVERY_DEVICE, confirmed=True)
    codes: list[str] = []
    while len(codes) < rules.RECOVERY_CODES:
        code = StaticToken.random_token()
        if rules.is_recovery_code(code) and code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def totp_confirm(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with a code it shows; returns the new recovery codes (shown once), or
    None when the code is wrong. Any earlier authenticator of the user is replaced."""
    if not device.verify_token(rules.normalise_code(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes(user)
        SecondFactorEvent.objects.create(user=user, by=user, kind=SecondFactorEvent.Kind.SET_UP)
    return codes


def recovery_codes_new(user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes(user)
        SecondFactorEvent.objects.create(user=user, by=user, kind=SecondFactorEvent.Kind.NEW_RECOVERY_CODES)
    return codes


def second_factor_reset(user, *, by) -> None:
    """An administrator removes a person's authenticator and recovery codes (a lost phone): the person signs in
    with the password alone and, if their role requires it, must set up a new authenticator at once. Every session
    of the person ends too: whoever holds the lost phone is logged out there."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        SecondFactorEvent.objects.create(user=user, by=by, kind=SecondFactorEvent.Kind.RESET)
        sessions.sessions_end(user)


def code_check(user, text: str) -> Check:
    """Check a typed code against the user's confirmed devices: six digits against the authenticator, eight letters
    and digits against the recovery codes (a recovery code works once). Each device throttles wrong codes."""
    code = rules.normalise_code(text)
    if rules.is_totp_code(code):
        kind = TOTPDevice
    elif rules.is_recovery_code(code):
        kind = StaticDevice
    else:
        return Check(None)
    throttled = False
    for device in queries.confirmed_devices(user):
        if not isinstance(device, kind):
            continue
        # The device's row locked while its code is checked and used up (a recovery code deleted, the
        # authenticator's last step moved on): two requests at once cannot both use one code.
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return Check(device)
    return Check(None, throttled=throttled)


def authenticator_install(user, *, key_hex: str, recovery_codes: list[str]) -> TOTPDevice:
    """A confirmed authenticator with a known key and known recovery codes: the demo's published ones (and test
    factories). Never for a real account: the key is public."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, key=key_hex, confirmed=True)
        static = StaticDevice.objects.create(user=user, name=queries.RECOVERY_DEVICE, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in recovery_codes])
    return device
