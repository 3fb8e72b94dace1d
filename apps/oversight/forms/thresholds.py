"""The form of a new version of the thresholds, with the plausible range of each (the service checks them too)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin, record_date_field
from apps.oversight.models import OversightRule
from apps.oversight.services.thresholds import RANGES, out_of_range

HELP = {
    "attendance_min": _("A cell whose attendance last month was under this gets a warning (0–100)."),
    "speaking_min": _("The share of attendees who should speak; shown on the briefing pack (0–100)."),
    "falling_months": _("A warning when attendance or quality has fallen this many months running (1–12)."),
    "score_confirm_days": _("A warning when a proposed score is not confirmed after this many days (1–90)."),
    "calendar_due_month": _("The year's meeting calendar is due by the end of this month (1–12)."),
    "probation_grace_days": _(
        "A warning when a probationary member is not made official this many days after their 12 months (1–90)."
    ),
    "briefing_day": _("The day of the month the committee holds its briefing (1–28)."),
}


def _number(name: str) -> forms.Field:
    low, high = RANGES[name]
    label = OversightRule._meta.get_field(name).verbose_name
    message = out_of_range(name)
    errors = {"min_value": message, "max_value": message, "invalid": message, "max_decimal_places": message}
    if name in ("attendance_min", "speaking_min"):
        return forms.DecimalField(
            label=label,
            min_value=Decimal(low),
            max_value=Decimal(high),
            decimal_places=1,
            help_text=HELP[name],
            error_messages=errors,
        )
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=HELP[name], error_messages=errors)


class ThresholdsForm(NFCFormMixin, forms.Form):
    """A new version of the thresholds in force from a date; its initial values are those in force now."""

    effective_from = record_date_field(label=_("In force from"))

    def __init__(self, *args, current: OversightRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RANGES:
            self.fields[name] = _number(name)
            if current is not None:
                self.fields[name].initial = getattr(current, name)
