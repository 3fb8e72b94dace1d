from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DateInput, NFCFormMixin
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.resolutions.models import Feedback, Resolution, Task


class CommitteeResolutionForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind of resolution"),
        choices=[
            (Resolution.Kind.COMMITTEE.value, Resolution.Kind.COMMITTEE.label),
            (Resolution.Kind.DIRECTIVE.value, Resolution.Kind.DIRECTIVE.label),
        ],
    )
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    adopted_on = forms.DateField(label=_("issued on"), widget=DateInput())
    period_start = forms.DateField(label=_("period from"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("period until"), required=False, widget=DateInput())


class CellChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CommitteeTaskForm(NFCFormMixin, forms.Form):
    cells = CellChoiceField(
        label=_("cells"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each chosen cell gets its own task and follows it up."),
    )
    title = forms.CharField(label=_("task"), max_length=300)
    description = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cells"].queryset = cells


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class FollowUpForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("task"), max_length=300)
    description = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead = MemberChoiceField(
        label=_("lead"), queryset=Member.objects.none(), required=False, empty_label=_("(the cell board)")
    )
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members


class FeedbackForm(NFCFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("source"), choices=Feedback.Source.choices)
    source_detail = forms.CharField(
        label=_("from"),
        max_length=200,
        required=False,
        help_text=_("E.g. the residents' meeting of hamlet 3, the Women's Union."),
    )
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 4}))
    task = forms.ModelChoiceField(
        label=_("about the task"), queryset=Task.objects.none(), required=False, empty_label=_("(the whole resolution)")
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks


class FeedbackResponseForm(NFCFormMixin, forms.Form):
    response = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (Feedback.Status.ANSWERED.value, Feedback.Status.ANSWERED.label),
            (Feedback.Status.CLOSED.value, Feedback.Status.CLOSED.label),
        ],
    )


class AmendForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    amendment_reason = forms.CharField(label=_("reason for the amendment"), max_length=300)
    adopted_on = forms.DateField(label=_("decided on"), widget=DateInput())
