"""The committee's monthly briefing (giao ban, DOMAIN.md §4): the month's focus written by the committee; the
results and exceptions on the briefing pack are computed, never stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization


class Briefing(models.Model):
    committee = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="briefings", verbose_name=_("committee")
    )
    month = models.DateField(_("month"))  # the first day of the month of the briefing
    held_on = models.DateField(_("briefing day"), null=True, blank=True)
    focus = models.TextField(_("focus of the month"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "committee__path"
    member_scope = None

    class Meta:
        verbose_name = _("briefing")
        constraints = [models.UniqueConstraint(fields=["committee", "month"], name="one_briefing_per_month")]

    def __str__(self) -> str:
        return f"{self.committee} {self.month:%m/%Y}"
