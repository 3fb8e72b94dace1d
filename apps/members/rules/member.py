"""Membership rules as plain functions (DOMAIN.md §9)."""

from datetime import date

PROBATION_MONTHS = 12


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Clamp the 29th-31st to the month's last day.
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable


def confirmation_due_on(admitted_on: date) -> date:
    """A probationary member may be confirmed official 12 months after admission."""
    return add_months(admitted_on, PROBATION_MONTHS)


def in_force_on(periods: list[tuple[date, date | None]], day: date) -> bool:
    """Whether one of the periods (from, until or open-ended) covers the day: an exemption, a suspension."""
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def member_date_errors(
    *, date_of_birth: date | None, admitted_on: date | None, official_on: date | None, today: date
) -> dict[str, str]:
    """Field → message (Vietnamese, via the caller's gettext) for dates that cannot be true."""
    from django.utils.translation import gettext as _

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
