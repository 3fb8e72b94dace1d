"""The demo's story for the committees above (issue 12): a couple of weak cells in the demo commune, the thresholds
the committees set, the committee members who follow the cells and their visits, the inspection commission's
supervisions, the monthly briefings' focus, and at the end the fact tables the dashboards read.

The weak cells are planned before the history is generated (``plan_story``): the history, the scores and the record
then follow the ``Story`` (apps/demo/meetings.py, apps/demo/quality.py, ``weaken_record``), so that the warnings
page of the demo commune has each kind of warning to show:

- the *skipping* cell did not meet last month nor five months ago, held no thematic meeting this quarter nor last,
  left its calendar of the year unsubmitted, has tasks overdue, scores nobody confirmed, a probationary member past
  the twelve months, and nobody of the committee visited it this quarter;
- the *falling* cell (followed by the demo supervisor ``giamsat``) sees its attendance and its meetings' quality fall
  month after month for five months, with more absences without reason and one member who stopped coming (the
  removal watch), and overdue tasks.

Everything is deterministic for a seed; rows are bulk-inserted, then ``apps.oversight.services.facts.rebuild()``
fills the fact tables (bulk inserts send no signal, so nothing else would)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F

from apps.demo import supervision
from apps.demo.span import TZ
from apps.meetings.models import AnnualCalendar
from apps.members.models import CellMembership, Member
from apps.members.rules.member import add_months as add_months_to_day
from apps.orgs.models import Organization
from apps.oversight.rules.periods import add_months, month_of
from apps.oversight.services import facts as services_facts
from apps.resolutions.models import Target, TargetActual, Task


@dataclass(frozen=True)
class Month:
    """How a meeting of the falling cell goes in one month of its decline."""

    present: float  # share of the expected members present (the drifting member absent when below 1)
    judged: float  # how the meeting is judged (apps/demo/quality.py)
    lead_days: int  # documents out that many days before (0: on the day, not in time)
    board: bool  # the board met first
    duration: float  # length as a share of the norm
    speaking: float  # share of the attendees who speak
    tasks_done: bool  # the tasks reported at it were done on time (else none was)


# The falling cell's last five months, oldest first: its meetings go from Tốt to Khá, Trung bình and Kém (read by
# the warnings over the three months before the current one), attendance falls every month.
FALLING = (
    Month(present=1.0, judged=1.0, lead_days=2, board=True, duration=1.1, speaking=0.7, tasks_done=True),
    Month(present=0.84, judged=0.7, lead_days=2, board=True, duration=0.93, speaking=0.45, tasks_done=True),
    Month(present=0.74, judged=0.4, lead_days=0, board=False, duration=0.72, speaking=0.35, tasks_done=True),
    Month(present=0.64, judged=0.2, lead_days=0, board=False, duration=0.4, speaking=0.2, tasks_done=False),
    Month(present=0.54, judged=0.2, lead_days=0, board=False, duration=0.4, speaking=0.2, tasks_done=False),
)
WEAK_DILIGENCE = 0.55  # apps/demo/quality.diligence_of: the weak cells' character for tasks, dues and documents
UNCONFIRMED_DAYS = 120  # the skipping cell's scores of the last four months are left unconfirmed


@dataclass
class Story:
    """The weak cells of the demo commune and what goes wrong in them."""

    skipping: Organization | None = None
    falling: Organization | None = None
    skipped: set[tuple[int, date, str]] = field(default_factory=set)  # (cell id, month, kind) of meetings not held
    months: dict[tuple[int, date], Month] = field(default_factory=dict)  # (cell id, month) → the falling cell's
    drifting: int | None = None  # the falling cell's member who stopped coming (absent without reason)

    def held(self, cell_id: int, month: date, kind: str) -> bool:
        return (cell_id, month, kind) not in self.skipped

    def month(self, cell_id: int, month: date) -> Month | None:
        return self.months.get((cell_id, month))

    def left_unconfirmed(self, cell_id: int, age_days: int) -> bool:
        return self.skipping is not None and cell_id == self.skipping.pk and age_days < UNCONFIRMED_DAYS

    def roll_call(
        self, rng: random.Random, cell_id: int, month: date, members: list[Member], exempt_ids: set[int]
    ) -> dict[int, str] | None:
        """The statuses of a falling month's roll call (member id → status), or None for an ordinary meeting:
        exactly the planned share of the expected members present, the drifting member always absent without
        reason, the other absentees half with a reason."""
        plan = self.months.get((cell_id, month))
        if plan is None:
            return None
        statuses = {m.pk: "exempt" for m in members if m.pk in exempt_ids}
        expected = [m.pk for m in members if m.pk not in exempt_ids]
        absent = round(len(expected) * (1 - plan.present))
        drifting = self.drifting if absent and self.drifting in expected else None
        others = [pk for pk in expected if pk != self.drifting]
        away = rng.sample(others, k=min(len(others), max(0, absent - (1 if drifting else 0))))
        for i, pk in enumerate(away):
            statuses[pk] = "unexcused" if i % 2 else "excused"
        if drifting is not None:
            statuses[drifting] = "unexcused"
        for pk in expected:
            statuses.setdefault(pk, "present")
        return statuses


def plan_story(
    *,
    commune_cells: list[Organization],
    home_cell: Organization,
    supervised: list[Organization],
    by_cell: dict[int, list[Member]],
    exempt_ids: set[int],
    secretaries: dict[int, Member],
    diligence: dict[int, float],
    as_of: date,
) -> Story:
    """Choose the weak cells (never the demo accounts' own cell) and plan their months; lowers their diligence."""
    story = Story()

    def expected(cell: Organization) -> int:
        return sum(1 for m in by_cell.get(cell.pk, []) if m.pk not in exempt_ids)

    candidates = [c for c in commune_cells if c.pk != home_cell.pk and expected(c) >= 3]
    followed = [c for c in candidates if c in supervised]
    if not candidates:
        return story
    story.falling = max(followed or candidates, key=expected)
    rest = [c for c in candidates if c.pk != story.falling.pk]
    story.skipping = next((c for c in rest if c not in supervised), rest[0] if rest else None)
    this_month = month_of(as_of)
    falling = story.falling
    for k, plan in enumerate(FALLING):
        story.months[(falling.pk, add_months(this_month, k - len(FALLING) + 1))] = plan
    secretary = secretaries.get(falling.pk)
    drifting = [
        m
        for m in by_cell[falling.pk]
        if m.pk not in exempt_ids and m.status == "official" and (secretary is None or m.pk != secretary.pk)
    ]
    story.drifting = drifting[-1].pk if drifting else None
    diligence[falling.pk] = min(diligence.get(falling.pk, WEAK_DILIGENCE), WEAK_DILIGENCE)
    if story.skipping is not None:
        skipping = story.skipping
        for month in (add_months(this_month, -1), add_months(this_month, -5)):
            story.skipped |= {(skipping.pk, month, "regular"), (skipping.pk, month, "thematic")}
        quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
        for start in (quarter_start, add_months(quarter_start, -3)):  # thematic meetings: month 2 of the quarter
            story.skipped.add((skipping.pk, add_months(start, 1), "thematic"))
        diligence[skipping.pk] = min(diligence.get(skipping.pk, WEAK_DILIGENCE), WEAK_DILIGENCE)
    return story


def probation_overdue(story: Story, by_cell: dict[int, list[Member]], exempt_ids: set[int], as_of: date) -> None:
    """A member of the skipping cell admitted fourteen months ago and still probationary: the cell has not proposed
    making them official (DOMAIN.md §9). Before the history, so that their meetings count them as probationary."""
    if story.skipping is None:
        return
    candidates = [m for m in by_cell.get(story.skipping.pk, []) if m.pk not in exempt_ids and m.status == "official"]
    if len(candidates) < 2:
        return
    single = [m for m in reversed(candidates) if CellMembership.objects.filter(member=m).count() == 1]
    if not single:
        return
    member = single[0]
    member.status, member.official_on = "probationary", None
    member.admitted_on = add_months_to_day(as_of, -14)
    Member.objects.filter(pk=member.pk).update(status="probationary", official_on=None, admitted_on=member.admitted_on)
    CellMembership.objects.filter(member=member, joined_on__lt=member.admitted_on).update(joined_on=member.admitted_on)


def weaken_record(story: Story, as_of: date) -> None:
    """After the follow-up and before the scores (which read it): the tasks reported at the falling cell's meetings
    done on time, then none, and the targets they review met, then missed; a few of the skipping cell's recent
    tasks left undone past their deadline; the skipping cell's calendar of the year never submitted."""
    for (cell_id, month), plan in story.months.items():
        first, end = (datetime.combine(m, time(), TZ) for m in (month, add_months(month, 1)))
        reported = Task.objects.filter(
            organization_id=cell_id, report_meeting__scheduled_at__gte=first, report_meeting__scheduled_at__lt=end
        )
        if plan.tasks_done:
            reported.update(completed_on=F("deadline"), dropped_reason="", outcome="Hoàn thành")
        else:
            reported.update(completed_on=None, dropped_reason="", outcome="")
        # The targets of the previous regular meeting's resolution, reviewed at this month's meeting.
        before = (datetime.combine(m, time(), TZ) for m in (add_months(month, -1), month))
        reviewed = Target.objects.filter(
            organization_id=cell_id,
            resolution__meeting__kind="regular",
            resolution__meeting__scheduled_at__range=tuple(before),
        )
        for target in reviewed:
            reached = target.value * (2 if (target.direction == "at_most") != plan.tasks_done else 0)
            TargetActual.objects.filter(target=target).update(value=reached)
    if story.skipping is not None:
        recent = Task.objects.filter(
            organization=story.skipping,
            resolution__kind="cell_monthly",
            deadline__lt=as_of,
            deadline__gte=as_of - timedelta(days=75),
            dropped_reason="",
        ).order_by("deadline", "pk")
        late = list(recent.values_list("pk", flat=True)[:3])
        Task.objects.filter(pk__in=late).update(completed_on=None, outcome="")
        AnnualCalendar.objects.filter(cell=story.skipping, year=as_of.year).update(
            status=AnnualCalendar.Status.DRAFT, submitted_at=None, registered_at=None
        )


@dataclass
class OversightCounts(supervision.SupervisionCounts):
    facts: int = 0  # CellMonth rows computed


def build_oversight(
    *,
    rng: random.Random,
    as_of: date,
    district: Organization,
    commune: Organization,
    commune_cells: list[Organization],
    supervised: list[Organization],
    users: dict[str, Any],
    story: Story,
) -> OversightCounts:
    """The committees' thresholds, supervisors, visits and briefings (apps/demo/supervision.py), then the fact
    tables filled from the whole record. Without the demo accounts there is nobody to follow the cells: the
    thresholds, the briefings and the facts only."""
    counts = OversightCounts()
    counts.rules = supervision.rules_create(district, commune, users, as_of)
    if "giamsat" in users:
        assignments = supervision.assignments_create(commune, commune_cells, supervised, users, story, as_of)
        counts.assignments = len(assignments)
        counts.visits, counts.inspections = supervision.visits_create(
            rng, assignments, story, district, commune, users, as_of
        )
    counts.briefings = supervision.briefings_create(commune, users, as_of)
    counts.facts = services_facts.rebuild()
    return counts
