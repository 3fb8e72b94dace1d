from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.grading.services.discipline import FORM_LABELS, form_errors

ORGANIZATION_ITSELF = "org"


class DisciplineForm(NFCFormMixin, forms.Form):
    """Who is disciplined (a member of the cell among those the user sees, or the organisation itself), the form
    of discipline, the date and the decision's reference."""

    subject = forms.ChoiceField(label=_("disciplined"))
    form = forms.ChoiceField(
        label=_("form of discipline"),
        choices=[("", "---------"), *FORM_LABELS.items()],
        help_text=_("Dismissal and expulsion apply to a member; dissolution to an organisation."),
    )
    on = forms.DateField(label=_("date of the decision"), widget=DateInput(), initial=timezone.localdate)
    decision_ref = forms.CharField(
        label=_("decision"), max_length=120, required=False, help_text=_("Number and symbol, e.g. 05-QĐ/UBKT")
    )

    def __init__(self, *args, organization, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        itself = _("%(name)s (the organisation itself)") % {"name": organization.name}
        self.fields["subject"].choices = [
            ("", "---------"),
            (ORGANIZATION_ITSELF, itself),
            *((pk, m.full_name) for pk, m in self.members.items()),
        ]

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        cleaned["member"] = self.members.get(subject) if subject else None
        if subject and cleaned.get("form"):
            for field, message in form_errors(form=cleaned["form"], for_member=cleaned["member"] is not None).items():
                self.add_error(field, message)
        return cleaned
