"""A meeting of a cell, its order of business and its documents."""

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
        "meetings.AnnualCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
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
