"""Test helpers for the second factor: give a person an authenticator, and compute the code their phone shows."""

from __future__ import annotations

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.services import second_factor as services

TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key (hex)
TEST_RECOVERY_CODES = [f"rcvr{n:04d}" for n in range(1, 11)]


def give_authenticator(user, key_hex: str = TEST_KEY) -> TOTPDevice:
    return services.authenticator_install(user, key_hex=key_hex, recovery_codes=list(TEST_RECOVERY_CODES))


def code_for(device: TOTPDevice, *, skip: int = 0) -> str:
    """The code the phone shows now, or the next one when now's was used already (a code works once; the device
    accepts one step ahead). ``skip``: that many steps further (a code the device refuses as too far ahead)."""
    device.refresh_from_db()
    now_t = (int(time.time()) - device.t0) // device.step + device.drift
    t = max(now_t, device.last_t + 1) + skip
    return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
