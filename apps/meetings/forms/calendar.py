"""Forms of the annual calendar: the cell's rule, planning a meeting, apologies and the secretary's decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common import rules
from apps.common.forms import NFCFormMixin, dates_within
from apps.meetings.models import Meeting, MeetingRule


class DateTimeInput(forms.DateTimeInput):
    """Date and time typed as dd/mm/yyyy HH:MM (DATETIME_INPUT_FORMATS accepts it)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy HH:MM", **(attrs or {})},
            format="%d/%m/%Y %H:%M",
        )


class MeetingTimeField(forms.DateTimeField):
    """A meeting's date and time: a date alone is refused (it would be a meeting at midnight, silently)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and ":" not in value:
            raise forms.ValidationError(
                _("Enter the time of the meeting too, as dd/mm/yyyy HH:MM (for example 15/01/2027 14:00)."),
                code="no_time",
            )
        return super().to_python(value)


class MeetingRuleForm(NFCFormMixin, forms.ModelForm):
    # Bounds as form fields, so a wrong value gets a readable message rather than a constraint name.
    day_of_month = forms.IntegerField(
        label=_("day of the month"),
        min_value=1,
        max_value=28,
        help_text=_("A weekend or public holiday moves the meeting to the next working day."),
    )
    start_time = forms.TimeField(
        label=_("start time"), widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "HH:MM"})
    )
    thematic_month_of_quarter = forms.TypedChoiceField(
        label=_("month of the quarter for the thematic meeting"),
        coerce=int,
        choices=[(1, _("first month")), (2, _("second month")), (3, _("third month"))],
    )

    class Meta:
        model = MeetingRule
        fields = ["day_of_month", "start_time", "place", "thematic_month_of_quarter"]


class MeetingPlanForm(NFCFormMixin, forms.Form):
    """Date, time, place and topic of a planned meeting (editing one of the calendar, or adding one)."""

    scheduled_at = dates_within(
        MeetingTimeField(label=_("date and time"), widget=DateTimeInput()),
        lambda: rules.meeting_dates(timezone.localdate()),
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    topic = forms.CharField(
        label=_("topic"), max_length=300, required=False, help_text=_("Required for a thematic meeting.")
    )


class MeetingNewForm(MeetingPlanForm):
    kind = forms.ChoiceField(
        label=_("kind of meeting"),
        choices=[
            (Meeting.Kind.REGULAR, Meeting.Kind.REGULAR.label),
            (Meeting.Kind.THEMATIC, Meeting.Kind.THEMATIC.label),
        ],
    )
    field_order = ["kind", "scheduled_at", "place", "topic"]


class ApologyForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ApologyDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"
