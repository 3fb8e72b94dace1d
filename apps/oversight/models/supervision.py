"""Supervisors' work (DOMAIN.md §1, "cấp ủy viên phụ trách chi bộ"): committee members assigned to follow cells,
and the visits they record."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization


class SupervisorAssignment(models.Model):
    """A committee member (an account) assigned by the committee to follow a cell for a term."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supervised_cells",
        verbose_name=_("supervisor"),
    )
    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="supervisors", verbose_name=_("cell"))
    committee = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="supervisor_assignments", verbose_name=_("committee")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        verbose_name = _("supervisor assignment")
        ordering = ["cell__path", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="supervision_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.cell}"


class Visit(models.Model):
    """A supervisor's (or the inspection commission's) visit to a cell, usually to one of its meetings."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor's visit")
        INSPECTION = "inspection", _("Inspection commission's supervision")

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="visits", verbose_name=_("cell"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        verbose_name=_("meeting"),
    )
    kind = models.CharField(_("kind of visit"), max_length=12, choices=Kind.choices, default=Kind.SUPERVISOR)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="visits", verbose_name=_("visitor")
    )
    on = models.DateField(_("date"))
    attended = models.BooleanField(_("attended the meeting"), default=True)
    observations = models.TextField(_("observations"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = None

    class Meta:
        verbose_name = _("visit")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["cell", "on"])]

    def __str__(self) -> str:
        return f"{self.cell} {self.on:%d/%m/%Y}"
