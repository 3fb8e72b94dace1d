"""The minutes of a meeting and their adopted versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models.meeting import Meeting


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
