"""Reads of the throttles' counted attempts."""

from __future__ import annotations

from datetime import datetime

from apps.accounts.models import ThrottleHit


def hits_since(key: str, since: datetime) -> int:
    return ThrottleHit.objects.filter(key=key, at__gte=since).count()
