from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.orgs.models import Organization


class AttachmentForm(NFCFormMixin, forms.Form):
    """Temporary attachment to another cell (sinh hoạt đảng tạm thời): the host cell and the period."""

    host = forms.ModelChoiceField(label=_("host cell"), queryset=Organization.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("until"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = cells
