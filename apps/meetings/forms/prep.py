"""Forms of preparing a meeting: its preparer, documents, board pre-meeting and agenda."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common import rules
from apps.common.forms import NFCFormMixin, dates_within
from apps.common.uploads import check_upload
from apps.meetings.forms.calendar import DateTimeInput, MeetingTimeField
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.services.prep import MAX_DOCUMENT_BYTES
from apps.members.models import Member

DOCUMENT_KINDS = {"pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "image"}
DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "jpg", "jpeg", "png"]


class PreparerForm(forms.Form):
    preparer = forms.ModelChoiceField(
        label=_("preparer"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("(nobody yet)"),
        error_messages={"invalid_choice": _("Choose a member of the cell.")},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preparer"].queryset = members


class DocumentForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind of document"))
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(
        label=_("text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Type the document here, or upload a file, or both."),
    )
    file = forms.FileField(
        label=_("file"),
        required=False,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text=_("PDF, Word, Excel, OpenDocument or a picture; at most 10 MB."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [MeetingDocument.Kind.DRAFT_REPORT, MeetingDocument.Kind.DRAFT_RESOLUTION]
        if meeting.kind == Meeting.Kind.THEMATIC:
            kinds.append(MeetingDocument.Kind.LEAD_PAPER)
        kinds.append(MeetingDocument.Kind.OTHER)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and file.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 10 MB."))
        if file:
            check_upload(file, DOCUMENT_KINDS)
        return file

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("file") and not self.errors.get("file"):
            raise forms.ValidationError(_("Type the text of the document or upload a file."))
        return cleaned


class BoardMeetingForm(NFCFormMixin, forms.Form):
    scheduled_at = dates_within(  # a year out of range (0001) overflowed in the service: a server error
        MeetingTimeField(label=_("date and time"), widget=DateTimeInput()),
        lambda: rules.meeting_dates(timezone.localdate()),
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)


class BoardMinutesForm(NFCFormMixin, forms.Form):
    text = forms.CharField(label=_("short minutes of the board pre-meeting"), widget=forms.Textarea(attrs={"rows": 8}))


class AgendaItemAddForm(NFCFormMixin, forms.Form):
    section = forms.ChoiceField(
        label=_("part"),
        choices=AgendaItem.Section.choices,
        initial=AgendaItem.Section.BODY,
        widget=forms.Select(attrs={"aria-label": _("part of the meeting")}),
    )
    title = forms.CharField(label=_("title"), max_length=300)


class AgendaItemEditForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)


class AgendaItemMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1
