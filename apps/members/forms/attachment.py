from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin, record_date_field
from apps.orgs.models import Organization


class AttachmentForm(NFCFormMixin, forms.Form):
    """Temporary attachment to another cell (sinh hoạt đảng tạm thời): the host cell and the period."""

    host = forms.ModelChoiceField(label=_("host cell"), queryset=Organization.objects.none())
    starts_on = record_date_field(label=_("from"))
    ends_on = record_date_field(label=_("until"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = cells.order_by("name")
