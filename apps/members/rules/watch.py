"""Membership watch and dues as plain functions over plain values (DOMAIN.md §9, Party Statute art. 8).

The system only raises and lists alerts; removing a member is the cell's decision.

Thresholds are settings with these defaults (override in Django settings):
- ``CHIBO_WATCH_WARNING_MONTHS`` (2): months in a calendar year that raise a warning;
- ``CHIBO_WATCH_ALERT_MONTHS`` (3): months that put the member on the removal list for the cell to consider;
- ``CHIBO_WATCH_EXCUSED_STREAK`` (3): more consecutive absences with reason than this breaks the quality criterion;
- ``CHIBO_DUES_SALARY_PERCENT`` (1) and ``CHIBO_DUES_PENSION_PERCENT`` (0.5): used when no DuesRate row is in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

WARNING_MONTHS = 2
ALERT_MONTHS = 3
EXCUSED_STREAK = 3
SALARY_PERCENT = Decimal("1")
PENSION_PERCENT = Decimal("0.5")

NONE, WARNING, ALERT = "none", "warning", "alert"
LEVEL_RANK = {NONE: 0, WARNING: 1, ALERT: 2}

# Attendance statuses (apps.meetings.models.Attendance.Status values), kept as plain strings here.
UNEXCUSED, EXCUSED, EXEMPT = "unexcused", "excused", "exempt"
# Dues statuses (Dues.Status values).
UNPAID = "unpaid"


def warning_months() -> int:
    return getattr(settings, "CHIBO_WATCH_WARNING_MONTHS", WARNING_MONTHS)


def alert_months() -> int:
    return getattr(settings, "CHIBO_WATCH_ALERT_MONTHS", ALERT_MONTHS)


def streak_limit() -> int:
    return getattr(settings, "CHIBO_WATCH_EXCUSED_STREAK", EXCUSED_STREAK)


def months_with_unexcused_absence(months_and_statuses: Iterable[tuple[int, str]]) -> list[int]:
    """Months (1–12) in which the member missed at least one meeting without reason."""
    return sorted({month for month, status in months_and_statuses if status == UNEXCUSED})


def unpaid_months(
    recorded: dict[int, str],
    *,
    counted_months: Iterable[int],
    exempt_months: Iterable[int] = (),
) -> list[int]:
    """Months without dues paid and without a valid reason.

    ``recorded`` maps a month to the status of the member's dues row. A row saying unpaid counts. A month with no
    row counts when it is among ``counted_months`` (months that have ended, after admission, for which the cell has
    recorded dues) and the member was not exempted from party work that month.
    """
    exempt = set(exempt_months)
    missing = {m for m in counted_months if m not in recorded and m not in exempt}
    return sorted({m for m, status in recorded.items() if status == UNPAID} | missing)


def removal_level(months: int, *, warning: int | None = None, alert: int | None = None) -> str:
    """none / warning (2 months) / alert (3 months) for the months of one calendar year."""
    warning = warning_months() if warning is None else warning
    alert = alert_months() if alert is None else alert
    if months >= alert:
        return ALERT
    if months >= warning:
        return WARNING
    return NONE


def member_level(*, absence_months: int, unpaid: int) -> str:
    """Skipping meetings and not paying dues are counted separately; the higher level is the member's."""
    return max(removal_level(absence_months), removal_level(unpaid), key=LEVEL_RANK.__getitem__)


def excused_streak(statuses: Iterable[str]) -> int:
    """Longest run of consecutive absences with reason, meetings in date order.

    Attending or an absence without reason ends a run; a meeting the member was exempt from is skipped.
    """
    best = run = 0
    for status in statuses:
        if status == EXEMPT:
            continue
        run = run + 1 if status == EXCUSED else 0
        best = max(best, run)
    return best


def streak_breaks_criterion(streak: int) -> bool:
    return streak > streak_limit()


def months_overlapping(periods: Iterable[tuple[date, date | None]], year: int) -> set[int]:
    """Months of ``year`` touched by any of the periods (exemptions)."""
    months: set[int] = set()
    for start, end in periods:
        for month in range(1, 13):
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1)  # first day of the next month
            if start < last and (end is None or end >= first):
                months.add(month)
    return months


def ended_months(year: int, *, today: date, admitted_on: date) -> list[int]:
    """Months of ``year`` that have ended by ``today`` and begin on or after the member's admission month."""
    months = []
    for month in range(1, 13):
        last_day_passed = (year, month) < (today.year, today.month)
        after_admission = (year, month) >= (admitted_on.year, admitted_on.month)
        if last_day_passed and after_admission:
            months.append(month)
    return months


def dues_amount(
    *, basis: str, monthly_income: Decimal | None, percent: Decimal | None, fixed_amount: Decimal | None
) -> Decimal | None:
    """Monthly dues in whole đồng: a percent of the salary or pension, or the fixed amount; None when unknown."""
    if basis == "fixed":
        return fixed_amount
    if percent is None:
        percent = getattr(
            settings, f"CHIBO_DUES_{basis.upper()}_PERCENT", SALARY_PERCENT if basis == "salary" else PENSION_PERCENT
        )
        percent = Decimal(str(percent))
    if monthly_income is None:
        return None
    return (monthly_income * percent / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
