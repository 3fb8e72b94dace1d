"""Reads for the session guard."""

from __future__ import annotations

from apps.accounts.models import AccountState


def session_epoch(user_id: int) -> int:
    """The user's session epoch: 0 until they first log out everywhere."""
    return AccountState.objects.filter(user_id=user_id).values_list("session_epoch", flat=True).first() or 0
