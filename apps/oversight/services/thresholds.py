"""Setting the thresholds of oversight (``OversightRule``): a committee issues a new version for its subtree, in force
from a date. A version is never changed in place: a newer one takes over from its date (the page shows the history).
The model is registered with auditlog: every version saved is an audit entry with its author."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.common import rules as common_rules
from apps.orgs.models import Organization
from apps.oversight.models import OversightRule

# Plausible ranges of each threshold: (low, high), checked here and by the form.
RANGES: dict[str, tuple[int, int]] = {
    "attendance_min": (0, 100),
    "speaking_min": (0, 100),
    "falling_months": (1, 12),
    "score_confirm_days": (1, 90),
    "calendar_due_month": (1, 12),
    "probation_grace_days": (1, 90),
    "briefing_day": (1, 28),
}
PERCENTS = ("attendance_min", "speaking_min")


def out_of_range(field: str) -> str:
    low, high = RANGES[field]
    return _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}


@transaction.atomic
def thresholds_set(*, organization: Organization, effective_from: date, by=None, **values) -> OversightRule:
    """A new version of the thresholds issued by ``organization`` (a committee) from ``effective_from``; a threshold
    not given takes its default. Refused with a message on the field:
    a cell (cells follow their committee), a value out of its range, a second version on the same date."""
    if organization.is_cell:
        raise ValidationError(_("Thresholds are set by a committee for its subtree; a cell follows its committee's."))
    if not common_rules.within(effective_from, common_rules.record_dates()):
        first, last = common_rules.record_dates()
        message = _("Enter a date from %(low)s to %(high)s.") % {"low": f"{first:%d/%m/%Y}", "high": f"{last:%d/%m/%Y}"}
        raise ValidationError({"effective_from": message})
    unknown = set(values) - set(RANGES)
    if unknown:
        raise ValueError(sorted(unknown))
    errors = {}
    for field, value in values.items():
        low, high = RANGES[field]
        number = common_rules.number_in_range(value, low=Decimal(low), high=Decimal(high))
        if number is None or (field not in PERCENTS and number != number.to_integral_value()):
            errors[field] = out_of_range(field)
    if errors:
        raise ValidationError(errors)
    duplicate = _("A version of the thresholds already takes effect on this date here. Choose another date.")
    if OversightRule.objects.filter(organization=organization, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": duplicate})
    row = OversightRule(organization=organization, effective_from=effective_from, created_by=by)
    for field, value in values.items():
        setattr(row, field, Decimal(str(value)) if field in PERCENTS else int(value))
    row.full_clean(exclude=["created_by"])  # None when a command or a test sets them
    try:
        with transaction.atomic():  # a concurrent twin: the unique constraint answers, with the same message
            row.save()
    except IntegrityError as exc:
        raise ValidationError({"effective_from": duplicate}) from exc
    return row
