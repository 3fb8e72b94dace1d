"""Resolutions that get carried out (DOMAIN.md §6): tasks with leads and deadlines, targets with actuals, the
monthly review loop, residents' feedback and inspections. Everything belongs to an organisation (a cell or a
committee) and is scoped like the rest."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models import Meeting, Vote
from apps.members.models import Member
from apps.orgs.models import Organization


class Resolution(models.Model):
    """A resolution (nghị quyết) or conclusion of a cell's meeting, or a committee's resolution or directive.

    An amendment is a new Resolution row pointing at the one it amends (``amends``); the old one is kept."""

    class Kind(models.TextChoices):
        CELL_MONTHLY = "cell_monthly", _("Monthly resolution of the cell")
        CELL_THEMATIC = "cell_thematic", _("Conclusion of a thematic meeting")
        COMMITTEE = "committee", _("Resolution of the committee")
        DIRECTIVE = "directive", _("Directive of the committee")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        AMENDED = "amended", _("Amended (superseded)")

    # What a committee issues: their tasks flow down to the cells below (services/follow.py).
    COMMITTEE_KINDS = (Kind.COMMITTEE, Kind.DIRECTIVE)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="resolutions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions")
    vote = models.ForeignKey(Vote, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("type of resolution"), max_length=16, choices=Kind.choices, default=Kind.CELL_MONTHLY)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("content"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    amends = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by")
    amendment_reason = models.CharField(_("reason for the amendment"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "node"

    class Meta:
        ordering = ["-adopted_on", "-pk"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A task of a resolution: what, who leads (a member or the board), who helps, by when, reported at which
    meeting. A committee's task may be assigned to a cell (``assigned_to``); the cell's follow-up task points at
    it (``parent``). An inspection's required remedy is a task too (``inspection``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
        DONE = "done", _("Done")
        LATE = "late", pgettext_lazy("task status", "Late")
        DROPPED = "dropped", _("Dropped")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="tasks")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("The organisation that carries the task out."),
    )
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    lead = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_tasks", verbose_name=_("lead")
    )
    lead_is_board = models.BooleanField(_("led by the cell board"), default=False)
    helpers = models.ManyToManyField(Member, blank=True, related_name="helped_tasks", verbose_name=_("helpers"))
    deadline = models.DateField(_("deadline"))
    report_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_to_review",
        verbose_name=_("reported at"),
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups")
    inspection = models.ForeignKey(
        "Inspection", null=True, blank=True, on_delete=models.CASCADE, related_name="remedies"
    )
    # Recorded state: done and dropped are decisions; late/in progress/open follow from the dates (rules.status).
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    dropped_reason = models.CharField(_("reason for dropping"), max_length=300, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "node"

    if TYPE_CHECKING:  # set by the reads, not columns (queries/tasks.py set_status)
        state: str
        state_label: str
        done_late: bool

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["organization", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(dropped_reason=""), name="task_done_or_dropped_not_both"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assigned_from_above(self) -> bool:
        """Given to a cell by a committee above (a task of its resolution or directive, or an inspection's remedy):
        the cell answers it with a follow-up task of its own. Reads the task's resolution and organisation."""
        return (
            self.parent_id is None
            and self.resolution.kind in Resolution.COMMITTEE_KINDS
            and self.organization.kind == Organization.Kind.CELL
            and self.resolution.organization_id != self.organization_id
        )


class TaskProgress(models.Model):
    """A dated entry of a task's progress log, with evidence (text and an optional file)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    evidence = models.FileField(_("evidence"), upload_to="tasks/%Y/", blank=True)
    percent = models.PositiveSmallIntegerField(_("share done (%)"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "task__organization__path"
    member_scope = "node"

    class Meta:
        ordering = ["task", "-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="progress_percent_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.on}"


class Target(models.Model):
    """A measurable objective (chỉ tiêu) of a resolution: unit, value, direction, period; actuals over time."""

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="targets")
    title = models.CharField(_("target"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.AT_LEAST)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "node"

    class Meta:
        ordering = ["resolution", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="target_period_valid"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class TargetActual(models.Model):
    """The value reached by a date (cumulative for the period, as reports state it)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    on = models.DateField(_("as of"))
    value = models.DecimalField(_("actual value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "target__organization__path"
    member_scope = "node"

    class Meta:
        ordering = ["target", "on", "pk"]
        constraints = [models.UniqueConstraint(fields=["target", "on"], name="one_actual_per_target_and_date")]

    def __str__(self) -> str:
        return f"{self.target}: {self.value} ({self.on})"


class Feedback(models.Model):
    """Residents' feedback on a resolution or task (seed 002): from residents' meetings or mass organisations."""

    class Source(models.TextChoices):
        RESIDENTS_MEETING = "residents_meeting", _("Residents' meeting")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
        INDIVIDUAL = "individual", _("Individual resident")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Received")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="feedback")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(_("sent by"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    response = models.TextField(_("response"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "node"

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.content[:60]


class Inspection(models.Model):
    """An inspection or supervision (kiểm tra, giám sát) of an organisation's implementation."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        PERIODIC = "periodic", _("Periodic")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class Mode(models.TextChoices):
        INSPECTION = "inspection", pgettext_lazy("inspection mode", "Inspection")
        SUPERVISION = "supervision", _("Supervision")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="inspections", help_text=_("The organisation inspected.")
    )
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    kind = models.CharField(_("type of inspection"), max_length=10, choices=Kind.choices)
    mode = models.CharField(
        _("inspection or supervision"), max_length=12, choices=Mode.choices, default=Mode.INSPECTION
    )
    subject = models.CharField(_("subject"), max_length=300)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=300, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="inspection_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
