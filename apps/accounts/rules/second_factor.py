"""Who must use a second factor, and what a typed code looks like: plain values only."""

from __future__ import annotations

import base64
import re

from apps.common.scoping import Role

# The roles whose holders must sign in with a second factor (besides superusers and staff).
REQUIRED_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE_STAFF, Role.SUPERVISOR, Role.INSPECTION})
RECOVERY_CODES = 10
_SEPARATORS = re.compile(r"[\s\-]+")


def needs_second_factor(roles: set[str], *, is_superuser: bool, is_staff: bool) -> bool:
    return is_superuser or is_staff or bool({str(r) for r in REQUIRED_ROLES} & set(roles))


def normalise_code(text: str) -> str:
    """A typed code without spaces and dashes, lower case: "123 456" → "123456", "ABCD-EFGH" → "abcdefgh"."""
    return _SEPARATORS.sub("", text or "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def is_recovery_code(code: str) -> bool:
    return len(code) == 8 and code.isalnum() and code.isascii()


def grouped(code: str) -> str:
    """A recovery code as shown: "abcd-efgh"."""
    return f"{code[:4]}-{code[4:]}"


def grouped_key(key: bytes) -> str:
    """The authenticator's key as typed into an app by hand: base32 in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
