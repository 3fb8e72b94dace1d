"""Annual grading (DOMAIN.md §8): the rule as versioned data, one rating per member or organisation and year,
and the discipline records the grading needs (no other app keeps them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.members.models import Member
from apps.orgs.models import Organization


class Level(models.TextChoices):
    HTXSNV = "htxsnv", _("Excellently completed duties (HTXSNV)")
    HTTNV = "httnv", _("Well completed duties (HTTNV)")
    HTNV = "htnv", _("Completed duties (HTNV)")
    KHTNV = "khtnv", _("Did not complete duties (KHTNV)")


class GradingRule(models.Model):
    """A version of the grading regulation: levels, thresholds, conditions and the HTXSNV quota, as data."""

    global_rule_data = True  # national regulation: the same for every organisation, readable by every grader

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    levels = models.JSONField(_("levels and conditions"))

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.code


class Discipline(models.Model):
    """A disciplinary measure (kỷ luật) on a member or an organisation."""

    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="disciplines")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="disciplines", verbose_name=_("organisation")
    )
    on = models.DateField(_("date"))
    form = models.CharField(_("form of discipline"), max_length=120)
    decision_ref = models.CharField(_("decision"), max_length=120, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "member__user"

    class Meta:
        ordering = ["-on", "pk"]

    def __str__(self) -> str:
        return f"{self.member or self.organization}: {self.form}"


class AnnualRating(models.Model):
    """One year's grading of a member or an organisation: self-assessment → appraisal → decision by the level above.

    ``organization`` is stored for both kinds (the member's cell when the rating was created, or the organisation
    graded) so that scoping is one path; ``member`` is set for a member's rating only.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        APPRAISED = "appraised", _("Appraised")
        DECIDED = "decided", _("Decided")

    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="ratings")
    is_collective = models.BooleanField(default=False, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    rule = models.ForeignKey(GradingRule, on_delete=models.PROTECT, related_name="ratings")
    evidence = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    self_points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    self_level = models.CharField(_("grade"), max_length=8, choices=Level.choices, blank=True)
    self_note = models.TextField(_("self-assessment"), blank=True)
    self_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    appraisal_points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    appraisal_level = models.CharField(_("grade"), max_length=8, choices=Level.choices, blank=True)
    appraisal_note = models.TextField(_("appraisal"), blank=True)
    appraisal_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision_level = models.CharField(_("grade"), max_length=8, choices=Level.choices, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    decision_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision_at = models.DateTimeField(null=True, blank=True)
    # Internal disunity (mất đoàn kết nội bộ) is judged by people, not measured: ticked at self-assessment and
    # settled at appraisal; a disqualifier of the rule (QĐ 366) when ticked.
    disunity = models.BooleanField(_("internal disunity"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "member__user"

    class Meta:
        ordering = ["organization__path", "member__full_name_search", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_collective=True, member__isnull=True) | Q(is_collective=False, member__isnull=False),
                name="rating_member_or_organization",
            ),
            models.UniqueConstraint(
                fields=["member", "year"], condition=Q(member__isnull=False), name="one_rating_per_member_year"
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(is_collective=True),
                name="one_rating_per_organization_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.organization} {self.year}"

    @property
    def subject_name(self) -> str:
        return str(self.member or self.organization)

    @property
    def level(self) -> str:
        """The level in force: the decision's, else the latest proposal."""
        return self.decision_level or self.appraisal_level or self.self_level
