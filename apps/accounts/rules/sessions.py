"""When a session ends: plain numbers (seconds since the epoch), no request."""

from __future__ import annotations

IDLE = "idle"
TOO_OLD = "too_old"
ELSEWHERE = "elsewhere"


def session_end_reason(
    *, now: float, started: float | None, seen: float | None, idle_seconds: int, max_seconds: int
) -> str | None:
    """Why the session is over, or None. ``started``: the login; ``seen``: the last request (None: unknown, then
    the login stands in for it). A session without a start (made before these rules) ends as too old."""
    if started is None or now - started > max_seconds:
        return TOO_OLD
    last = max(started, seen) if seen is not None else started
    if now - last > idle_seconds:
        return IDLE
    return None


def epoch_is_current(session_epoch: int | None, user_epoch: int) -> bool:
    return (session_epoch or 0) >= user_epoch
