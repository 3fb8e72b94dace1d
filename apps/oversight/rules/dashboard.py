"""What the dashboard shows of a figure, as plain functions: a value as people write it in Vietnamese (85,0 %,
1.250.000 đ), its change from the previous period (an arrow, and a tone from the figure's ``better``), the order of
the sub-units' table and of the ranking chart, the periods of the picker. No ORM, no request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext, gettext_lazy

from apps.oversight.rules.periods import MONTH, QUARTER, YEAR, Period, add_months, month_of

UP, DOWN, SAME = "▲", "▼", "="
GOOD, BAD, NEUTRAL = "good", "bad", "neutral"
ASC, DESC = "asc", "desc"
Number = int | float | Decimal
T = TypeVar("T")


def format_number(value: Number, decimals: int = 0) -> str:
    """1234567.5 → "1.234.567,5" (Vietnamese: "." between thousands, "," before decimals)."""
    text = f"{abs(Decimal(str(value))):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"-{text}" if value < 0 and text.strip("0.,") else text


def format_value(value: Number | None, unit: str) -> str:
    """A figure's value for a page or a chart: "—" when there is none (a share of nothing)."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{format_number(value, 1)} %"
    if unit == "money":
        return f"{format_number(value)} đ"
    return format_number(value)


def format_change(change: Number | None, unit: str) -> str:
    """The change from the previous period, signed: "+2,5" (points for a percent), "-3", "+150.000 đ"; "" for none."""
    if change is None:
        return ""
    sign = "+" if change > 0 else ""
    if unit == "percent":
        return f"{sign}{format_number(change, 1)}"
    if unit == "money":
        return f"{sign}{format_number(change)} đ"
    return f"{sign}{format_number(change)}"


def mark(change: Number | None, better: str | None) -> tuple[str, str]:
    """(arrow, tone) of a change: ▲ up, ▼ down, = none; good when it went the way the figure is better (``better``
    "up" or "down"), bad the other way, neutral when the figure has no better side or nothing changed."""
    if change is None:
        return "", NEUTRAL
    if change == 0:
        return SAME, NEUTRAL
    arrow = UP if change > 0 else DOWN
    if better is None:
        return arrow, NEUTRAL
    return arrow, GOOD if (change > 0) == (better == "up") else BAD


def sort_rows(rows: Sequence[T], key: Callable[[T], Number | None], direction: str) -> list[T]:
    """Rows ordered by a figure, ``asc`` or ``desc``; rows without a value stay last either way; equal values keep
    their order (the tree's)."""
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    known.sort(key=lambda r: key(r), reverse=direction == DESC)  # type: ignore[arg-type, return-value]
    return known + unknown


def next_direction(column: str, sort: str, direction: str) -> str:
    """The direction a column's header link asks for: the other one when the table is sorted by that column
    already, descending otherwise (the largest first)."""
    if column == sort:
        return ASC if direction == DESC else DESC
    return DESC


def ranked(rows: Sequence[tuple[str, Number | None]], better: str | None, limit: int = 40) -> list[tuple[str, Number]]:
    """Sub-units for the ranking chart, best first (largest first when the figure has no better side); those without
    a value are left out. Past ``limit`` rows, the ``limit // 2`` best and the ``limit // 2`` worst."""
    known = [(label, value) for label, value in rows if value is not None]
    ordered = sorted(known, key=lambda row: row[1], reverse=better != "down")
    if len(ordered) <= limit:
        return ordered
    half = limit // 2
    return ordered[:half] + ordered[-half:]


# --- the page's fixed parts -----------------------------------------------------------------------------------------

