"""Verbs of the votes taken during a live meeting: open a vote, enter a show of hands, enter the vote-counting board's
figures for paper ballots, cast a secret ballot on a phone, close, and void a vote entered by mistake.

Several people work on the same meeting at once: every verb changes one row (or increments counters with F()),
in one transaction, so concurrent writers never overwrite each other's work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.text import nfc
from apps.meetings.models import BallotReceipt, Meeting, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.queries import votes as queries_votes
from apps.meetings.rules import votes as rules_votes
from apps.meetings.services.meeting import require_open, resolution_reads
from apps.members.models import Member


@transaction.atomic
def vote_open(*, meeting: Meeting, question: str, method: str, purpose: str = Vote.Purpose.RESOLUTION) -> Vote:
    require_open(meeting)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError(_("Votes are taken while the meeting is in progress."))
    vote = Vote(meeting=meeting, question=nfc(question), method=method, purpose=purpose)
    vote.full_clean()
    vote.save()
    return vote


@transaction.atomic
def vote_record_counts(*, vote: Vote, approving: int, against: int, abstain: int) -> Vote:
    """Counts of a show of hands, entered by the secretary; they cannot exceed the official members present."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    require_open(vote.meeting)
    if vote.method != Vote.Method.OPEN:
        raise ValidationError(_("Secret ballots are cast by the members themselves."))
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    rows = queries.roll_call(vote.meeting)
    errors = rules_votes.vote_errors(
        approving=approving, against=against, abstain=abstain, voters_present=queries.voters_present(rows)
    )
    if errors:
        raise ValidationError(errors)
    vote.votes_for, vote.votes_against, vote.votes_abstain = approving, against, abstain
    vote.save(update_fields=["votes_for", "votes_against", "votes_abstain"])
    return vote


PAPER_FIELDS = (
    "paper_issued",
    "paper_returned",
    "paper_valid",
    "paper_invalid",
    "paper_for",
    "paper_against",
    "paper_abstain",
)


@transaction.atomic
def vote_record_paper(
    *,
    vote: Vote,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    approving: int,
    against: int,
    abstain: int,
) -> Vote:
    """The vote-counting board's figures for the paper ballots of a secret vote, entered (or corrected) in one go while
    the vote is open. They must add up, and the ballots issued plus those cast on phones cannot exceed the official
    members present who may vote."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    require_open(vote.meeting)
    if vote.method != Vote.Method.SECRET:
        raise ValidationError(_("Paper ballots are counted only in a secret ballot."))
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    paper = rules_votes.PaperBallots(
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        approving=approving,
        against=against,
        abstain=abstain,
    )
    errors = rules_votes.paper_ballot_errors(
        paper=paper,
        electronic=vote.ballots_cast,
        voters_present=queries.voters_present(queries.roll_call(vote.meeting)),
    )
    if errors:
        raise ValidationError(errors)
    vote.paper_issued, vote.paper_returned, vote.paper_valid, vote.paper_invalid = issued, returned, valid, invalid
    vote.paper_for, vote.paper_against, vote.paper_abstain = approving, against, abstain
    vote.save(update_fields=list(PAPER_FIELDS))
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
        require_open(live.meeting)
        if live.method != Vote.Method.SECRET:
            raise ValidationError(_("This vote is not a secret ballot."))
        if live.status != Vote.Status.OPEN:
            raise ValidationError(_("The vote is closed."))
        rows = queries.roll_call(live.meeting)
        row = next((r for r in rows if r.member.pk == member.pk), None)
        if row is None or not rules_votes.may_vote(row.voter):
            raise ValidationError(_("Only official members present at the meeting can vote."))
        if live.paper_issued + live.ballots_cast + 1 > queries.voters_present(rows):
            raise ValidationError(
                _("Every official member present already has a ballot: %(paper)s on paper, %(phones)s on phones.")
                % {"paper": live.paper_issued, "phones": live.ballots_cast}
            )
        try:
            with transaction.atomic():
                BallotReceipt.objects.create(vote=live, member=member)
        except IntegrityError as exc:
            raise ValidationError(_("You have already voted.")) from exc
        # The tallies are left out of the audit log (apps.py): no entry tells how anyone voted.
        audit.update(
            Vote.objects.filter(pk=live.pk),
            **{CHOICES[choice]: F(CHOICES[choice]) + 1, "ballots_cast": F("ballots_cast") + 1},
        )


@transaction.atomic
def vote_close(*, vote: Vote, confirm: bool = False) -> Vote:
    """Close the vote and freeze the eligible-members figure it is judged against. A vote with nothing entered
    closes only when confirmed (code "confirm"); a secret vote does not close on a result that would tell how
    someone voted (rules_votes.secret_close_errors). The figures are checked again against the official members present
    who may vote: the roll call may have changed since they were entered (a result above them would read 7/5)."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    require_open(vote.meeting)
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    if queries_votes.counted(vote) == 0 and not confirm:
        raise ValidationError(
            _("Nothing has been entered for this vote yet. Tick the confirmation to close it without a count."),
            code="confirm",
        )
    rows = queries.roll_call(vote.meeting)
    if vote.method == Vote.Method.SECRET:
        errors = rules_votes.secret_close_errors(paper_returned=vote.paper_returned, electronic=vote.ballots_cast)
        errors += rules_votes.paper_ballot_errors(
            paper=queries.paper_ballots(vote), electronic=vote.ballots_cast, voters_present=queries.voters_present(rows)
        )
    else:
        errors = rules_votes.vote_errors(
            approving=vote.votes_for,
            against=vote.votes_against,
            abstain=vote.votes_abstain,
            voters_present=queries.voters_present(rows),
        )
    if errors:
        raise ValidationError(errors)
    vote.eligible = queries.eligible(rows)
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["eligible", "status", "closed_at"])
    return vote


@transaction.atomic
def vote_void(*, vote: Vote, reason: str, by) -> Vote:
    """Void a vote entered by mistake, open or closed: it stays in the record with who voided it, when and why, and
    counts for nothing (no result in the minutes, no resolution adopted on it). Not once the minutes are adopted,
    nor when a resolution was adopted on it."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    require_open(vote.meeting)
    if vote.status == Vote.Status.VOIDED:
        raise ValidationError(_("The vote has already been voided."))
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the vote is voided.")})
    if resolution_reads().adopted_on(vote):
        raise ValidationError(_("A resolution was adopted on this vote: it can no longer be voided."))
    vote.status = Vote.Status.VOIDED
    vote.voided_at = timezone.now()
    vote.voided_by = by
    vote.void_reason = reason
    vote.full_clean()
    vote.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    return vote
