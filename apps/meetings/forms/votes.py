from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.meetings.models import Vote

MAX_COUNT = 999  # more hands or ballots than any cell has members is a typing slip


def _count(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter a number (0 if there is none)."),
            "invalid": _("Enter a whole number, such as 0, 7 or 25."),
            "min_value": _("Counts cannot be negative."),
            "max_value": _("No cell has that many members: check the number (at most %(limit_value)s)."),
        },
        **kwargs,
    )


class VoteOpenForm(NFCFormMixin, forms.Form):
    question = forms.CharField(
        label=_("Question put to the vote"), max_length=300, widget=forms.TextInput(attrs={"id": "vq"})
    )
    method = forms.ChoiceField(label=_("Method"), choices=Vote.Method.choices, widget=forms.Select(attrs={"id": "vm"}))
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Vote.Purpose.choices, widget=forms.Select(attrs={"id": "vp"})
    )


class VoteCountsForm(forms.Form):
    """A show of hands, counted by the presiding officer."""

    approving = _count(_("For"))
    against = _count(_("Against"), initial=0)  # usually nobody: one tap fewer for the secretary
    abstain = _count(_("Abstain"), initial=0)


class PaperBallotsForm(forms.Form):
    """The vote-counting board's figures for the paper ballots of a secret vote (rules.PaperBallots)."""

    issued = _count(_("Ballots issued"))
    returned = _count(_("Ballots returned"))
    valid = _count(_("Valid ballots"))
    invalid = _count(_("Invalid ballots"), help_text=_("Blank, with more than one box ticked, or spoiled."))
    approving = _count(_("For"))
    against = _count(_("Against"))
    abstain = _count(_("Abstain"), initial=0, help_text=_("Ballots with the box “Abstain” ticked."))


class VoteCloseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Close it without a count"), required=False)


class VoteVoidForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"), max_length=300, error_messages={"required": _("Say why the vote is voided.")}
    )


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))], widget=forms.RadioSelect
    )


def figures_form(vote: Vote) -> forms.Form:
    """The form of an open vote with what is entered so far: the show of hands, or the board's paper figures."""
    auto_id = f"vote{vote.pk}_%s"
    if vote.method == Vote.Method.SECRET:
        return PaperBallotsForm(
            auto_id=auto_id,
            initial={
                "issued": vote.paper_issued,
                "returned": vote.paper_returned,
                "valid": vote.paper_valid,
                "invalid": vote.paper_invalid,
                "approving": vote.paper_for,
                "against": vote.paper_against,
                "abstain": vote.paper_abstain,
            },
        )
    return VoteCountsForm(
        auto_id=auto_id,
        initial={"approving": vote.votes_for, "against": vote.votes_against, "abstain": vote.votes_abstain},
    )
