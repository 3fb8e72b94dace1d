"""Rules of resolution follow-up as plain functions over plain values (DOMAIN.md §6). No ORM, no request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

OPEN, IN_PROGRESS, DONE, LATE, DROPPED = "open", "in_progress", "done", "late", "dropped"


def task_status(
    *, deadline: date, today: date, completed_on: date | None = None, dropped: bool = False, has_progress: bool = False
) -> str:
    """A task's status from its facts: dropped and done are decisions; otherwise late once the deadline has
    passed, in progress once progress is logged, else open. Done after the deadline is still done (the
    lateness shows in ``done_late``)."""
    if dropped:
        return DROPPED
    if completed_on is not None:
        return DONE
    if today > deadline:
        return LATE
    return IN_PROGRESS if has_progress else OPEN


def done_late(*, deadline: date, completed_on: date | None) -> bool:
    return completed_on is not None and completed_on > deadline


def is_overdue(*, deadline: date, today: date, completed_on: date | None = None, dropped: bool = False) -> bool:
    return task_status(deadline=deadline, today=today, completed_on=completed_on, dropped=dropped) == LATE


# ---------------------------------------------------------------------------------------------- targets

EXCEEDED, MET, MISSED, NO_DATA = "exceeded", "met", "missed", "no_data"


def target_share(*, value: Decimal, actual: Decimal | None, direction: str) -> Decimal | None:
    """The share of the target met, in percent (e.g. 115.5 for "115.5% of the estimate").

    "At least" targets: actual / target. "At most" targets (a ceiling, e.g. unexcused absences ≤ 2): target /
    actual, so that staying under the ceiling is over 100 %. Undefined (None) when there is no actual yet, or the
    ratio has no meaning (a zero "at least" target; an "at most" target with actual 0 is fully met, 100 %+ →
    reported as exceeded by ``target_outcome`` without a share)."""
    if actual is None:
        return None
    if direction == "at_least":
        if value == 0:
            return None
        return _percent(actual, value)
    if direction == "at_most":
        if actual == 0:
            return None
        return _percent(value, actual)
    raise ValueError(direction)


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator in percent to one decimal; a ratio under 100 % never rounds up to 100.0 (a missed
    target shown as "100.0 %" beside "missed" contradicts itself)."""
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    share = exact.quantize(Decimal("0.1"))
    return Decimal("99.9") if exact < 100 <= share else share


def target_outcome(*, value: Decimal, actual: Decimal | None, direction: str) -> str:
    """Exceeded, met or missed (or no data yet)."""
    if actual is None:
        return NO_DATA
    if direction == "at_least":
        return EXCEEDED if actual > value else MET if actual == value else MISSED
    if direction == "at_most":
        return EXCEEDED if actual < value else MET if actual == value else MISSED
    raise ValueError(direction)


@dataclass(frozen=True)
class Rollup:
    exceeded: int = 0
    met: int = 0
    missed: int = 0
    no_data: int = 0

    @property
    def total(self) -> int:
        return self.exceeded + self.met + self.missed + self.no_data

    @property
    def met_or_exceeded(self) -> int:
        return self.exceeded + self.met


def rollup(outcomes: Iterable[str]) -> Rollup:
    """ "n exceeded, m met, k missed" (seeds 001, 004)."""
    counts = {EXCEEDED: 0, MET: 0, MISSED: 0, NO_DATA: 0}
    for outcome in outcomes:
        counts[outcome] += 1
    return Rollup(counts[EXCEEDED], counts[MET], counts[MISSED], counts[NO_DATA])


@dataclass(frozen=True)
class TaskRollup:
    total: int = 0
    done: int = 0
    done_late: int = 0
    late: int = 0
    open: int = 0
    dropped: int = 0

    @property
    def completion_percent(self) -> float | None:
        """Share of tasks done among those not dropped."""
        base = self.total - self.dropped
        return round(self.done * 100 / base, 1) if base else None

    @property
    def on_time_percent(self) -> float | None:
        base = self.total - self.dropped
        return round((self.done - self.done_late) * 100 / base, 1) if base else None


def task_rollup(statuses: Iterable[tuple[str, bool]]) -> TaskRollup:
    """From (status, done_late) pairs."""
    total = done = late_done = late = open_ = dropped = 0
    for status, was_late in statuses:
        total += 1
        if status == DONE:
            done += 1
            late_done += was_late
        elif status == LATE:
            late += 1
        elif status == DROPPED:
            dropped += 1
        else:
            open_ += 1
    return TaskRollup(total, done, late_done, late, open_, dropped)
