"""Reads of follow-up beyond the cell: committee resolutions with each assigned cell's follow-up status and the
completion figures, a cell's directives from above, residents' feedback, the chain of versions of an amended
resolution (inspections with their remedies are queries/inspections.py). Every read starts from ``visible_to``; the
counts are bounded (a fixed number of queries whatever the number of rows).

Status of an assignment (a committee task given to a cell, or an inspection's remedy): the status of the cell's
follow-up task when there is one (``rules.task_status``); before the cell follows it up, the committee task's
own status, i.e. open or late by the committee's deadline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apps.common.scoping import VIEW, subtree_filter
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.resolutions.models import Feedback, Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.rules import follow as rules

# ---------------------------------------------------------------------------------------------- status (pure)


def combined_status(pairs: Iterable[tuple[str, bool]]) -> tuple[str, bool]:
    """One cell's status over several assignments, from (status, done_late) pairs: done when every assignment
    not dropped is done (late if any was done late), dropped when all were dropped, else late if any is late,
    in progress if any moved, open otherwise. No assignment at all is open."""
    pairs = list(pairs)
    live = [(s, late) for s, late in pairs if s != rules.DROPPED]
    if pairs and not live:
        return rules.DROPPED, False
    if live and all(s == rules.DONE for s, _late in live):
        return rules.DONE, any(late for _s, late in live)
    statuses = {s for s, _late in live}
    if rules.LATE in statuses:
        return rules.LATE, False
    if statuses & {rules.IN_PROGRESS, rules.DONE}:
        return rules.IN_PROGRESS, False
    return rules.OPEN, False


def status_of(task: Task, *, today: date) -> tuple[str, bool]:
    """(status, done late) of one task from its facts (``has_progress`` from ``queries_tasks.with_progress_flag``)."""
    return queries_tasks.status_of(task, today), rules.done_late(deadline=task.deadline, completed_on=task.completed_on)


# ---------------------------------------------------------------------------------------------- assignments


@dataclass(frozen=True)
class Assignment:
    """A task given to a cell from above and where the cell stands with it."""

    task: Task
    follow_up: Task | None
    status: str
    done_late: bool

    @property
    def cell(self) -> Organization:
        return self.task.organization


def committee_completion(committee_task: Task, *, today: date | None = None) -> Assignment:
    """The assigned cell's status on a committee task (or remedy). Uses prefetched, flagged follow-ups when the
    task comes from ``assignments``; otherwise asks the database."""
    today = today or timezone.localdate()
    follow_ups = sorted(committee_task.follow_ups.all(), key=lambda t: t.pk)
    follow_up = follow_ups[-1] if follow_ups else None
    status, late = status_of(follow_up or committee_task, today=today)
    return Assignment(committee_task, follow_up, status, late)


def assignments(user, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Committee tasks with their cell, progress flag and the cell's follow-ups (flagged, with their lead):
    three queries for any number of tasks."""
    follow_ups = queries_tasks.with_progress_flag(
        Task.objects.visible_to(user, VIEW).select_related("lead").order_by("pk")
    )
    return queries_tasks.with_progress_flag(tasks.select_related("organization")).prefetch_related(
        Prefetch("follow_ups", queryset=follow_ups)
    )


@dataclass
class Completion:
    assignments: list[Assignment]
    tasks: rules.TaskRollup
    cells: rules.TaskRollup


def completion(rows: list[Assignment]) -> Completion:
    """Roll-ups over the assignments and over the cells ("x/y cells done (z%)"): a cell is done when every task
    it was given is done."""
    per_cell: dict[int, list[tuple[str, bool]]] = {}
    for row in rows:
        per_cell.setdefault(row.task.organization_id, []).append((row.status, row.done_late))
    return Completion(
        assignments=rows,
        tasks=rules.task_rollup((r.status, r.done_late) for r in rows),
        cells=rules.task_rollup(combined_status(pairs) for pairs in per_cell.values()),
    )


def committee_resolutions_of(user, committee: Organization) -> QuerySet[Resolution]:
    """The committee's own resolutions and directives."""
    return Resolution.objects.visible_to(user, VIEW).filter(organization=committee, kind__in=Resolution.COMMITTEE_KINDS)


def committee_resolution_completion(user, resolution: Resolution, *, today: date | None = None) -> Completion:
    tasks = assignments(user, Task.objects.visible_to(user, VIEW).filter(resolution=resolution, parent=None))
    today = today or timezone.localdate()
    return completion([committee_completion(t, today=today) for t in tasks.order_by("deadline", "organization__path")])


def cells_under(user, committee: Organization) -> QuerySet[Organization]:
    """The cells of the committee's subtree the user sees (choices for assigning a task)."""
    return (
        Organization.objects.visible_to(user, VIEW)
        .filter(subtree_filter("path", committee.path), kind=Organization.Kind.CELL, active=True)
        .exclude(pk=committee.pk)
    )


def cell_directives(user, cell: Organization, *, today: date | None = None) -> list[Assignment]:
    """What the committees above gave the cell (directives, resolutions, inspection remedies), with the cell's
    follow-up of each."""
    tasks = (
        Task.objects.visible_to(user, VIEW)
        .filter(organization=cell, parent=None, resolution__kind__in=Resolution.COMMITTEE_KINDS)
        .exclude(resolution__organization=cell)
        .select_related("resolution", "resolution__organization", "inspection")
    )
    today = today or timezone.localdate()
    return [committee_completion(t, today=today) for t in assignments(user, tasks).order_by("deadline", "pk")]


def lead_choices(cell: Organization) -> QuerySet[Member]:
    return Member.objects.filter(cell=cell, active=True)


# ---------------------------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class Version:
    pk: int
    title: str
    status: str
    adopted_on: date | None
    reason: str
    current: bool  # the version the page shows


def versions_of(user, resolution: Resolution) -> list[Version]:
    """The chain original → amendments, one query (every resolution of the organisation that amends or is
    amended), linked up in Python. Empty when the resolution was never amended."""
    rows = list(
        Resolution.objects.visible_to(user, VIEW)
        .filter(organization_id=resolution.organization_id)
        .filter(Q(amends__isnull=False) | Q(amended_by__isnull=False))
        .values("pk", "title", "status", "adopted_on", "amendment_reason", "amends_id")
        .order_by("pk")
    )
    by_pk = {r["pk"]: r for r in rows}
    if resolution.pk not in by_pk:
        return []
    next_of = {r["amends_id"]: r["pk"] for r in rows if r["amends_id"] is not None}
    first = resolution.pk
    while by_pk[first]["amends_id"] in by_pk:
        first = by_pk[first]["amends_id"]
    chain: list[Version] = []
    pk: int | None = first
    while pk is not None:
        r = by_pk[pk]
        chain.append(
            Version(r["pk"], r["title"], r["status"], r["adopted_on"], r["amendment_reason"], r["pk"] == resolution.pk)
        )
        pk = next_of.get(pk)
        if pk not in by_pk:
            break
    return chain


# ---------------------------------------------------------------------------------------------- feedback


def feedback_for(user, action: str = VIEW) -> QuerySet[Feedback]:
    """The one lookup of feedback items for views: those ``user`` may ``action``, with their resolution and task."""
    return Feedback.objects.visible_to(user, action).select_related("resolution", "task")


def feedback_of(user, resolution: Resolution) -> QuerySet[Feedback]:
    """The resolution's feedback items, with their task and who recorded them."""
    return Feedback.objects.visible_to(user, VIEW).filter(resolution=resolution).select_related("task", "recorded_by")
