"""Early warnings of oversight (issue 12, point 5) as plain functions over plain values: when a cell's figures or
records call for the committee's attention, and the sentence that says why.

The thresholds are data (``OversightRule``, issued by a committee for its subtree from a date): ``rule_in_force``
picks the one that applies at a node on a day, the nearest issuer above (or at) the node first, then its latest
version in force. The queries (``apps.oversight.queries.warnings``) read the facts and the records, and call these.

No ORM, no request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.oversight.rules.periods import QUARTER, Period, add_months, month_of

T = TypeVar("T")

# The kinds of warning, in the order the page shows them.
NO_MEETING = "no_meeting"
NO_THEMATIC = "no_thematic"
LOW_ATTENDANCE = "low_attendance"
ATTENDANCE_FALLING = "attendance_falling"
QUALITY_FALLING = "quality_falling"
OVERDUE_TASK = "overdue_task"
REMOVAL_WATCH = "removal_watch"
CALENDAR_MISSING = "calendar_missing"
SCORE_UNCONFIRMED = "score_unconfirmed"
PROBATION_OVERDUE = "probation_overdue"

KINDS = (
    NO_MEETING,
    NO_THEMATIC,
    LOW_ATTENDANCE,
    ATTENDANCE_FALLING,
    QUALITY_FALLING,
    OVERDUE_TASK,
    SCORE_UNCONFIRMED,
    CALENDAR_MISSING,
    REMOVAL_WATCH,
    PROBATION_OVERDUE,
)
KIND_LABELS = {
    NO_MEETING: gettext_lazy("No meeting last month"),
    NO_THEMATIC: gettext_lazy("No thematic meeting this quarter"),
    LOW_ATTENDANCE: gettext_lazy("Attendance under the threshold"),
    ATTENDANCE_FALLING: gettext_lazy("Attendance falling"),
    QUALITY_FALLING: gettext_lazy("Meeting quality falling"),
    OVERDUE_TASK: gettext_lazy("Overdue tasks"),
    SCORE_UNCONFIRMED: gettext_lazy("Scores not confirmed"),
    CALENDAR_MISSING: gettext_lazy("Calendars not submitted"),
    REMOVAL_WATCH: gettext_lazy("Members on the removal watch"),
    PROBATION_OVERDUE: gettext_lazy("Probation past due"),
}
# The exceptions the monthly briefing pack lists (issue 12, point 3).
BRIEFING_KINDS = (NO_MEETING, LOW_ATTENDANCE, NO_THEMATIC, OVERDUE_TASK, SCORE_UNCONFIRMED)

ALERT, WARNING = "alert", "warning"

# A meeting's quality level as a number, for the average level of a month (Tốt 4 … Kém 1).
LEVEL_POINTS = {"quality_tot": 4, "quality_kha": 3, "quality_tb": 2, "quality_kem": 1}


@dataclass(frozen=True)
class Warning:
    """One warning: its kind, how grave (``ALERT`` or ``WARNING``), the organisation it is about (a cell, or the
    committee that owns a task), the reason in a sentence, the page that shows the evidence, and since when."""

    kind: str
    severity: str
    org: Any  # an Organization (rules import no model)
    reason: str
    evidence_url: str
    since: date | None = None

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


# --- thresholds as data ---------------------------------------------------------------------------------------------


def rule_in_force(candidates: Iterable[tuple[str, date, T]], *, path: str, day: date) -> T | None:
    """The rule that applies at the node ``path`` on ``day``, among ``(issuer path, effective_from, rule)``: the
    nearest issuer above (or at) the node that has a version in force, and its latest such version. None when none
    applies (the defaults then)."""
    best: tuple[int, date] | None = None
    chosen: T | None = None
    for issuer, effective_from, rule in candidates:
        if not path.startswith(issuer) or effective_from > day:
            continue
        key = (len(issuer), effective_from)
        if best is None or key > best:
            best, chosen = key, rule
    return chosen


# --- figures over months --------------------------------------------------------------------------------------------


def falling(values: Sequence[float | int | None], months: int) -> bool:
    """Whether the last ``months + 1`` values (oldest first) fall strictly ``months`` times running. An unknown value
    (a month without a base) breaks the run."""
    if months < 1 or len(values) < months + 1:
        return False
    run = values[-(months + 1) :]
    known = [float(v) for v in run if v is not None]
    if len(known) < len(run):
        return False
    return all(later < earlier for earlier, later in zip(known, known[1:], strict=False))


def average_level(sums: dict) -> float | None:
    """The average quality level of the month's scored meetings (Tốt 4, Khá 3, Trung bình 2, Kém 1); None when
    none was scored."""
    scored = sum(sums.get(column) or 0 for column in LEVEL_POINTS)
    if not scored:
        return None
    points = sum((sums.get(column) or 0) * value for column, value in LEVEL_POINTS.items())
    return round(points / scored, 2)


def window(today: date, months: int) -> list[date]:
    """The ``months + 1`` months ending with last month, oldest first (the months a fall is read over)."""
    last = add_months(month_of(today), -1)
    return [add_months(last, -i) for i in range(months, -1, -1)]


def thematic_quarter(today: date) -> Period:
    """The quarter whose thematic meeting is checked: this quarter once its last month has started, otherwise the
    last one (which has ended)."""
    current = Period.containing(QUARTER, today)
    return current if month_of(today) == current.last_month else current.previous()


def below(value: float | None, threshold) -> bool:
    return value is not None and value < float(threshold)


# --- the removal watch, the calendar, scores, probation --------------------------------------------------------------


def calendar_overdue(*, today: date, due_month: int, status: str | None) -> bool:
    """The year's calendar is overdue once the month it is due by has ended and it is neither submitted nor
    registered (``status`` None: no calendar at all)."""
    return today.month > due_month and status not in ("submitted", "registered")


def calendar_due_date(year: int, due_month: int) -> date:
    """The first day after the month the calendar is due by."""
    return add_months(date(year, due_month, 1), 1)


def score_overdue(*, proposed_on: date, today: date, days: int) -> bool:
    """A proposed score still unconfirmed more than ``days`` days later."""
    return (today - proposed_on).days > days


def probation_overdue(*, due_on: date, today: date, grace_days: int) -> bool:
    """A probationary member whose 12 months ended more than ``grace_days`` days ago, still not made official."""
    return (today - due_on).days > grace_days


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days + 1)


# --- reasons ------------------------------------------------------------------------------------------------------


def _month_text(month: date) -> str:
    return f"{month:%m/%Y}"


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def no_meeting_reason(month: date, *, planned: int) -> str:
    if planned:
        return _("No regular meeting was held in %(month)s, though one was planned.") % {"month": _month_text(month)}
    return _("No regular meeting was held in %(month)s.") % {"month": _month_text(month)}


def no_thematic_reason(quarter: Period, *, current: bool) -> str:
    if current:
        return _("No thematic meeting has been held yet in quarter %(quarter)s, whose last month has begun.") % {
            "quarter": quarter.label
        }
    return _("No thematic meeting was held in quarter %(quarter)s.") % {"quarter": quarter.label}


def _percent(value) -> str:
    return f"{float(value):.1f}".replace(".", ",")


def low_attendance_reason(month: date, *, rate: float, threshold) -> str:
    return _("Attendance in %(month)s was %(rate)s%%, under the threshold of %(threshold)s%%.") % {
        "month": _month_text(month),
        "rate": _percent(rate),
        "threshold": _percent(threshold),
    }


def _series(months: Sequence[date], values: Sequence[float | int | None], *, percent: bool) -> str:
    def shown(value) -> str:
        return _percent(value) + "%" if percent else f"{float(value):.2f}".replace(".", ",")

    return ", ".join(f"{m:%m/%Y}: {shown(v)}" for m, v in zip(months, values, strict=True) if v is not None)


def attendance_falling_reason(months: Sequence[date], rates: Sequence[float | None]) -> str:
    return _("Attendance fell %(count)s months running (%(series)s).") % {
        "count": len(months) - 1,
        "series": _series(months, rates, percent=True),
    }


def quality_falling_reason(months: Sequence[date], values: Sequence[float | None], *, good_share: bool) -> str:
    if good_share:
        return _("The share of meetings rated good fell %(count)s months running (%(series)s).") % {
            "count": len(months) - 1,
            "series": _series(months, values, percent=True),
        }
    return _(
        "The average quality level of meetings fell %(count)s months running (%(series)s; good = 4, weak = 1)."
    ) % {
        "count": len(months) - 1,
        "series": _series(months, values, percent=False),
    }


def overdue_task_reason(title: str, *, deadline: date, today: date) -> str:
    return _("The task “%(task)s” was due on %(deadline)s and is not done (%(days)s days late).") % {
        "task": title,
        "deadline": _d(deadline),
        "days": (today - deadline).days,
    }


def removal_watch_reason(name: str, *, absence_months: Sequence[int], unpaid_months: Sequence[int], year: int) -> str:
    parts = []
    if absence_months:
        parts.append(
            _("missed meetings without reason in %(count)s months (%(months)s)")
            % {"count": len(absence_months), "months": ", ".join(str(m) for m in absence_months)}
        )
    if unpaid_months:
        parts.append(
            _("did not pay dues in %(count)s months (%(months)s)")
            % {"count": len(unpaid_months), "months": ", ".join(str(m) for m in unpaid_months)}
        )
    return _("%(name)s %(facts)s of %(year)s.") % {"name": name, "facts": "; ".join(parts), "year": year}


def calendar_reason(year: int, *, due: date, status: str | None) -> str:
    if status is None:
        return _("The meeting calendar of %(year)s has not been made; it was due by %(due)s.") % {
            "year": year,
            "due": _d(due),
        }
    return _("The meeting calendar of %(year)s has not been submitted; it was due by %(due)s.") % {
        "year": year,
        "due": _d(due),
    }


def score_reason(meeting_day: date, *, proposed_on: date, today: date) -> str:
    return _(
        "The score of the meeting of %(day)s, proposed on %(proposed)s, is still not confirmed (%(days)s days)."
    ) % {
        "day": _d(meeting_day),
        "proposed": _d(proposed_on),
        "days": (today - proposed_on).days,
    }


def probation_reason(name: str, *, admitted_on: date, due_on: date) -> str:
    return _("%(name)s, admitted on %(admitted)s, could be made official from %(due)s and is still probationary.") % {
        "name": name,
        "admitted": _d(admitted_on),
        "due": _d(due_on),
    }
