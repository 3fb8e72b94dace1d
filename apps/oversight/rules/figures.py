"""The one definition of each figure of oversight (issue 12): a named function of the summed columns of a cell's
monthly facts (``CellMonth``), shared by every page, document and export that shows it.

A figure is computed from *sums*, never averaged from other figures: an organisation's sums are the column-wise
sums of its children's (``add``), so a committee's attendance rate is its cells' present over their expected, the
weighted roll-up, not the mean of their rates. FLOW columns are summed over the period's months; STOCK columns
(members at the end of a month) take the period's last month (the queries do that; here a sum is a sum).

Plain Python over plain values: no ORM, no request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the stubs' name for a lazy translation; django-stubs-ext is a dev requirement only
    from django_stubs_ext import StrPromise

# The columns of CellMonth, as the figures read them (apps.oversight.models.facts.FLOW_FIELDS / STOCK_FIELDS name
# the same columns; a test keeps the two lists equal — rules import no model).
FLOW_COLUMNS = (
    "regular_planned",
    "regular_held",
    "regular_on_time",
    "thematic_planned",
    "thematic_held",
    "thematic_on_time",
    "sittings_held",
    "attendance_expected",
    "attendance_present",
    "unexcused_absences",
    "excused_absences",
    "attendees",
    "speakers",
    "quality_tot",
    "quality_kha",
    "quality_tb",
    "quality_kem",
    "quality_unscored",
    "scores_unconfirmed",
    "tasks_due",
    "tasks_done_on_time",
    "tasks_done_late",
    "tasks_open",
    "targets_exceeded",
    "targets_met",
    "targets_missed",
    "targets_unknown",
    "admitted",
    "confirmed",
    "transferred_in",
    "transferred_out",
    "removed",
    "dues_payers",
    "dues_paid",
    "dues_collected",
)
STOCK_COLUMNS = ("members_official", "members_probationary", "members_exempt", "members_attached_out")
COLUMNS = FLOW_COLUMNS + STOCK_COLUMNS
MONEY_COLUMNS = frozenset({"dues_collected"})

Number = int | Decimal
Sums = Mapping[str, Number]
Value = int | float | Decimal | None

COUNT, PERCENT, MONEY = "count", "percent", "money"
UP, DOWN = "up", "down"
GROUPS = ("meetings", "attendance", "quality", "tasks", "targets", "members", "dues")


@dataclass(frozen=True)
class Figure:
    code: str
    label: StrPromise
    unit: str  # COUNT, PERCENT or MONEY
    better: str | None  # UP, DOWN, or None when neither direction is better
    group: str  # one of GROUPS ("grades" for GRADE_FIGURES)
    compute: Callable[[Sums, bool], Value]  # (sums, period_closed)


# --- the arithmetic -------------------------------------------------------------------------------------------------


def _n(sums: Sums, column: str) -> Number:
    """A column of the sums; 0 when absent (a period without a row)."""
    return sums.get(column) or 0


def percent(part: Number, base: Number) -> float | None:
    """``part`` of ``base`` in percent, rounded half up to one decimal; None when the base is 0."""
    if not base:
        return None
    exact = Decimal(part) * 100 / Decimal(base)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def empty_sums() -> dict[str, Number]:
    """Zeros for every column (an organisation or a month without a row)."""
    return {c: (Decimal(0) if c in MONEY_COLUMNS else 0) for c in COLUMNS}


def add(rows: Iterable[Sums]) -> dict[str, Number]:
    """The weighted roll-up: the column-wise sum of the children's sums."""
    total = empty_sums()
    for row in rows:
        for column, value in row.items():
            total[column] = total.get(column, 0) + (value or 0)
    return total


def change(current: Value, previous: Value) -> Value:
    """current − previous (for a percent, in points, rounded to one decimal); None when either is unknown."""
    if current is None or previous is None:
        return None
    if isinstance(current, float) or isinstance(previous, float):
        return round(float(current) - float(previous), 1)
    return current - previous


