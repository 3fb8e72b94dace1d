"""Membership rules as plain functions (DOMAIN.md §9)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

PROBATION_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day (31 March + 1 → 30 April)."""
    return day + relativedelta(months=months)


def confirmation_due_on(admitted_on: date) -> date:
    """A probationary member may be confirmed official 12 months after admission."""
    return add_months(admitted_on, PROBATION_MONTHS)


def in_force_on(periods: list[tuple[date, date | None]], day: date) -> bool:
    """Whether one of the periods (from, until or open-ended) covers the day: an exemption, a suspension."""
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def member_date_errors(
    *, date_of_birth: date | None, admitted_on: date | None, official_on: date | None, today: date
) -> dict[str, str]:
    """Field → message (Vietnamese, via gettext) for dates that cannot be true."""
    errors: dict[str, str] = {}
    if date_of_birth and date_of_birth > today:
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    if admitted_on and admitted_on > today:
        errors["admitted_on"] = _("The admission date cannot be in the future.")
    if date_of_birth and admitted_on and admitted_on <= date_of_birth:
        errors["admitted_on"] = _("The admission date must be after the date of birth.")
    if official_on and official_on > today:
        errors["official_on"] = _("The date made official cannot be in the future.")
    if official_on and admitted_on and official_on < admitted_on:
        errors["official_on"] = _("The date made official cannot be before the admission date.")
    return errors
