from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common import rules
from apps.common.forms import DateInput, NFCFormMixin, dates_within, record_date_field
from apps.common.uploads import check_upload
from apps.members.models import CellRole, Member

MEMBER_FIELDS = [
    "full_name",
    "gender",
    "date_of_birth",
    "card_number",
    "national_id",
    "admitted_on",
    "official_on",
    "status",
    "residence",
    "occupation",
    "phone",
    "email",
]


def _birth_dates():
    return rules.birth_dates(timezone.localdate())


def _party_dates():
    return rules.party_dates(timezone.localdate())


class MemberForm(NFCFormMixin, forms.ModelForm):
    MAX_PHOTO_BYTES = 2 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_within(self.fields["date_of_birth"], _birth_dates)
        for name in ("admitted_on", "official_on"):
            dates_within(self.fields[name], _party_dates)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > self.MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo must be smaller than 2 MB."))
        if isinstance(photo, UploadedFile):  # a new photo (not the one already stored)
            check_upload(photo, {"image"})
        return photo

    class Meta:
        model = Member
        fields = [*MEMBER_FIELDS, "photo"]
        widgets = {f: DateInput() for f in ("date_of_birth", "admitted_on", "official_on")}

    def _post_clean(self):
        # Model validation (including uniqueness) runs in the service, which reports Vietnamese messages
        # per field; the form only builds the instance.
        opts = self._meta
        self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)


class MemberCreateForm(MemberForm):
    joined_on = dates_within(
        forms.DateField(label=_("joined the cell on"), widget=DateInput(), initial=timezone.localdate), _party_dates
    )
    joined_from = forms.CharField(
        label=_("transferred in from"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a newly admitted member."),
    )


class TransferForm(NFCFormMixin, forms.Form):
    to_cell = forms.ModelChoiceField(label=_("to cell"), queryset=None, required=False)
    to_organization = forms.CharField(
        label=_("or to an organisation outside this system"),
        max_length=200,
        required=False,
        help_text=_("e.g. Chi bộ Khu 2, Đảng bộ phường Tân Định, Thành phố Hồ Chí Minh"),
    )
    on = record_date_field(label=_("transfer date"), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = cells
        self.fields["to_cell"].label_from_instance = lambda o: f"{o.name} ({o.code})"

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("to_cell")) == bool(cleaned.get("to_organization")):
            raise forms.ValidationError(_("Choose a cell of this system or name an organisation outside it."))
        return cleaned


class ExemptionForm(NFCFormMixin, forms.Form):
    starts_on = record_date_field(label=_("from"))
    ends_on = record_date_field(label=_("until"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)


class SuspensionForm(ExemptionForm):
    decision_ref = forms.CharField(label=_("decision"), max_length=120, required=False)


class CellRoleForm(forms.Form):
    office = forms.ChoiceField(label=_("office"), choices=CellRole.Office.choices)
    starts_on = record_date_field(label=_("from"), initial=timezone.localdate)
