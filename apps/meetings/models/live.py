"""The live record of a meeting: attendance, apologies sent before it, guests and speakers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models.meeting import AgendaItem, Meeting
from apps.members.models import Member


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
