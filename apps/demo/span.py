"""The span of the demo's history: the twelve months before the month of the day it is loaded ("as of"), so that
every dashboard has a year of monthly figures whatever that day; the demo's times are Vietnam's."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from apps.oversight.rules.periods import add_months, month_of

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY_MONTHS = 12


def history_start(as_of: date) -> date:
    """The first month of the demo's history: twelve months before the month of ``as_of``."""
    return add_months(month_of(as_of), -HISTORY_MONTHS)
