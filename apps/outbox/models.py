"""What we sent to whom, and what became of it.

One row per message to one person: queued when the action that causes it commits, then sent or, after its
retries, failed (and shown). The ``in_person`` channel is no message at all: it is the secretary's record that a
member was told face to face or signed the printed notice list, written as sent. The rows hold the address a
message went to and the text we wrote; ``last_error`` holds the mail server's answer, nothing else."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization


class OutboundMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        IN_PERSON = "in_person", _("In person or on the printed list")

    class Purpose(models.TextChoices):
        NOTICE = "notice", _("Meeting notice")
        REMINDER = "reminder", _("Reminder")
        CALENDAR = "calendar", _("Meeting calendar")
        PREPARATION = "preparation", _("Preparation")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")

    # The organisation the message is about (a meeting's cell); empty for a message whose sender named none.
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("message subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None  # delivery records are for the cell's leaders and the committee, not for plain members

    class Meta:
        indexes = [
            models.Index(fields=["meeting", "purpose", "member"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "sent", "failed"]), name="outbox_status_known"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"), name="outbox_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or self.member or self.recipient} ({self.status})"
