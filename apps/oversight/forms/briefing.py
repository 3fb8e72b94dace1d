"""The form of a briefing's focus: what the committee sets for the month, and the day the briefing is held."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin, dates_within
from apps.common.rules import record_dates
from apps.oversight.services.briefing import FOCUS_MAX


class BriefingForm(NFCFormMixin, forms.Form):
    focus = forms.CharField(
        label=_("Focus of the month"),
        required=False,
        max_length=FOCUS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The tasks the committee sets for the cells this month; one per line."),
    )
    held_on = dates_within(
        forms.DateField(
            label=_("Briefing day"),
            required=False,
            widget=DateInput(),
            help_text=_("Leave empty to use the committee's briefing day."),
        ),
        record_dates,
    )
