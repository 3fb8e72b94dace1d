from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin

from .models import Vote


class VoteOpenForm(NFCFormMixin, forms.Form):
    question = forms.CharField(label=_("question"), max_length=300)
    method = forms.ChoiceField(label=_("method"), choices=Vote.Method.choices)
    purpose = forms.ChoiceField(label=_("purpose"), choices=Vote.Purpose.choices)


class VoteCountsForm(forms.Form):
    approving = forms.IntegerField(label=_("for"), min_value=0)
    against = forms.IntegerField(label=_("against"), min_value=0)
    abstain = forms.IntegerField(label=_("abstain"), min_value=0)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))], widget=forms.RadioSelect
    )
