"""The forms of the rubric pages besides the editor (apps/quality/forms/rubric_edit.py): importing a rubric file, and
copying a rubric into a committee's subtree."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.common.uploads import check_upload
from apps.orgs.models import Organization


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("rubric file (JSON)"),
        help_text=_("The format of docs/scoring.md: code, name, dates, categories, items, levels."),
    )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file:
            check_upload(file, {"json"})
        return file


CODE_CHARACTERS = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Use letters without accents, digits, dots, dashes or underscores.")
)


class CopyForm(NFCFormMixin, forms.Form):
    """Copy a rubric into a committee's subtree: which committee, the new rubric's code and name."""

    organization = forms.ModelChoiceField(
        label=_("for the committee"),
        queryset=Organization.objects.none(),
        help_text=_("The copy applies to this committee and the organisations under it."),
    )
    code = forms.CharField(
        label=_("code of the copy"),
        max_length=40,
        validators=[CODE_CHARACTERS],
        help_text=_("A short unique code, e.g. HD42-XA-2026."),
    )
    name = forms.CharField(label=_("name"), max_length=300)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda org: org.name
