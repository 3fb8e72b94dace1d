from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.resolutions.models import Inspection, Resolution


class InspectionForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind of inspection"), choices=Inspection.Kind.choices)
    mode = forms.ChoiceField(label=_("inspection or supervision"), choices=Inspection.Mode.choices)
    subject = forms.CharField(label=_("subject"), max_length=300)
    started_on = forms.DateField(label=_("from"), widget=DateInput())
    ended_on = forms.DateField(label=_("until"), required=False, widget=DateInput())
    inspectors = forms.CharField(label=_("inspectors"), max_length=300, required=False)
    resolution = forms.ModelChoiceField(
        label=_("resolution inspected"),
        queryset=Resolution.objects.none(),
        required=False,
        empty_label=_("(the cell's work in general)"),
    )

    def __init__(self, *args, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = resolutions

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("It ends before it starts."))
        return cleaned


class ConclusionForm(NFCFormMixin, forms.Form):
    findings = forms.CharField(label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    conclusion = forms.CharField(label=_("conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    ended_on = forms.DateField(label=_("until"), required=False, widget=DateInput())


class RemedyForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("remedy required"), max_length=300)
    description = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