def _column(column: str) -> Callable[[Sums, bool], Value]:
    """The figure that is a column's sum itself, as a function named after the column."""

    def count(s: Sums, closed: bool) -> Value:
        return _n(s, column)

    count.__name__ = count.__qualname__ = column
    return count


# --- meetings ---------------------------------------------------------------------------------------------------------


def meetings_planned(s: Sums, closed: bool) -> Value:
    return _n(s, "regular_planned") + _n(s, "thematic_planned")


def meetings_held(s: Sums, closed: bool) -> Value:
    return _n(s, "regular_held") + _n(s, "thematic_held")


def held_share(s: Sums, closed: bool) -> Value:
    return percent(_n(s, "regular_held") + _n(s, "thematic_held"), _n(s, "regular_planned") + _n(s, "thematic_planned"))


def on_time_share(s: Sums, closed: bool) -> Value:
    held = _n(s, "regular_held") + _n(s, "thematic_held")
    return percent(_n(s, "regular_on_time") + _n(s, "thematic_on_time"), held)


# --- attendance ---------------------------------------------------------------------------------------------------


def attendance_rate(s: Sums, closed: bool) -> Value:
    return percent(_n(s, "attendance_present"), _n(s, "attendance_expected"))


def speaking_share(s: Sums, closed: bool) -> Value:
    return percent(_n(s, "speakers"), _n(s, "attendees"))


# --- quality ------------------------------------------------------------------------------------------------------


def good_share(s: Sums, closed: bool) -> Value:
    """Meetings rated good among the scored ones (unscored meetings left out of the base)."""
    scored = sum(_n(s, c) for c in ("quality_tot", "quality_kha", "quality_tb", "quality_kem"))
    return percent(_n(s, "quality_tot"), scored)


# --- tasks and targets ------------------------------------------------------------------------------------------------


def tasks_done(s: Sums, closed: bool) -> Value:
    return _n(s, "tasks_done_on_time") + _n(s, "tasks_done_late")


def tasks_late(s: Sums, closed: bool) -> Value:
    """Done after the deadline, plus, once the period is over, those still not done."""
    return _n(s, "tasks_done_late") + (_n(s, "tasks_open") if closed else 0)


def tasks_done_share(s: Sums, closed: bool) -> Value:
    return percent(_n(s, "tasks_done_on_time") + _n(s, "tasks_done_late"), _n(s, "tasks_due"))


def targets_achieved_share(s: Sums, closed: bool) -> Value:
    """Exceeded or met among the targets with a result (those without one left out of the base)."""
    achieved = _n(s, "targets_exceeded") + _n(s, "targets_met")
    return percent(achieved, achieved + _n(s, "targets_missed"))


# --- members and dues ---------------------------------------------------------------------------------------------


def members_total(s: Sums, closed: bool) -> Value:
    """Official and probationary members at the end of the period."""
    return _n(s, "members_official") + _n(s, "members_probationary")


def dues_paid_share(s: Sums, closed: bool) -> Value:
    return percent(_n(s, "dues_paid"), _n(s, "dues_payers"))


def dues_collected(s: Sums, closed: bool) -> Value:
    return Decimal(_n(s, "dues_collected"))


def _f(
    code: str, label: StrPromise, unit: str, better: str | None, group: str, compute: Callable[[Sums, bool], Value]
) -> Figure:
    return Figure(code, label, unit, better, group, compute)


