"""Rules of the meeting calendar (DOMAIN.md §4): dates, thematic quarters. No ORM, no request."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta


def next_working_day(day: date, is_holiday: Callable[[date], bool]) -> date:
    """A meeting that falls on a weekend or a public holiday moves to the next working day."""
    while day.weekday() >= 5 or is_holiday(day):
        day += timedelta(days=1)
    return day


def monthly_dates(year: int, day_of_month: int, is_holiday: Callable[[date], bool]) -> list[date]:
    """The twelve regular meeting dates of a year under a cell's local rule."""
    return [next_working_day(date(year, month, day_of_month), is_holiday) for month in range(1, 13)]


def thematic_months(month_of_quarter: int) -> list[int]:
    """At least one thematic meeting per quarter: the given month (1–3) of each quarter."""
    if not 1 <= month_of_quarter <= 3:
        raise ValueError(month_of_quarter)
    return [quarter * 3 + month_of_quarter for quarter in range(4)]


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarters_without_thematic(thematic_dates: Iterable[date], year: int) -> list[int]:
    held = {quarter_of(d) for d in thematic_dates if d.year == year}
    return [q for q in (1, 2, 3, 4) if q not in held]
