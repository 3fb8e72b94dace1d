from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.grading.models import Level


class PointsForm(NFCFormMixin, forms.Form):
    points = forms.DecimalField(label=_("Points (0–100)"), min_value=0, max_value=100, decimal_places=1)
    disunity = forms.BooleanField(label=_("Internal disunity"), required=False)
    note = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class DecisionForm(NFCFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level decided"), choices=Level.choices)
    note = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
