from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.resolutions.models import Target


def _amount(label: str, **kwargs) -> forms.DecimalField:
    """A number typed with the Vietnamese decimal comma (or a point): "115,5"."""
    return forms.DecimalField(
        label=label,
        max_digits=16,
        decimal_places=2,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class TargetForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("target"), max_length=300)
    unit = forms.CharField(label=_("unit"), max_length=40, help_text=_("%, people, households, million dong …"))
    value = _amount(_("target value"))
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=Target.Direction.choices,
        initial=Target.Direction.AT_LEAST,
        help_text=_("At most: a ceiling, e.g. unexcused absences at most 2."),
    )
    period_start = forms.DateField(label=_("period from"), widget=DateInput())
    period_end = forms.DateField(label=_("period until"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return cleaned


class ActualForm(NFCFormMixin, forms.Form):
    on = forms.DateField(label=_("as of"), widget=DateInput())
    value = _amount(_("actual value"), help_text=_("The value reached by that date for the whole period."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
