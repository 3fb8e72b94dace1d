"""The fact tables of oversight (issue 12): a cell's figures per month, an organisation's grades per year.

They are derived from the record, never typed: ``apps.oversight.services.facts`` computes a row from the record
(``apps.oversight.queries.facts``), the verbs that change the record mark the rows they touch stale in their own
transaction (``StaleCellMonth``) and the task queue recomputes them after the commit; ``manage.py rebuild_facts``
recomputes them all. Dashboards read only these tables and roll them up by subtree with one grouped query per level
(``apps.oversight.queries.figures``), so no page scans raw attendance. Derived data: not audited.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization
from apps.oversight.rules.figures import FLOW_COLUMNS, STOCK_COLUMNS

# The additive columns of CellMonth, summed over cells and months by the roll-up, and the stock columns (members at
# the end of the month), which a period takes from its last month: named once, in the figures' rules.
FLOW_FIELDS = FLOW_COLUMNS
STOCK_FIELDS = STOCK_COLUMNS


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class CellMonth(models.Model):
    """One cell's figures of one month, computed from the record (the fact table of the dashboards)."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month

    # Meetings whose date falls in the month. Regular and thematic are counted per kind; a regular and a thematic
    # meeting held in one sitting (same time) count once in sittings_held.
    regular_planned = _count(_("regular meetings planned"))
    regular_held = _count(_("regular meetings held"))
    regular_on_time = _count(_("regular meetings held on the planned day"))
    thematic_planned = _count(_("thematic meetings planned"))
    thematic_held = _count(_("thematic meetings held"))
    thematic_on_time = _count(_("thematic meetings held on the planned day"))
    sittings_held = _count(_("sittings held"))
    # Attendance of the meetings held, on the score's base (exempted and temporarily attached members excluded
    # unless they came): present / expected.
    attendance_expected = _count(_("members expected"))
    attendance_present = _count(_("members present"))
    unexcused_absences = _count(_("absences without reason"))
    excused_absences = _count(_("absences with reason"))
    attendees = _count(_("attendees"))
    speakers = _count(_("attendees who spoke"))
    # Meetings held, by their final quality level (the confirmed or proposed score).
    quality_tot = _count(_("rated good"))
    quality_kha = _count(_("rated fairly good"))
    quality_tb = _count(_("rated average"))
    quality_kem = _count(_("rated weak"))
    quality_unscored = _count(_("not scored"))
    scores_unconfirmed = _count(_("scores not confirmed"))
    # The cell's tasks whose deadline falls in the month (dropped ones left out).
    tasks_due = _count(_("tasks due"))
    tasks_done_on_time = _count(_("tasks done on time"))
    tasks_done_late = _count(_("tasks done late"))
    tasks_open = _count(_("tasks not done"))
    # The cell's targets whose period ends in the month, by outcome.
    targets_exceeded = _count(_("targets exceeded"))
    targets_met = _count(_("targets met"))
    targets_missed = _count(_("targets missed"))
    targets_unknown = _count(_("targets without a result"))
    # Membership movements in the month.
    admitted = _count(_("members admitted"))
    confirmed = _count(_("members made official"))
    transferred_in = _count(_("members transferred in"))
    transferred_out = _count(_("members transferred out"))
    removed = _count(_("members removed"))
    # Members at the end of the month (stock).
    members_official = _count(_("official members"))
    members_probationary = _count(_("probationary members"))
    members_exempt = _count(_("exempted members"))
    members_attached_out = _count(_("members attached elsewhere"))
    # Dues of the month: members who owe dues, those who paid, the amount collected (đồng).
    dues_payers = _count(_("members owing dues"))
    dues_paid = _count(_("members who paid dues"))
    dues_collected = models.DecimalField(_("dues collected (đồng)"), max_digits=14, decimal_places=0, default=0)

    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        verbose_name = _("monthly figures of a cell")
        constraints = [models.UniqueConstraint(fields=["cell", "month"], name="one_fact_per_cell_month")]
        indexes = [models.Index(fields=["month", "cell"])]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.month:%m/%Y}"


class StaleCellMonth(models.Model):
    """A cell-month whose record changed since its figures were computed; written in the changing transaction,
    drained by the refresh task (a rollback takes the mark away with the change)."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "month"], name="one_stale_mark_per_cell_month")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.month:%m/%Y}"


class OrgYear(models.Model):
    """One organisation's grading figures of one year: the decided grades of the members rated in it (by the
    organisation the rating names) and its own collective grade. Grassroots organisations, cells and members are
    each counted at their own level, never mixed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    members_htxsnv = _count("HTXSNV")
    members_httnv = _count("HTTNV")
    members_htnv = _count("HTNV")
    members_khtnv = _count("KHTNV")
    members_not_decided = _count(_("members not graded yet"))
    is_cell = models.BooleanField(default=False)
    is_grassroots = models.BooleanField(default=False)
    own_level = models.CharField(max_length=8, blank=True)  # the decided collective grade; blank when none
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = "node"

    class Meta:
        verbose_name = _("yearly grading figures of an organisation")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_fact_per_org_year")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}"
