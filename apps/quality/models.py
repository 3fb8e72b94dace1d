"""Rubrics as versioned data (DOMAIN.md §7): who issued the sheet, the subtree it applies to, when it is in force,
its categories and items, levels, knock-outs and the monthly → annual roll-up. Scores (the lead's MeetingScore)
point at one rubric version; a rubric that has been used is never edited in place (services.rubrics.rubric_revise)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import VIEW, ScopedQuerySet
from apps.orgs.models import Organization


class RubricQuerySet(ScopedQuerySet):
    """The standard subtree rule on ``applies_to``: staff see and manage the sheets attached inside their subtree;
    members see none. Default sheets (``applies_to`` empty) and sheets attached above a user's node are not listed
    here (the project-wide scoping test requires rows inside the user's subtree); they are reached through
    ``queries.rubrics.rubric_for`` for a cell the user can see."""


class Rubric(models.Model):
    """One version of a scoring sheet. ``applies_to`` empty: a national or provincial sheet — in force everywhere
    when ``default_everywhere`` is set, otherwise a library sheet that a committee attaches to its subtree."""

    issuer = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_rubrics",
        verbose_name=_("issuing committee"),
    )
    applies_to = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rubrics",
        verbose_name=_("applies to (subtree)"),
    )
    default_everywhere = models.BooleanField(_("applies everywhere by default"), default=False)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    meeting_kinds = models.JSONField(_("meeting kinds"), default=list, blank=True)  # ["regular", "thematic"]
    levels = models.JSONField(_("levels"), default=list, blank=True)  # best first: [["tot", 90], ["kha", 70], ...]
    knockouts = models.JSONField(_("knock-out conditions"), default=list, blank=True)
    annual_rollup = models.JSONField(_("monthly to annual rule"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", editable=False
    )
    locked = models.BooleanField(_("used for a score"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RubricQuerySet.as_manager()
    scope_path = "applies_to__path"
    member_scope = None

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_rubric_version_per_code"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rubric_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RubricPartQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = VIEW):
        """Visible exactly when their rubric is."""
        rubric_lookup = self.model.scope_path.removesuffix("__applies_to__path")
        return self.filter(**{f"{rubric_lookup}__in": Rubric.objects.visible_to(user, action).values("pk")})


class RubricCategory(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=1)

    objects = RubricPartQuerySet.as_manager()
    scope_path = "rubric__applies_to__path"
    member_scope = None

    class Meta:
        ordering = ["rubric", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="one_category_code_per_rubric"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="category_max_not_negative"),
            # apps.common.rules.POINTS_MAX: SQLite would store 1e12, then fail to read the rubric back, for good.
            models.CheckConstraint(condition=Q(max_points__lte=1000), name="category_max_plausible"),
        ]

    def __str__(self) -> str:
        return self.title


class RubricItem(models.Model):
    """A line of the sheet: judged (a number in 0..max, or a checklist) or computed from a named metric with bands.

    ``bands``: ``[[threshold, points], …]`` or ``[threshold, points, op]``; the item scores the highest points of
    the bands that hold (``value op threshold``, op ``gte`` by default, ``lte`` for lower-is-better metrics).
    ``caps``/``bonuses``: ``[[metric, op, threshold, points], …]``. See docs/scoring.md."""

    class Kind(models.TextChoices):
        JUDGED_NUMBER = "judged_number", _("Judged (points)")
        JUDGED_CHECKLIST = "judged_checklist", _("Judged (checklist)")
        COMPUTED = "computed", _("Computed from the record")

    category = models.ForeignKey(RubricCategory, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind of item"), max_length=20, choices=Kind.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    metric = models.CharField(_("metric"), max_length=60, blank=True)
    op = models.CharField(max_length=4, default="gte")
    bands = models.JSONField(default=list, blank=True)
    caps = models.JSONField(default=list, blank=True)
    bonuses = models.JSONField(default=list, blank=True)
    checklist = models.JSONField(default=list, blank=True)  # [["label", points], ...]
    label = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    missing_points = models.DecimalField(max_digits=6, decimal_places=2, default=0)

    objects = RubricPartQuerySet.as_manager()
    scope_path = "category__rubric__applies_to__path"
    member_scope = None

    class Meta:
        ordering = ["category", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["judged_number", "judged_checklist", "computed"]), name="rubric_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="computed", metric__gt="") | ~Q(kind="computed"), name="computed_item_names_metric"
            ),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="item_max_not_negative"),
            models.CheckConstraint(condition=Q(max_points__lte=1000), name="item_max_plausible"),
            models.CheckConstraint(
                condition=Q(missing_points__gte=0, missing_points__lte=1000), name="item_missing_points_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingScoreQuerySet(ScopedQuerySet):
    """Scores are seen where their meeting is: staff of the subtree, supervisors, the cell's members."""


class MeetingScore(models.Model):
    """The score of one held meeting (DOMAIN.md §7): the board's proposal (computed items from a snapshot of the
    record's metrics, judged items entered), its adoption by the cell, and the supervisor's confirmation or
    override. Both the proposed and the supervisor's results are kept; the final level is the override's if any."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="score")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scores")
    metrics = models.JSONField(default=dict)  # meeting_metrics() when proposed
    judged = models.JSONField(default=dict)  # {item code: number | [bool, …]}
    result = models.JSONField(default=dict)  # see rules.score.result_dict
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    votes_for = models.PositiveIntegerField(_("members approving"), null=True, blank=True)
    votes_eligible = models.PositiveIntegerField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    override_judged = models.JSONField(null=True, blank=True)
    override_result = models.JSONField(null=True, blank=True)
    override_reason = models.TextField(_("reason"), blank=True)

    objects = MeetingScoreQuerySet.as_manager()
    scope_path = "meeting__cell__path"
    member_scope = "node"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(override_result__isnull=True) | ~Q(override_reason=""), name="score_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.final_level}"

    @property
    def overridden(self) -> bool:
        return self.override_result is not None

    @property
    def final_result(self) -> dict:
        return self.override_result if self.override_result is not None else self.result

    @property
    def final_level(self) -> str:
        return self.final_result.get("level", "")
