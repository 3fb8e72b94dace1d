"""A throttle counted in the database (every gunicorn worker sees the same counts): at most ``limit`` attempts per
key in a sliding window."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import ThrottleHit
from apps.accounts.queries import throttle as queries

KEEP = timedelta(days=1)


def address_key(purpose: str, address: str) -> str:
    return f"{purpose}-address:{address}"[:100]


def email_key(purpose: str, email: str) -> str:
    """The e-mail address is kept only as a hash."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{purpose}-email:{digest}"


def attempt(key: str, limit: int, window: timedelta = timedelta(hours=1)) -> bool:
    """Count one attempt under the key; False (and not counted) when ``limit`` attempts were made in the window."""
    now = timezone.now()
    ThrottleHit.objects.filter(at__lt=now - KEEP).delete()
    if queries.hits_since(key, now - window) >= limit:
        return False
    ThrottleHit.objects.create(key=key, at=now)
    return True
