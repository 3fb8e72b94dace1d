"""Forms of the minutes: the draft being edited, adopting the text read back, a correction after adoption."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin


class RevisionForm(forms.Form):
    """The revision of the draft the person has seen (optimistic concurrency)."""

    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class MinutesAdoptForm(forms.Form):
    """The revision read back to the meeting: adopting another text is refused."""

    revision = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Reload the minutes and try again."),
            "invalid": _("Reload the minutes and try again."),
            "min_value": _("Reload the minutes and try again."),
        },
    )


class MinutesForm(NFCFormMixin, forms.Form):
    text = forms.CharField(label=_("text of the minutes"), widget=forms.Textarea(attrs={"rows": 30}), strip=False)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class MinutesCorrectForm(NFCFormMixin, forms.Form):
    text = forms.CharField(label=_("corrected text"), widget=forms.Textarea(attrs={"rows": 30}), strip=False)
    reason = forms.CharField(label=_("reason for the correction"), max_length=300)
