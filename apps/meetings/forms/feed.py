"""Forms of how a person follows the meetings: which e-mails they receive."""

from django import forms

from apps.meetings.models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["calendar", "reminders", "preparation"]
