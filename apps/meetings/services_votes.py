"""Verbs of the votes taken during a live meeting: open a vote, enter a show of hands, cast a secret ballot, close.

Several people work on the same meeting at once: every verb changes one row (or increments counters with F()),
in one transaction, so concurrent writers never overwrite each other's work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.members.models import Member

from . import queries, rules
from .models import BallotReceipt, Meeting, Vote
from .services_live import _require_open


@transaction.atomic
def vote_open(*, meeting: Meeting, question: str, method: str, purpose: str = Vote.Purpose.RESOLUTION) -> Vote:
    _require_open(meeting)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError(_("Votes are taken while the meeting is in progress."))
    vote = Vote(meeting=meeting, question=nfc(question), method=method, purpose=purpose)
    vote.full_clean()
    vote.save()
    return vote


@transaction.atomic
def vote_record_counts(*, vote: Vote, approving: int, against: int, abstain: int) -> Vote:
    """Counts of a show of hands, entered by the secretary; they cannot exceed the official members present."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.method != Vote.Method.OPEN:
        raise ValidationError(_("Secret ballots are cast by the members themselves."))
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    rows = queries.roll_call(vote.meeting)
    errors = rules.vote_errors(
        approving=approving, against=against, abstain=abstain, voters_present=queries.voters_present(rows)
    )
    if errors:
        raise ValidationError(errors)
    vote.votes_for, vote.votes_against, vote.votes_abstain = approving, against, abstain
    vote.save(update_fields=["votes_for", "votes_against", "votes_abstain"])
    return vote


CHOICES = {"for": "secret_for", "against": "secret_against", "abstain": "secret_abstain"}


def ballot_cast(*, vote: Vote, member: Member, choice: str) -> None:
    """A member's secret ballot. The receipt (who voted) and the tally (what was chosen) are written in one
    transaction; no row joins the two, so nobody — administrators included — can link a choice to a voter.
    The database's unique receipt per member and vote refuses a second ballot, even from two devices at once."""
    if choice not in CHOICES:
        raise ValidationError(_("Choose for, against or abstain."))
    with transaction.atomic():
        live = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
        if live.method != Vote.Method.SECRET:
            raise ValidationError(_("This vote is not a secret ballot."))
        if live.status != Vote.Status.OPEN:
            raise ValidationError(_("The vote is closed."))
        row = next((r for r in queries.roll_call(live.meeting) if r.member.pk == member.pk), None)
        if row is None or not rules.may_vote(row.voter):
            raise ValidationError(_("Only official members present at the meeting can vote."))
        try:
            with transaction.atomic():
                BallotReceipt.objects.create(vote=live, member=member)
        except IntegrityError as exc:
            raise ValidationError(_("You have already voted.")) from exc
        Vote.objects.filter(pk=live.pk).update(
            **{CHOICES[choice]: F(CHOICES[choice]) + 1, "ballots_cast": F("ballots_cast") + 1}
        )


@transaction.atomic
def vote_close(*, vote: Vote) -> Vote:
    """Close the vote and freeze the eligible-members figure it is judged against."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    vote.eligible = queries.eligible(queries.roll_call(vote.meeting))
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["eligible", "status", "closed_at"])
    return vote
