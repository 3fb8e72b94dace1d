from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.orgs.models import Organization


class OrganizationForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Organization.Kind.choices)
    level_label = forms.CharField(
        label=_("level"),
        max_length=80,
        required=False,
        help_text=_("e.g. commune committee, grassroots committee, sub-committee"),
    )
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=200)
    sector = forms.ChoiceField(
        label=_("kind of unit"),
        choices=[("", "—"), *Organization.Sector.choices],
        required=False,
        help_text=_("For the dashboards' breakdown by kind of unit (residential, agency, school, enterprise…)."),
    )


class OrganizationEditForm(NFCFormMixin, forms.Form):
    """What may change after creation: the name, the level label and the kind of unit (not the code or the kind)."""

    name = forms.CharField(label=_("name"), max_length=200)
    level_label = forms.CharField(
        label=_("level"),
        max_length=80,
        required=False,
        help_text=_("e.g. commune committee, grassroots committee, sub-committee"),
    )
    sector = forms.ChoiceField(
        label=_("kind of unit"),
        choices=[("", "—"), *Organization.Sector.choices],
        required=False,
        help_text=_("For the dashboards' breakdown by kind of unit (residential, agency, school, enterprise…)."),
    )


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("new parent organisation"), queryset=Organization.objects.none())

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = targets
        self.fields["new_parent"].label_from_instance = lambda o: f"{'— ' * (o.depth - 1)}{o.name} ({o.code})"
