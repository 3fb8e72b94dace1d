"""Plausible ranges for what people type and what URLs carry: years, dates, amounts in đồng, points, versions.

One place, used by the forms (apps.common.forms), the services that check their input and the readers of query
strings and paths, so that a slip of the finger (01/01/0001, 1e12, ?month=9999-12) gets a clear message, or the
page's default, and never reaches the database or a date computation that fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a record, a calendar or a page may be about
FIRST_BIRTH_YEAR = 1900
MEETING_YEARS_BACK, MEETING_YEARS_AHEAD = 5, 2  # a meeting's date, around today's year
DUES_MAX = Decimal(100_000_000)  # đồng a month for one member (dues and a fixed rate)
INCOME_MAX = Decimal(1_000_000_000)  # đồng a month: a salary or a pension, the basis of dues
POINTS_MAX = Decimal(1000)  # a rubric's points: a category, an item, a band, a level
THRESHOLD_MAX = Decimal(1_000_000)  # a rubric's threshold, either sign: a percentage, minutes, a count
VERSION_MAX = 1000  # a rubric's version number


def year_ok(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def record_dates() -> tuple[date, date]:
    """Any date of a record (a rate, a rubric, a transfer, an exemption…)."""
    return date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def birth_dates(today: date) -> tuple[date, date]:
    return date(FIRST_BIRTH_YEAR, 1, 1), today


def party_dates(today: date) -> tuple[date, date]:
    """A date in a member's party life (admission, becoming official, joining a cell): since 1930, until a year
    from now (a decision may be dated ahead)."""
    return date(1930, 1, 1), date(today.year + 1, 12, 31)


def meeting_dates(today: date) -> tuple[date, date]:
    """A meeting's date: from the start of the year five years back to the end of the year after next."""
    return date(today.year - MEETING_YEARS_BACK, 1, 1), date(today.year + MEETING_YEARS_AHEAD, 12, 31)


def within(value: date, bounds: tuple[date, date]) -> bool:
    low, high = bounds
    return low <= value <= high


def month_ok(year: int, month: int) -> bool:
    return year_ok(year) and 1 <= month <= 12


def number_in_range(value, *, low: Decimal, high: Decimal) -> Decimal | None:
    """The value as a Decimal when it is a finite number (not a bool) within low..high, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() and low <= number <= high else None
