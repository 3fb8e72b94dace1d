from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.common.forms import DateInput, NFCFormMixin
from apps.resolutions.models import Resolution


class ResolutionForm(NFCFormMixin, forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}


class LeadChoiceField(forms.ModelChoiceField):
    """Members as suggested (queries_tasks.suggest_leads): "Nguyễn Văn A — Khu 3 — 1 open task"."""

    def label_from_instance(self, member):
        count = getattr(member, "open_tasks", 0)
        load = ngettext("%(count)s open task", "%(count)s open tasks", count) % {"count": count}
        return " — ".join(part for part in (member.full_name, member.residence, load) if part)


class TaskForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("task"), max_length=300)
    description = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead = LeadChoiceField(
        label=_("lead"),
        queryset=None,
        required=False,
        empty_label=_("(choose a member)"),
        help_text=_("Suggested first: members of the chosen residential group, then those with the fewest open tasks."),
    )
    lead_is_board = forms.BooleanField(label=_("led by the cell board"), required=False)
    helpers = forms.ModelMultipleChoiceField(
        label=_("helpers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
    report_meeting = forms.ModelChoiceField(
        label=_("reported at"),
        queryset=None,
        required=False,
        empty_label=_("(the next regular meeting)"),
    )

    def __init__(self, *args, leads, members, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["helpers"].queryset = members
        self.fields["report_meeting"].queryset = meetings
        self.fields["report_meeting"].label_from_instance = lambda m: (
            f"{m.get_kind_display()} {timezone.localtime(m.scheduled_at):%d/%m/%Y}"
        )
