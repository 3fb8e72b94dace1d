"""The votes of a meeting, the receipts of secret ballots cast on phones (who voted) and the sealed ballots (what
was chosen, encrypted, with nothing that points at a voter) — docs/decisions/0006-secret-ballots-on-paper.md."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models.meeting import Meeting
from apps.members.models import Member


class Vote(models.Model):
    """A vote of the meeting. Open votes record the counts; secret votes are held on paper (the vote-counting board
    enters its figures) and, by members who have an account, on their own device: a receipt says who voted, a
    sealed ballot (SealedBallot) holds the choice, encrypted, until the vote closes; then the sealed ballots are
    opened in random order, tallied into ``secret_*`` and deleted. Results are shown once the vote is closed, and
    only when enough ballots are in (rules.secret_result_withheld). A vote entered by mistake is voided with a
    reason: it stays in the record, shown struck through, and counts for nothing."""

    class Method(models.TextChoices):
        OPEN = "open", _("Show of hands")
        SECRET = "secret", _("Secret ballot")

    class Purpose(models.TextChoices):
        RESOLUTION = "resolution", _("Adopt the resolution")
        OTHER = "other", _("Other question")

    class Status(models.TextChoices):
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Closed")
        VOIDED = "voided", _("Voided")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    question = models.CharField(_("question"), max_length=300)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.OPEN)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.RESOLUTION)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Open vote counts, entered by the secretary.
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstain"), default=0)
    # Secret ballot tallies: all zero while the vote is open (the choices are sealed, SealedBallot), written once when
    # it closes from the sealed ballots opened then; ``ballots_cast`` is the number of phone ballots opened. While
    # open, the ballots in on phones are the receipts (queries.meeting.phone_ballots).
    secret_for = models.PositiveIntegerField(default=0)
    secret_against = models.PositiveIntegerField(default=0)
    secret_abstain = models.PositiveIntegerField(default=0)
    ballots_cast = models.PositiveIntegerField(default=0)
    # Paper ballots of a secret vote, as the vote-counting board (ban kiểm phiếu) counted them (rules.PaperBallots).
    paper_issued = models.PositiveIntegerField(_("ballots issued"), default=0)
    paper_returned = models.PositiveIntegerField(_("ballots returned"), default=0)
    paper_valid = models.PositiveIntegerField(_("valid ballots"), default=0)
    paper_invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)
    paper_for = models.PositiveIntegerField(default=0)
    paper_against = models.PositiveIntegerField(default=0)
    paper_abstain = models.PositiveIntegerField(default=0)
    # The eligible-members figure (DOMAIN.md §5), frozen when the vote closes.
    eligible = models.PositiveIntegerField(null=True, blank=True)
    # A vote entered by mistake: voided, never deleted.
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["meeting", "opened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ballots_cast=F("secret_for") + F("secret_against") + F("secret_abstain")),
                name="vote_tallies_add_up",
            ),
            models.CheckConstraint(
                condition=Q(paper_returned__lte=F("paper_issued"))
                & Q(paper_returned=F("paper_valid") + F("paper_invalid"))
                & Q(paper_valid=F("paper_for") + F("paper_against") + F("paper_abstain")),
                name="vote_paper_ballots_add_up",
            ),
            models.CheckConstraint(
                condition=~Q(status="voided") | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="vote_voided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.question


class BallotReceipt(models.Model):
    """Proof that a member has voted in a secret ballot (never what they chose, nor when). One per member per vote.

    Written in its own transaction, before the sealed ballot is stored in another (services.votes.ballot_cast).
    ``sealed`` is set in a third once the ballot is stored: a receipt left unsealed is a cast that stopped half way
    (the server failed between the transactions); the member may cast it again when the counts prove that their
    ballot is missing (rules.votes.recast_allowed)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    sealed = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = "vote__meeting__cell__path"
    member_scope = "member__user"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member")]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.member_id}"


class SealedBallot(models.Model):
    """One secret ballot cast on a phone, sealed until its vote closes: ``sealed`` is the choice encrypted with
    AES-GCM under a key derived from the server's secret and the vote (services.ballot_box), with a random nonce, so
    the same choice never gives the same bytes and every choice gives as many bytes.

    On purpose there is nothing else: no member, no time, no sequence column (the key is a random UUID; the database's
    own insertion order — SQLite's rowid, PostgreSQL's ctid/xmin — remains, which is why the rows are sealed: see
    docs/security.md "Who could still link"); the row is written in a transaction of its own, without the receipt,
    it is not in the audit log, and it is deleted when the vote closes (once tallied) or is voided. Nothing but
    services.votes reads it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    objects = ScopedQuerySet.as_manager()
    scope_path = "vote__meeting__cell__path"
    member_scope = None  # no member sees a sealed ballot, theirs included (nothing tells which is theirs)

    def __str__(self) -> str:
        return "sealed ballot"
