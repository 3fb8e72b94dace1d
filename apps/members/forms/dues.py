from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common import rules
from apps.common.forms import NFCFormMixin, amount_field, record_date_field
from apps.members.models import Dues, DuesBasis
from apps.members.services.dues import DuesEntry


class DuesMonthForm(NFCFormMixin, forms.Form):
    """One form for the whole cell's month: three fields per member (status, amount, note)."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            pk = line.member.pk
            row = line.row
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=_("status"),
                choices=Dues.Status.choices,
                initial=row.status if row else Dues.Status.PAID,
            )
            self.fields[f"amount_{pk}"] = amount_field(
                maximum=rules.DUES_MAX,
                label=_("amount (đồng)"),
                required=False,
                initial=(row.amount if row and row.amount else None) if row else line.suggested,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("note"), required=False, max_length=300, initial=row.note if row else ""
            )

    def rows(self):
        """(line, status field, amount field, note field) for the template."""
        for line in self.lines:
            pk = line.member.pk
            yield line, self[f"status_{pk}"], self[f"amount_{pk}"], self[f"note_{pk}"]

    def entries(self) -> list[DuesEntry]:
        data = self.cleaned_data
        return [
            DuesEntry(
                member=line.member,
                status=data[f"status_{line.member.pk}"],
                amount=data[f"amount_{line.member.pk}"],
                note=data[f"note_{line.member.pk}"],
            )
            for line in self.lines
        ]


def _first_of_month():
    return timezone.localdate().replace(day=1)


class DuesRateForm(NFCFormMixin, forms.Form):
    """A committee's new rate. Which figure is needed for which basis is checked by the service."""

    basis = forms.ChoiceField(label=_("basis"), choices=DuesBasis.choices)
    percent = forms.DecimalField(
        label=_("percent"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("For a salary or a pension, e.g. 1 or 0.5."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    fixed_amount = amount_field(
        maximum=rules.DUES_MAX,
        label=_("fixed amount (đồng)"),
        required=False,
        help_text=_("For the fixed-amount basis only."),
        widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric"}),
    )
    effective_from = record_date_field(
        label=_("in force from"),
        initial=_first_of_month,
        help_text=_(
            "A month's dues use the rate in force on its first day. A rate is never changed once dues were "
            "computed with it: to change it, add a new rate in force from a later date. Only a rate not yet in "
            "force can be deleted."
        ),
    )


class DuesBasisForm(NFCFormMixin, forms.Form):
    """A member's dues basis from a date (the income is personal data: shown only to who may see the member)."""

    basis = forms.ChoiceField(label=_("basis"), choices=DuesBasis.choices)
    monthly_income = amount_field(
        maximum=rules.INCOME_MAX,
        label=_("monthly salary or pension (đồng)"),
        required=False,
        help_text=_("The social-insurance salary or the pension; leave empty for a fixed amount."),
        widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric", "autocomplete": "off"}),
    )
    effective_from = record_date_field(
        label=_("in force from"),
        initial=_first_of_month,
        help_text=_(
            "A month's dues are computed from the basis in force on its first day. An entry with the same date "
            "replaces the earlier one; a new salary or pension is a new entry with its own date."
        ),
    )
