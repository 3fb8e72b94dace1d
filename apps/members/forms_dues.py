from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin

from .models import Dues
from .services_dues import DuesEntry


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
            self.fields[f"amount_{pk}"] = forms.DecimalField(
                label=_("amount (đồng)"),
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=0,
                initial=(row.amount if row and row.amount else None) if row else line.suggested,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1000"}),
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
