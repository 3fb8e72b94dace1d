import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.meetings.models import Attendance
from apps.members.models import Member


class StartForm(forms.Form):
    presiding = forms.ModelChoiceField(label=_("presiding"), queryset=Member.objects.none(), required=False)
    minute_taker = forms.ModelChoiceField(label=_("minute-taker"), queryset=Member.objects.none(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presiding"].queryset = members
        self.fields["minute_taker"].queryset = members


class MarkForm(NFCFormMixin, forms.Form):
    status = forms.ChoiceField(
        choices=Attendance.Status.choices,
        error_messages={"required": _("Unknown attendance status."), "invalid_choice": _("Unknown attendance status.")},
    )
    reason = forms.CharField(max_length=300, required=False)


class GuestForm(NFCFormMixin, forms.Form):
    name = forms.CharField(
        label=_("full name"),
        max_length=120,
        error_messages={
            "required": _("Enter the guest's name."),
            "max_length": _("The guest's name is too long (at most 120 characters)."),
        },
    )
    position = forms.CharField(
        label=_("position"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("The guest's position is too long (at most 200 characters).")},
    )


class SpeechForm(NFCFormMixin, forms.Form):
    speaker = forms.CharField(  # "m<pk>" for a member, "g<pk>" for a guest
        max_length=20,
        error_messages={"required": _("Choose a member or a guest."), "max_length": _("Choose a member or a guest.")},
    )
    note = forms.CharField(max_length=2000, required=False)

    def clean_speaker(self) -> tuple[str, int]:
        """("m" or "g", pk). ASCII digits only: "²".isdigit() is true, yet int("²") fails."""
        match = re.fullmatch(r"([mg])([0-9]{1,9})", self.cleaned_data["speaker"])
        if not match:
            raise forms.ValidationError(_("Choose a member or a guest."))
        return match[1], int(match[2])


class EndForm(forms.Form):
    """Which of the speakers still unticked did speak (all ticked by default on the page)."""

    spoken = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, speeches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spoken"].choices = [(str(s.pk), str(s.member or s.guest)) for s in speeches]


class SpeechRecordForm(NFCFormMixin, forms.Form):
    spoken = forms.BooleanField(required=False)
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
