"""Forms of supervisors' work: assign a person to a cell, end an assignment, record a visit, close its follow-up.
Dates are typed dd/mm/yyyy; the plausible ranges are checked here and again by the services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin, dates_within, record_date_field
from apps.common.rules import FIRST_YEAR
from apps.oversight.models import Visit


def _up_to_today() -> tuple[date, date]:
    return date(FIRST_YEAR, 1, 1), timezone.localdate()


def _day_field(**kwargs) -> forms.DateField:
    """A day of the past or today (a visit, a follow-up done)."""
    return dates_within(forms.DateField(widget=DateInput(), **kwargs), _up_to_today)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AssignmentForm(NFCFormMixin, forms.Form):
    supervisor = PersonChoiceField(label=_("supervisor"), queryset=None)
    cell = forms.ModelChoiceField(label=_("cell"), queryset=None)
    starts_on = record_date_field(label=_("from"))
    ends_on = record_date_field(label=_("until"), required=False, help_text=_("Leave empty while the term runs."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, candidates, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = candidates
        self.fields["cell"].queryset = cells

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The term ends before it starts."))
        return cleaned


class AssignmentEndForm(forms.Form):
    ends_on = record_date_field(label=_("last day"))


class VisitForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind of visit"), choices=Visit.Kind.choices)
    meeting = forms.ModelChoiceField(
        label=_("meeting"), queryset=None, required=False, empty_label=_("(no particular meeting)")
    )
    on = _day_field(label=_("date of the visit"))
    attended = forms.TypedChoiceField(
        label=_("attended the meeting"),
        choices=[("yes", _("Attended")), ("no", _("Did not attend"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    observations = forms.CharField(label=_("observations"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label=_("recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_due = record_date_field(
        label=_("follow-up due"), required=False, help_text=_("When to check the recommendations again.")
    )

    def __init__(self, *args, kinds: list[str], meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = _meeting_label
        self.fields["kind"].choices = [(k, Visit.Kind(k).label) for k in kinds]
        if len(kinds) == 1:  # nothing to choose: the user records one kind only
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        on, due = cleaned.get("on"), cleaned.get("follow_up_due")
        if on and due and due < on:
            self.add_error("follow_up_due", _("The follow-up is due before the visit."))
        return cleaned


def _meeting_label(meeting) -> str:
    when = timezone.localtime(meeting.scheduled_at)
    return f"{when:%d/%m/%Y %H:%M} · {meeting.get_kind_display()}"


class FollowUpDoneForm(forms.Form):
    done_on = _day_field(label=_("checked again on"))
