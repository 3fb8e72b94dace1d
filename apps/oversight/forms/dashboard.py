"""What a dashboard's address may ask for: the period (2026-11, 2026-q4, 2026), the sub-units' order (a figure's
code or the name, ascending or descending) and, for the ranking chart, a figure. A value that makes no sense is a
Vietnamese error on the page, and the default is used instead; nothing is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.oversight.rules import dashboard as rules
from apps.oversight.rules.figures import FIGURES
from apps.oversight.rules.periods import Period

SORT_CHOICES = [("", _("Order of the tree")), (rules.NAME, _("Name")), *((f.code, f.label) for f in FIGURES)]


@dataclass(frozen=True)
class Choice:
    period: Period
    sort: str
    direction: str


class DashboardForm(forms.Form):
    period = forms.CharField(label=_("Period"), required=False, max_length=10)
    sort = forms.ChoiceField(label=_("Sort the sub-units by"), choices=SORT_CHOICES, required=False)
    dir = forms.ChoiceField(
        label=_("Direction"),
        choices=[(rules.DESC, _("largest first")), (rules.ASC, _("smallest first"))],
        required=False,
    )

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean_period(self) -> Period:
        key = self.cleaned_data.get("period") or ""
        if not key:
            return rules.default_period(self.today)
        try:
            return Period.from_key(key)
        except ValueError:
            raise forms.ValidationError(
                _("“%(key)s” is not a period: write a month (2026-11), a quarter (2026-q4) or a year (2026)."),
                params={"key": key},
            ) from None

    def choice(self) -> Choice:
        """What the page shows: the valid parts of the request, the defaults for the rest (last month, the tree's
        order, largest first)."""
        self.is_valid()
        data = self.cleaned_data
        period = data.get("period") or rules.default_period(self.today)
        return Choice(period, data.get("sort") or "", data.get("dir") or rules.DESC)


class ChartForm(forms.Form):
    period = forms.CharField(required=False, max_length=10)
    figure = forms.ChoiceField(choices=[("", ""), *((f.code, f.code) for f in FIGURES)], required=False)
    size = forms.ChoiceField(choices=[("", ""), ("narrow", "narrow")], required=False)  # narrow: for a phone

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    clean_period = DashboardForm.clean_period

    def choice(self) -> tuple[Period, str, bool]:
        """The period (last month by default), the figure of the ranking, whether the chart is for a phone."""
        self.is_valid()
        data = self.cleaned_data
        return (
            data.get("period") or rules.default_period(self.today),
            data.get("figure", ""),
            data.get("size") == "narrow",
        )
