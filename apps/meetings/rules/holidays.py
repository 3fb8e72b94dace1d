"""Vietnamese public holidays, from the maintained ``holidays`` package (solar and lunar: Tết, Hùng Kings' day,
the government's substituted days off), cached per year.

The rules in ``rules/calendar.py`` take a plain ``is_holiday(day) -> bool`` callable; this module supplies it. Updating
the table is a dependency upgrade (``holidays`` in requirements.txt), not a code change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import holidays as holiday_tables

COUNTRY = "VN"


@lru_cache(maxsize=32)
def _holidays_of(year: int) -> dict[date, str]:
    return dict(holiday_tables.country_holidays(COUNTRY, years=year).items())


def is_holiday(day: date) -> bool:
    """A public holiday or an official day off in Viet Nam (weekends are not holidays; rules handle them)."""
    return day in _holidays_of(day.year)


def holiday_name(day: date) -> str | None:
    return _holidays_of(day.year).get(day)


def holiday_checker(year: int) -> Callable[[date], bool]:
    """The checker for a year's dates, with that year's table loaded up front.

    A date moved past 31 December is checked against the next year's table (``is_holiday`` looks up by year)."""
    _holidays_of(year)
    return is_holiday
