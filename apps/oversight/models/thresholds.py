"""The thresholds of oversight as data (DOMAIN.md: rules are versioned data): issued by a committee for its
subtree from a date; the nearest issuer above a node wins (``ScopedQuerySet.applying_to``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization


class OversightRule(models.Model):
    """Warning thresholds and the briefing day, as a committee sets them for its subtree."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="oversight_rules", verbose_name=_("issued by")
    )
    effective_from = models.DateField(_("in force from"))
    attendance_min = models.DecimalField(_("lowest attendance rate (%)"), max_digits=5, decimal_places=1, default=85)
    speaking_min = models.DecimalField(
        _("lowest share of attendees who spoke (%)"), max_digits=5, decimal_places=1, default=90
    )
    falling_months = models.PositiveSmallIntegerField(_("months of fall before a warning"), default=3)
    score_confirm_days = models.PositiveSmallIntegerField(_("days to confirm a score"), default=7)
    calendar_due_month = models.PositiveSmallIntegerField(_("calendar due by the end of month"), default=1)
    probation_grace_days = models.PositiveSmallIntegerField(_("days past 12 months of probation"), default=30)
    briefing_day = models.PositiveSmallIntegerField(_("briefing day of the month"), default=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None

    class Meta:
        verbose_name = _("oversight thresholds")
        ordering = ["organization__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "effective_from"], name="one_oversight_rule_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.effective_from:%d/%m/%Y}"
