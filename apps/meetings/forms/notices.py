"""Input of the notices: which members the secretary told in person (or who signed the printed list)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeToldForm(forms.Form):
    members = forms.TypedMultipleChoiceField(
        coerce=int,
        label=_("Members told in person"),
        error_messages={
            "required": _("Tick the members who were told."),
            "invalid_choice": _("Choose members of the cell who were told."),
        },
    )

    def __init__(self, *args, rows, **kwargs):
        """``rows``: the meeting's notice rows; members already reached cannot be ticked again."""
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(r.member.pk, r.member.full_name) for r in rows if r.state != "reached"]