FIGURES: tuple[Figure, ...] = (
    _f("meetings_planned", _("Meetings planned"), COUNT, None, "meetings", meetings_planned),
    _f("meetings_held", _("Meetings held"), COUNT, UP, "meetings", meetings_held),
    _f("regular_held", _("Regular meetings held"), COUNT, UP, "meetings", _column("regular_held")),
    _f("thematic_held", _("Thematic meetings held"), COUNT, UP, "meetings", _column("thematic_held")),
    _f("sittings_held", _("Sittings held"), COUNT, None, "meetings", _column("sittings_held")),
    _f("held_share", _("Planned meetings held (%)"), PERCENT, UP, "meetings", held_share),
    _f("on_time_share", _("Meetings held on the planned day (%)"), PERCENT, UP, "meetings", on_time_share),
    _f("attendance_rate", _("Attendance rate (%)"), PERCENT, UP, "attendance", attendance_rate),
    _f("speaking_share", _("Attendees who spoke (%)"), PERCENT, UP, "attendance", speaking_share),
    _f("unexcused_absences", _("Absences without reason"), COUNT, DOWN, "attendance", _column("unexcused_absences")),
    _f("excused_absences", _("Absences with reason"), COUNT, None, "attendance", _column("excused_absences")),
    _f("quality_tot", _("Meetings rated good"), COUNT, UP, "quality", _column("quality_tot")),
    _f("quality_kha", _("Meetings rated fairly good"), COUNT, None, "quality", _column("quality_kha")),
    _f("quality_tb", _("Meetings rated average"), COUNT, None, "quality", _column("quality_tb")),
    _f("quality_kem", _("Meetings rated weak"), COUNT, DOWN, "quality", _column("quality_kem")),
    _f("quality_unscored", _("Meetings not scored"), COUNT, DOWN, "quality", _column("quality_unscored")),
    _f("good_share", _("Scored meetings rated good (%)"), PERCENT, UP, "quality", good_share),
    _f("scores_unconfirmed", _("Scores not confirmed"), COUNT, DOWN, "quality", _column("scores_unconfirmed")),
    _f("tasks_due", _("Tasks due"), COUNT, None, "tasks", _column("tasks_due")),
    _f("tasks_done", _("Tasks done"), COUNT, UP, "tasks", tasks_done),
    _f("tasks_late", _("Tasks late"), COUNT, DOWN, "tasks", tasks_late),
    _f("tasks_done_share", _("Tasks due that were done (%)"), PERCENT, UP, "tasks", tasks_done_share),
    _f("targets_exceeded", _("Targets exceeded"), COUNT, UP, "targets", _column("targets_exceeded")),
    _f("targets_met", _("Targets met"), COUNT, UP, "targets", _column("targets_met")),
    _f("targets_missed", _("Targets missed"), COUNT, DOWN, "targets", _column("targets_missed")),
    _f("targets_achieved_share", _("Targets met or exceeded (%)"), PERCENT, UP, "targets", targets_achieved_share),
    _f("admitted", _("Members admitted"), COUNT, UP, "members", _column("admitted")),
    _f("confirmed", _("Members made official"), COUNT, None, "members", _column("confirmed")),
    _f("transferred_in", _("Members transferred in"), COUNT, None, "members", _column("transferred_in")),
    _f("transferred_out", _("Members transferred out"), COUNT, None, "members", _column("transferred_out")),
    _f("removed", _("Members removed"), COUNT, None, "members", _column("removed")),
    _f("members_total", _("Members at the end of the period"), COUNT, None, "members", members_total),
    _f("members_official", _("Official members"), COUNT, None, "members", _column("members_official")),
    _f("members_probationary", _("Probationary members"), COUNT, None, "members", _column("members_probationary")),
    _f("members_exempt", _("Exempted members"), COUNT, None, "members", _column("members_exempt")),
    _f("dues_paid_share", _("Members who paid their dues (%)"), PERCENT, UP, "dues", dues_paid_share),
    _f("dues_collected", _("Dues collected (đồng)"), MONEY, UP, "dues", dues_collected),
)
BY_CODE: dict[str, Figure] = {f.code: f for f in FIGURES}


def compute_all(sums: Sums, *, closed: bool) -> dict[str, Value]:
    """Every figure of ``sums`` by code; ``closed``: the period is over (open tasks then count as late)."""
    return {f.code: f.compute(sums, closed) for f in FIGURES}


