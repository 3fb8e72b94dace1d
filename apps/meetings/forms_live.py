from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.members.models import Member

from .models import Attendance


class StartForm(forms.Form):
    presiding = forms.ModelChoiceField(label=_("presiding"), queryset=Member.objects.none(), required=False)
    minute_taker = forms.ModelChoiceField(label=_("minute-taker"), queryset=Member.objects.none(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presiding"].queryset = members
        self.fields["minute_taker"].queryset = members


class MarkForm(NFCFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices)
    reason = forms.CharField(max_length=300, required=False)


class GuestForm(NFCFormMixin, forms.Form):
    name = forms.CharField(label=_("full name"), max_length=120)
    position = forms.CharField(label=_("position"), max_length=200, required=False)


class SpeechForm(NFCFormMixin, forms.Form):
    speaker = forms.CharField()  # "m<pk>" for a member, "g<pk>" for a guest
    note = forms.CharField(max_length=2000, required=False)


class SpeechRecordForm(NFCFormMixin, forms.Form):
    spoken = forms.BooleanField(required=False)
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
