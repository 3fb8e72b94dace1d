"""Input of the documents feature: the paper attendance sheet entered in one form."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.meetings.models import Attendance
from apps.meetings.queries.meeting import RollCallRow
from apps.meetings.services.docs import PaperMark


@dataclass
class PaperRow:
    """One line of the form as the template shows it: the roll-call row and its two bound fields."""

    roll: RollCallRow
    status: forms.BoundField
    reason: forms.BoundField

    @property
    def errors(self) -> list[str]:
        return [*self.status.errors, *self.reason.errors]


class PaperAttendanceForm(NFCFormMixin, forms.Form):
    """Every member of the roll call with a status and a reason; a row left blank is not changed."""

    def __init__(self, *args, rows: list[RollCallRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.member.pk
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=row.member.full_name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=row.status,
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("reason"),
                max_length=300,
                required=False,
                initial=row.attendance.reason if row.attendance else "",
                widget=forms.TextInput(
                    attrs={"placeholder": _("Reason for the absence"), "aria-label": _("Reason for the absence")}
                ),
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.member.pk
            if cleaned.get(f"status_{pk}") == Attendance.Status.EXCUSED and not cleaned.get(f"reason_{pk}"):
                self.add_error(f"reason_{pk}", _("An absence with reason needs the reason."))
        return cleaned

    def lines(self) -> list[PaperRow]:
        return [PaperRow(row, self[f"status_{row.member.pk}"], self[f"reason_{row.member.pk}"]) for row in self.rows]

    def marks(self) -> list[PaperMark]:
        data = self.cleaned_data
        return [
            PaperMark(member=row.member, status=status, reason=data.get(f"reason_{row.member.pk}", ""))
            for row in self.rows
            if (status := data.get(f"status_{row.member.pk}"))
        ]