GROUP_LABELS = {
    "meetings": gettext_lazy("Meetings"),
    "attendance": gettext_lazy("Attendance and speaking"),
    "quality": gettext_lazy("Quality of meetings"),
    "tasks": gettext_lazy("Tasks"),
    "targets": gettext_lazy("Targets"),
    "members": gettext_lazy("Members"),
    "dues": gettext_lazy("Party dues"),
    "grades": gettext_lazy("Annual grades"),
}
# The sub-units' table shows these figures (a phone scrolls it sideways); sorting by another adds its column.
KEY_COLUMNS = (
    "meetings_held",
    "held_share",
    "attendance_rate",
    "speaking_share",
    "unexcused_absences",
    "good_share",
    "tasks_late",
    "targets_achieved_share",
    "members_total",
    "dues_paid_share",
)
DEFAULT_RANKING = "attendance_rate"
NAME = "name"  # sorting the table by the sub-units' names
GRADE_SUBJECT_LABELS = {
    "grassroots": gettext_lazy("Grassroots organisations"),
    "cells": gettext_lazy("Cells"),
    "members": gettext_lazy("Members"),
}


def columns(sort: str) -> list[str]:
    """The figures of the sub-units' table: the key ones, and the one the table is sorted by."""
    return [*KEY_COLUMNS, sort] if sort and sort != NAME and sort not in KEY_COLUMNS else list(KEY_COLUMNS)


# --- periods: the picker --------------------------------------------------------------------------------------------


def default_period(today: date) -> Period:
    """Last month: the month before today's (the month a committee reports on)."""
    return Period.containing(MONTH, add_months(month_of(today), -1))


def period_title(period: Period) -> str:
    """ "Tháng 11/2026", "Quý IV/2026", "Năm 2026"."""
    if period.kind == MONTH:
        return gettext("Month %(label)s") % {"label": period.label}
    if period.kind == QUARTER:
        return gettext("Quarter %(label)s") % {"label": period.label}
    return gettext("Year %(label)s") % {"label": period.label}


def switch_kind(period: Period, kind: str, today: date) -> Period:
    """The period of another kind for the picker's month/quarter/year links: the one holding ``period``'s last
    month, or, when that one has not begun, the one holding last month."""
    candidate = Period.containing(kind, period.last_month)
    latest = Period.containing(kind, add_months(month_of(today), -1))
    return latest if candidate.first_month > latest.first_month else candidate


def has_next(period: Period, today: date) -> bool:
    """A "next" link only to a period that has begun."""
    return period.next().first_month <= month_of(today)


def period_options(today: date, selected: Period) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's choices, newest first: the last 24 months, 8 quarters and 5 years (and the selected one)."""
    this_month = month_of(today)
    months = [Period.containing(MONTH, add_months(this_month, -i)) for i in range(24)]
    quarters = [Period.containing(QUARTER, add_months(this_month, -3 * i)) for i in range(8)]
    years = [Period(YEAR, today.year - i) for i in range(5)]
    groups = []
    for label, periods in (
        (gettext("Months"), months),
        (gettext("Quarters"), quarters),
        (gettext("Years"), years),
    ):
        kind = periods[0].kind
        if selected.kind == kind and selected not in periods:
            periods = sorted([*periods, selected], key=lambda p: p.first_month, reverse=True)
        groups.append((label, [(p.key, period_title(p)) for p in periods]))
    return groups


KIND_LABELS = {MONTH: gettext_lazy("Month"), QUARTER: gettext_lazy("Quarter"), YEAR: gettext_lazy("Year")}


def picker(period: Period, today: date) -> dict:
    """The period picker's links and choices: the previous and the next period (if begun) as (key, title), the
    month/quarter/year switches as (label, key, on), the options of the select."""
    following = period.next() if has_next(period, today) else None
    return {
        "period": period,
        "title": period_title(period),
        "previous": (period.previous().key, period_title(period.previous())),
        "next": (following.key, period_title(following)) if following else None,
        "kinds": [
            (str(label), switch_kind(period, kind, today).key, kind == period.kind)
            for kind, label in KIND_LABELS.items()
        ],
        "options": period_options(today, period),
    }
