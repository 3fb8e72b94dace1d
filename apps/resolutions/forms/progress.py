from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.common.uploads import check_upload
from apps.resolutions.services.progress import MAX_EVIDENCE_BYTES, REVIEW_DONE, REVIEW_DROPPED, REVIEW_OPEN

EVIDENCE_KINDS = {"pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "image"}
EVIDENCE_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "jpg", "jpeg", "png"]


class ProgressForm(NFCFormMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput())
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("share done (%)"), min_value=0, max_value=100, required=False)
    evidence = forms.FileField(
        label=_("evidence"),
        required=False,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
        help_text=_("PDF, Word, Excel, OpenDocument or a picture; at most 10 MB."),
    )

    def clean_evidence(self):
        file = self.cleaned_data.get("evidence")
        if file and file.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 10 MB."))
        if file:
            check_upload(file, EVIDENCE_KINDS)
        return file


class DoneForm(forms.Form):
    # The task page's one date box: a date it cannot read is said the way the box asks for it.
    on = forms.DateField(
        label=_("completed on"),
        widget=DateInput(),
        required=False,
        error_messages={"invalid": _("Give the date as dd/mm/yyyy.")},
    )


class DropForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for dropping"),
        max_length=300,
        error_messages={
            "required": _("Give the reason for dropping the task."),
            "max_length": _("Give the reason for dropping the task."),
        },
    )


class ReviewForm(NFCFormMixin, forms.Form):
    outcome = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(REVIEW_OPEN, _("still open")), (REVIEW_DONE, _("done")), (REVIEW_DROPPED, _("dropped"))],
    )
    reason = forms.CharField(label=_("reason for dropping"), max_length=300, required=False)
    on = forms.DateField(label=_("completed on"), widget=DateInput(), required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