# --- annual grades (from OrgYear) ---------------------------------------------------------------------------------
# Members, cells and grassroots organisations are each counted at their own level, never mixed: a grade sum is
# "<subject>_<level>" (and "<subject>_not_decided") for subject in GRADE_SUBJECTS and level in GRADE_LEVELS.

GRADE_LEVELS = ("htxsnv", "httnv", "htnv", "khtnv")
GOOD_LEVELS = ("htxsnv", "httnv")  # "completed duties well or better"
GRADE_SUBJECTS = ("members", "cells", "grassroots")


def empty_grade_sums() -> dict[str, int]:
    return {f"{s}_{level}": 0 for s in GRADE_SUBJECTS for level in (*GRADE_LEVELS, "not_decided")}


def _good_share(g: Sums, subject: str) -> Value:
    decided = sum(_n(g, f"{subject}_{level}") for level in GRADE_LEVELS)
    return percent(sum(_n(g, f"{subject}_{level}") for level in GOOD_LEVELS), decided)


def members_good_share(g: Sums, closed: bool) -> Value:
    """Members graded HTXSNV or HTTNV among the members whose grade is decided."""
    return _good_share(g, "members")


def cells_good_share(g: Sums, closed: bool) -> Value:
    """Cells graded HTXSNV or HTTNV among the cells whose own grade is decided."""
    return _good_share(g, "cells")


def grassroots_good_share(g: Sums, closed: bool) -> Value:
    """Grassroots organisations graded HTXSNV or HTTNV among those whose own grade is decided."""
    return _good_share(g, "grassroots")


_SUBJECT_LEVEL_LABELS = {
    "members_htxsnv": _("Members graded HTXSNV"),
    "members_httnv": _("Members graded HTTNV"),
    "members_htnv": _("Members graded HTNV"),
    "members_khtnv": _("Members graded KHTNV"),
    "members_not_decided": _("Members not graded yet"),
    "cells_htxsnv": _("Cells graded HTXSNV"),
    "cells_httnv": _("Cells graded HTTNV"),
    "cells_htnv": _("Cells graded HTNV"),
    "cells_khtnv": _("Cells graded KHTNV"),
    "cells_not_decided": _("Cells not graded yet"),
    "grassroots_htxsnv": _("Grassroots organisations graded HTXSNV"),
    "grassroots_httnv": _("Grassroots organisations graded HTTNV"),
    "grassroots_htnv": _("Grassroots organisations graded HTNV"),
    "grassroots_khtnv": _("Grassroots organisations graded KHTNV"),
    "grassroots_not_decided": _("Grassroots organisations not graded yet"),
}
GRADE_FIGURES: tuple[Figure, ...] = (
    _f(
        "members_good_share",
        _("Members who completed their duties well or better (%)"),
        PERCENT,
        UP,
        "grades",
        members_good_share,
    ),
    _f(
        "cells_good_share",
        _("Cells that completed their duties well or better (%)"),
        PERCENT,
        UP,
        "grades",
        cells_good_share,
    ),
    _f(
        "grassroots_good_share",
        _("Grassroots organisations that completed their duties well or better (%)"),
        PERCENT,
        UP,
        "grades",
        grassroots_good_share,
    ),
    *(
        _f(code, label, COUNT, UP if code.endswith(GOOD_LEVELS) else None, "grades", _column(code))
        for code, label in _SUBJECT_LEVEL_LABELS.items()
    ),
)
GRADE_BY_CODE: dict[str, Figure] = {f.code: f for f in GRADE_FIGURES}


def grade_figures(grade_sums: Sums) -> dict[str, Value]:
    """The grading figures of a year by code: the good shares and the counts per level of each subject."""
    return {f.code: f.compute(grade_sums, True) for f in GRADE_FIGURES}
