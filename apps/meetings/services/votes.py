"""Verbs of the votes taken during a live meeting: open a vote, enter a show of hands, enter the vote-counting board's
figures for paper ballots, cast a secret ballot on a phone, close, and void a vote entered by mistake.

Several people work on the same meeting at once: every verb locks the vote's row and changes it in one transaction,
so concurrent writers never overwrite each other's work. A secret ballot cast on a phone is the exception, on
purpose: its receipt and its sealed choice are written in separate transactions (ballot_cast), and the choices are
opened and tallied only when the vote closes (docs/security-ballots.md)."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import BallotReceipt, Meeting, SealedBallot, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.queries import votes as queries_votes
from apps.meetings.rules import votes as rules_votes
from apps.meetings.services import ballot_box
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
        electronic=queries.phone_ballots(vote),
        voters_present=queries.voters_present(queries.roll_call(vote.meeting)),
    )
    if errors:
        raise ValidationError(errors)
    vote.paper_issued, vote.paper_returned, vote.paper_valid, vote.paper_invalid = issued, returned, valid, invalid
    vote.paper_for, vote.paper_against, vote.paper_abstain = approving, against, abstain
    vote.save(update_fields=list(PAPER_FIELDS))
    return vote


CHOICES = tuple(ballot_box.CODES)  # "for", "against", "abstain"
BALLOT_LOCK = 0x0C41B0  # the first key of the PostgreSQL advisory lock that takes a vote's casts one at a time
_local_locks: dict[int, threading.Lock] = {}
_local_locks_guard = threading.Lock()


@contextmanager
def one_cast_at_a_time(vote_id: int):
    """Casts (and the closing) of one vote, one at a time, across transactions: on PostgreSQL a session advisory lock
    (held in memory, never written to the log; released by the server if the process dies), elsewhere a lock of
    this process. So while a cast is under way no other starts, and a receipt left unsealed is always a cast that
    stopped (rules_votes.recast_allowed)."""
    if connection.vendor == "postgresql":
        key = [BALLOT_LOCK, vote_id % 2**31]  # two int4 keys (two votes sharing one only wait for each other)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)", key)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)", key)
        return
    with _local_locks_guard:
        lock = _local_locks.setdefault(vote_id, threading.Lock())
    with lock:
        yield


def _live_vote(vote: Vote) -> Vote:
    live = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    require_open(live.meeting)
    if live.method != Vote.Method.SECRET:
        raise ValidationError(_("This vote is not a secret ballot."))
    if live.status != Vote.Status.OPEN:
        raise ValidationError(_("The vote is closed."))
    return live


def _take_receipt(vote: Vote, member: Member) -> BallotReceipt | None:
    """Transaction 1: who votes. Checks the member may vote and writes the receipt (or finds the one an earlier cast
    left unsealed, when the counts prove its ballot is missing). Nothing of the choice is in it. None: the member's
    unsealed receipt turned out to have its ballot (now marked sealed): they have voted."""
    with transaction.atomic():
        live = _live_vote(vote)
        rows = queries.roll_call(live.meeting)
        row = next((r for r in rows if r.member.pk == member.pk), None)
        if row is None or not rules_votes.may_vote(row.voter):
            raise ValidationError(_("Only official members present at the meeting can vote."))
        receipts = BallotReceipt.objects.filter(vote=live)
        mine = receipts.filter(member=member).first()
        if mine is not None:
            if mine.sealed:
                raise ValidationError(_("You have already voted."))
            again = rules_votes.recast_allowed(
                receipts=receipts.count(),
                ballots=SealedBallot.objects.filter(vote=live).count(),
                unsealed=receipts.filter(sealed=False).count(),
            )
            if again is None:
                raise ValidationError(
                    _("Your earlier ballot may or may not have been stored, and nobody can tell: ask the secretary.")
                )
            if not again:  # every receipt has its ballot: this one was stored after all
                BallotReceipt.objects.filter(pk=mine.pk).update(sealed=True)
                return None
            return mine
        in_phones = receipts.count()
        if live.paper_issued + in_phones + 1 > queries.voters_present(rows):
            raise ValidationError(
                _("Every official member present already has a ballot: %(paper)s on paper, %(phones)s on phones.")
                % {"paper": live.paper_issued, "phones": in_phones}
            )
        try:
            with transaction.atomic():
                return BallotReceipt.objects.create(vote=live, member=member)
        except IntegrityError as exc:
            raise ValidationError(_("You have already voted.")) from exc


def _drop_ballot(vote: Vote, choice: str) -> None:
    """Transaction 2: what was chosen, sealed, in a row with no member, time or order, written without the receipt.
    Never more ballots than receipts."""
    with transaction.atomic():
        live = _live_vote(vote)
        if SealedBallot.objects.filter(vote=live).count() >= BallotReceipt.objects.filter(vote=live).count():
            raise ValidationError(_("You have already voted."))
        SealedBallot.objects.create(vote=live, sealed=ballot_box.seal(live.pk, choice))


def ballot_cast(*, vote: Vote, member: Member, choice: str) -> None:
    """A member's secret ballot, in three transactions that share nothing but the vote: (1) the receipt, who voted;
    (2) the sealed ballot, what was chosen, encrypted, with no member, time or sequence; (3) the receipt marked sealed.
    No transaction, row or log line holds both the member and the choice (docs/security-ballots.md).

    If (2) fails after (1) committed, the receipt stays unsealed and the ballot is offered again: the member casts it
    again, and the counts decide (rules_votes.recast_allowed) — cast again when their ballot is proven missing,
    "already voted" when it was stored after all. The database's unique receipt per member and vote and the rule
    "never more ballots than receipts" refuse a second ballot, even from two devices at once."""
    if choice not in CHOICES:
        raise ValidationError(_("Choose for, against or abstain."))
    with one_cast_at_a_time(vote.pk):
        receipt = _take_receipt(vote, member)
        if receipt is None:
            raise ValidationError(_("You have already voted."))
        try:
            _drop_ballot(vote, choice)
        except ValidationError:
            raise
        except Exception as exc:  # the receipt stays unsealed: the member may cast again (rules_votes.recast_allowed)
            raise ValidationError(_("Your ballot could not be stored. Cast it again.")) from exc
        with transaction.atomic():
            BallotReceipt.objects.filter(pk=receipt.pk).update(sealed=True)


def _open_ballots(vote: Vote) -> Counter:
    """The vote's sealed ballots opened in random order and tallied (inside the closing's transaction)."""
    sealed = list(SealedBallot.objects.filter(vote=vote).values_list("sealed", flat=True))
    secrets.SystemRandom().shuffle(sealed)
    tally: Counter = Counter()
    try:
        for blob in sealed:
            tally[ballot_box.open_sealed(vote.pk, blob)] += 1
    except ballot_box.Unopenable as exc:
        raise ValidationError(
            _(
                "The ballots cast on phones cannot be opened with this server's key: the secret key was changed "
                "while the vote was open. Put the previous key back, or void this vote and hold it again."
            )
        ) from exc
    return tally


def vote_close(*, vote: Vote, confirm: bool = False) -> Vote:
    """Close the vote and freeze the eligible-members figure it is judged against. A vote with nothing entered
    closes only when confirmed (code "confirm"); a secret vote does not close on a result that would tell how
    someone voted (rules_votes.secret_close_errors), nor while a receipt has no ballot (rules_votes.unsealed_errors).
    The figures are checked again against the official members present who may vote: the roll call may have changed
    since they were entered (a result above them would read 7/5).

    A secret vote's sealed ballots are opened in random order, tallied into ``secret_*`` and ``ballots_cast`` and
    deleted, in the closing's one transaction: before, the database holds no tally."""
    with one_cast_at_a_time(vote.pk), transaction.atomic():
        return _close(vote, confirm)


