"""Meetings (sinh hoạt chi bộ): the annual calendar, preparation, the live record, votes, minutes, documents.

Everything hangs off a cell; each model names its path to the cell's organisation (``scope_path``) and uses
the one scoping queryset, so another cell's meeting is simply not found.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.members.models import Member
from apps.orgs.models import Organization


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MeetingRule(models.Model):
    """A cell's local rule for its monthly meeting (DOMAIN.md §4): the day of the month, time and place.

    A weekend or public holiday moves the meeting to the next working day (rules.next_working_day).
    """

    cell = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="meeting_rule")
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=5)
    start_time = models.TimeField(_("start time"), default="19:30")
    place = models.CharField(_("place"), max_length=200, blank=True)
    thematic_month_of_quarter = models.PositiveSmallIntegerField(
        _("month of the quarter for the thematic meeting"), default=2
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28), name="rule_day_1_28"),
            models.CheckConstraint(
                condition=Q(thematic_month_of_quarter__gte=1, thematic_month_of_quarter__lte=3),
                name="rule_thematic_month_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cell}: {self.day_of_month}"


class AnnualCalendar(models.Model):
    """The year's planned meetings of a cell (lịch sinh hoạt năm), submitted to and registered by the committee."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="calendars")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "year"], name="one_calendar_per_cell_year")]
        ordering = ["-year", "cell"]

    def __str__(self) -> str:
        return f"{self.cell} {self.year}"


class Meeting(models.Model):
    """One meeting of a cell: regular (monthly), thematic, or a board pre-meeting (kind ``board``)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        THEMATIC = "thematic", _("Thematic meeting")
        BOARD = "board", _("Cell board meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
    calendar = models.ForeignKey(
        AnnualCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    kind = models.CharField(_("kind of meeting"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    # The board's pre-meeting points at the meeting it prepares.
    prepares = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="board_meeting"
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True, help_text=_("For a thematic meeting."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    online = models.BooleanField(_("online meeting"), default=False)
    online_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Preparation (DOMAIN.md §5), each fact timestamped because the quality score uses it.
    preparer = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("preparer")
    )
    preparer_assigned_at = models.DateTimeField(null=True, blank=True)
    members_notified_at = models.DateTimeField(null=True, blank=True)
    supervisor_notified_at = models.DateTimeField(null=True, blank=True)
    # Holding the meeting.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    presiding = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("presiding")
    )
    minute_taker = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("minute-taker")
    )
    checkin_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    date_changed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["cell", "scheduled_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False, ended_at__gte=F("started_at")),
                name="meeting_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cell} {timezone.localtime(self.scheduled_at):%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.CANCELLED)


class AgendaItem(models.Model):
    """One item of the order of business (DOMAIN.md §5), built from a template and editable."""

    class Section(models.TextChoices):
        OPENING = "opening", _("Opening")
        BODY = "body", _("Body")
        CLOSING = "closing", _("Closing")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=8, choices=Section.choices, default=Section.BODY)
    title = models.CharField(_("title"), max_length=300)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The task an item reviews ("Kiểm điểm nhiệm vụ: …"), set by the resolution loop; empty for other items.
    task = models.ForeignKey(
        "resolutions.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="review_items"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDocument(models.Model):
    """A document of the meeting: draft report, draft resolution, lead paper, other. ``published_at`` is when
    members could first read it (the ≥1 day-before check uses it)."""

    class Kind(models.TextChoices):
        DRAFT_REPORT = "draft_report", _("Draft report")
        DRAFT_RESOLUTION = "draft_resolution", _("Draft resolution")
        LEAD_PAPER = "lead_paper", _("Lead paper")
        BOARD_MINUTES = "board_minutes", _("Board pre-meeting minutes")
        OTHER = "other", _("Other document")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="meetings/%Y/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("available to members since"), null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)  # the board approves a lead paper

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["meeting", "kind", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One member's attendance at one meeting. One row per member per meeting, enforced by the database."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Absent with reason")
        UNEXCUSED = "unexcused", _("Absent without reason")
        EXEMPT = "exempt", _("Exempt")

    class Via(models.TextChoices):
        SECRETARY = "secretary", _("marked by the secretary")
        QR = "qr", _("self check-in (QR)")
        PAPER = "paper", _("paper sheet")
        APOLOGY = "apology", _("accepted apology")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.SECRETARY)
    marked_at = models.DateTimeField(auto_now=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "member__user"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class Guest(models.Model):
    """Someone attending who is not a member of the cell, e.g. the supervising committee member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    def __str__(self) -> str:
        return self.name


class Apology(models.Model):
    """A member's notice of absence with a reason, sent before the meeting; the secretary accepts it or not."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="apologies")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="apologies")
    reason = models.CharField(_("reason"), max_length=300)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "member__user"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_apology_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.reason}"


class Speech(models.Model):
    """A speaker on an agenda item (list of speakers): queued, then marked spoken with a short note."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speeches")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="speeches")
    guest = models.ForeignKey(Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="speeches")
    position = models.PositiveIntegerField()
    spoken = models.BooleanField(default=False)
    note = models.TextField(_("remark"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["agenda_item", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, guest__isnull=True) | Q(member__isnull=True, guest__isnull=False),
                name="speech_by_member_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return str(self.member or self.guest)


class Vote(models.Model):
    """A vote of the meeting. Open votes record the counts; secret votes are held on paper (the vote-counting board
    enters its figures) and, by members who have an account, on their own device, kept only as tallies (no ballot
    row exists, so nobody can link a choice to a voter); results are shown once the vote is closed, and only when
    enough ballots are in (rules.secret_result_withheld). A vote entered by mistake is voided with a reason: it stays
    in the record, shown struck through, and counts for nothing."""

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
    # Secret ballot tallies (incremented atomically, never per voter).
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
    """Proof that a member has voted in a secret ballot (never what they chose). One per member per vote."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "vote__meeting__cell__path"
    member_scope = "member__user"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member")]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.member_id}"


class Minutes(models.Model):
    """The minutes of a meeting (biên bản). Draft text is editable; "read back and adopted" locks it; any later
    correction is a new MinutesVersion with author, time and reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("text"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.PositiveIntegerField(default=1)  # optimistic concurrency for draft edits

    objects = ScopedQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    def __str__(self) -> str:
        return f"{self.meeting}"


class MinutesVersion(models.Model):
    """An immutable version of the minutes: the adopted text is version 1, each correction the next."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "minutes__meeting__cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["minutes", "number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "number"], name="one_minutes_version_number")]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"


class DocumentNumber(models.Model):
    """Numbers issued per cell, document type and term ("Số 05-NQ/CB"): numbered from 01 within each term."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=8)  # NQ (resolution), BB (minutes)
    term_start_year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="numbers")
    issued_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "doc_type", "term_start_year", "number"], name="unique_doc_number"),
            models.UniqueConstraint(fields=["meeting", "doc_type"], name="one_number_per_meeting_and_type"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.doc_type}"


class NotificationPreference(models.Model):
    """Per-user choice of which meeting e-mails to receive."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    calendar = models.BooleanField(_("the year's calendar and date changes"), default=True)
    reminders = models.BooleanField(_("reminder before each meeting"), default=True)
    preparation = models.BooleanField(_("meeting documents and invitations"), default=True)

    owner_path = "user"  # belongs to a person, not an organisation: always looked up through request.user

    def __str__(self) -> str:
        return str(self.user)


class CalendarFeed(models.Model):
    """A private, revocable token for a user's iCalendar feed of their cell's meetings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    owner_path = "user"

    def __str__(self) -> str:
        return str(self.user)