def _close(vote: Vote, confirm: bool) -> Vote:
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
    fields = ["eligible", "status", "closed_at"]
    if vote.method == Vote.Method.SECRET:
        receipts = BallotReceipt.objects.filter(vote=vote).count()
        ballots = SealedBallot.objects.filter(vote=vote).count()
        errors = rules_votes.unsealed_errors(receipts=receipts, ballots=ballots)
        errors += rules_votes.secret_close_errors(paper_returned=vote.paper_returned, electronic=ballots)
        errors += rules_votes.paper_ballot_errors(
            paper=queries.paper_ballots(vote), electronic=ballots, voters_present=queries.voters_present(rows)
        )
        if not errors:
            tally = _open_ballots(vote)
            vote.secret_for, vote.secret_against, vote.secret_abstain = (
                tally["for"],
                tally["against"],
                tally["abstain"],
            )
            vote.ballots_cast = sum(tally.values())
            fields += ["secret_for", "secret_against", "secret_abstain", "ballots_cast"]
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
    vote.save(update_fields=fields)
    if vote.method == Vote.Method.SECRET:
        SealedBallot.objects.filter(vote=vote).delete()
    return vote


@transaction.atomic
def vote_void(*, vote: Vote, reason: str, by) -> Vote:
    """Void a vote entered by mistake, open or closed: it stays in the record with who voided it, when and why, and
    counts for nothing (no result in the minutes, no resolution adopted on it). Not once the minutes are adopted,
    nor when a resolution was adopted on it. The sealed ballots of an open secret vote are deleted unopened."""
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
    SealedBallot.objects.filter(vote=vote).delete()  # an open secret vote's choices: never opened
    return vote
