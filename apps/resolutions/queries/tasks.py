"""Reads of the tasks feature: the one lookup of resolutions and of tasks, a task's status from its facts, the
resolution's page, the review list of a meeting, suggested leads, a member's own tasks and the overdue list. Every
list starts from ``visible_to`` or from an object already looked up through it; each returns in a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from apps.common.scoping import MANAGE, VIEW
from apps.common.text import nfc
from apps.meetings.models import Meeting
from apps.meetings.queries import meeting as queries_meeting
from apps.meetings.services import docs as services_docs
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.resolutions.models import Resolution, Task, TaskProgress
from apps.resolutions.rules import follow as rules

UNFINISHED = Q(completed_on__isnull=True, dropped_reason="")


def with_facts(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """The facts the status rule needs and what a task line shows: lead, report meeting, organisation, whether
    progress is logged (an EXISTS, not a query per task), helpers (one prefetch query)."""
    facts = with_progress_flag(tasks.select_related("lead", "report_meeting", "organization", "resolution"))
    return facts.prefetch_related(Prefetch("helpers", queryset=Member.objects.order_by("full_name_search", "pk")))


def with_progress_flag(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Whether progress is logged on each task, as an EXISTS (the status rule's ``has_progress``)."""
    return tasks.annotate(has_progress=Exists(TaskProgress.objects.filter(task=OuterRef("pk"))))


def status_of(task: Task, today: date, *, has_progress: bool | None = None) -> str:
    """The task's status of the day. ``has_progress`` when the caller knows it; else the task's flag from
    ``with_progress_flag``, or one query."""
    return rules.task_status(
        deadline=task.deadline,
        today=today,
        completed_on=task.completed_on,
        dropped=bool(task.dropped_reason),
        has_progress=_has_progress(task) if has_progress is None else has_progress,
    )


def _has_progress(task: Task) -> bool:
    if hasattr(task, "has_progress"):
        return bool(task.has_progress)
    return TaskProgress.objects.filter(task=task).exists()


# The task's statuses as the pages show them. A message context keeps "In progress" of a task apart from the
# same words of a meeting that is in session (a different Vietnamese word).
STATUS_LABELS = {
    rules.OPEN: pgettext_lazy("task status", "Open"),
    rules.IN_PROGRESS: pgettext_lazy("task status", "In progress"),
    rules.DONE: pgettext_lazy("task status", "Done"),
    rules.LATE: pgettext_lazy("task status", "Late"),
    rules.DROPPED: pgettext_lazy("task status", "Dropped"),
}


def label_of(status: str) -> str:
    return str(STATUS_LABELS[status])


def set_status(task: Task, today: date, *, has_progress: bool | None = None) -> Task:
    """Attach ``state`` (the computed status), its label and whether it was done late to the task
    (``has_progress`` as for ``status_of``)."""
    task.state = status_of(task, today, has_progress=has_progress)
    task.state_label = label_of(task.state)
    task.done_late = rules.done_late(deadline=task.deadline, completed_on=task.completed_on)
    return task


def annotate_status(tasks: Iterable[Task], today: date) -> list[Task]:
    """``set_status`` on each task."""
    return [set_status(task, today) for task in tasks]


# ---------------------------------------------------------------------------------------------- resolutions


def resolutions_for(user, action: str = VIEW) -> QuerySet[Resolution]:
    """The one lookup of resolutions for views (a cell's or a committee's): those ``user`` may ``action``."""
    return Resolution.objects.visible_to(user, action).select_related("organization", "meeting", "vote")


def tasks_for(user, action: str = VIEW) -> QuerySet[Task]:
    """The one lookup of tasks for views: those ``user`` may ``action``, with their resolution (its meeting and
    organisation), cell, lead and report meeting."""
    return Task.objects.visible_to(user, action).select_related(
        "resolution__meeting", "resolution__organization", "organization", "lead", "report_meeting"
    )


def _current(resolutions: QuerySet[Resolution], meeting: Meeting) -> Resolution | None:
    return (
        resolutions.filter(meeting=meeting, organization_id=meeting.cell_id)
        .exclude(status=Resolution.Status.AMENDED)
        .order_by("pk")
        .first()
    )


def resolution_of_meeting(meeting: Meeting) -> Resolution | None:
    """The cell's current resolution of a meeting (an amended one is superseded by its amendment)."""
    return _current(Resolution.objects.all(), meeting)


def meeting_resolution_for(user, meeting: Meeting) -> Resolution | None:
    """The same, among the resolutions ``user`` sees (None: not drafted yet)."""
    return _current(Resolution.objects.visible_to(user, VIEW), meeting)


def resolution_page(resolution: Resolution, *, today: date) -> dict:
    """What the resolution's page shows: the tasks its meeting reviews and its own tasks (with their status of the
    day), and the vote on it: the one it was adopted on, or for a draft the meeting's closed vote on the resolution.

    Queries: the tasks under review and their helpers; this resolution's tasks and their helpers; for a draft, the
    meeting's closed vote."""
    meeting = resolution.meeting
    review = annotate_status(with_facts(review_tasks(meeting)), today) if meeting is not None else []
    tasks = annotate_status(with_facts(resolution.tasks.all()), today)
    is_draft = resolution.status == Resolution.Status.DRAFT
    vote = resolution.vote
    if vote is None and meeting is not None and is_draft:
        vote = services_docs.resolution_vote(meeting)
    return {
        "resolution": resolution,
        "meeting": meeting,
        "review": review,
        "tasks": tasks,
        "vote": vote,
        "vote_result": queries_meeting.vote_result(vote) if vote is not None and vote.eligible is not None else None,
        "is_draft": is_draft,
    }


def next_regular_meeting(meeting: Meeting) -> Meeting | None:
    """The cell's next planned regular meeting after this one: where this month's tasks are reported."""
    return (
        Meeting.objects.filter(
            cell_id=meeting.cell_id,
            kind=Meeting.Kind.REGULAR,
            status=Meeting.Status.PLANNED,
            scheduled_at__gt=meeting.scheduled_at,
        )
        .order_by("scheduled_at", "pk")
        .first()
    )


def report_meeting_choices(resolution: Resolution) -> QuerySet[Meeting]:
    """Meetings a task of the resolution may be reported at: the cell's planned regular and thematic meetings
    after the resolution's meeting."""
    qs = Meeting.objects.filter(
        cell_id=resolution.organization_id,
        status=Meeting.Status.PLANNED,
        kind__in=[Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC],
    )
    if resolution.meeting is not None:
        qs = qs.filter(scheduled_at__gt=resolution.meeting.scheduled_at)
    return qs.order_by("scheduled_at", "pk")


def review_tasks(meeting: Meeting) -> QuerySet[Task]:
    """The tasks a meeting reviews ("last month's results"): those to be reported at this meeting, and every task
    of an earlier adopted resolution of the cell that is still open, in progress or late."""
    earlier = Q(resolution__meeting__scheduled_at__lt=meeting.scheduled_at) | Q(
        resolution__meeting__isnull=True, resolution__adopted_on__lt=timezone.localdate(meeting.scheduled_at)
    )
    return (
        Task.objects.filter(organization_id=meeting.cell_id)
        .exclude(resolution__status=Resolution.Status.DRAFT)  # adopted, or amended (its tasks stay on it)
        .exclude(resolution__meeting=meeting)
        .filter(Q(report_meeting=meeting) | (UNFINISHED & earlier))
        .order_by("deadline", "pk")
    )


# ---------------------------------------------------------------------------------------------- suggestions


def suggest_leads(cell: Organization, residence_hint: str = "") -> QuerySet[Member]:
    """Active members of the cell best placed to lead a task (seed 002: fit capacity and place of residence):
    those living in the hinted residential group first, then those leading the fewest unfinished tasks.

    One query: ``same_group`` (0 for the hinted group) and ``open_tasks`` are annotations."""
    hint = nfc(residence_hint)
    same_group = Case(When(residence=hint, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Member.objects.filter(cell=cell, active=True)
        .annotate(
            open_tasks=Count(
                "led_tasks",
                filter=Q(led_tasks__completed_on__isnull=True, led_tasks__dropped_reason=""),
                distinct=True,
            ),
            same_group=same_group if hint else Value(1, output_field=IntegerField()),
        )
        .order_by("same_group", "open_tasks", "full_name_search", "pk")
    )


def helper_choices(user, cell: Organization) -> QuerySet[Member]:
    """The cell's active members a task's helpers are chosen from."""
    return Member.objects.visible_to(user, MANAGE).filter(cell=cell, active=True)


def residences(cell: Organization) -> list[str]:
    """The residential groups the cell's active members live in, for the suggestion's choice."""
    values = Member.objects.filter(cell=cell, active=True).exclude(residence="").values_list("residence", flat=True)
    return sorted(set(values))


# ---------------------------------------------------------------------------------------------- lists


def my_tasks(user, *, today: date) -> dict:
    """The page of tasks the user's active member leads or helps with, within what the user may see, with their
    status of the day and how many are still open. Queries: the user's member, the tasks (with lead, report
    meeting, organisation and resolution; progress as an EXISTS), their helpers."""
    member = Member.objects.filter(user=user, active=True).first()
    rows: list[Task] = []
    if member is not None:
        helped = Task.helpers.through.objects.filter(member_id=member.pk).values("task_id")
        tasks = (
            Task.objects.visible_to(user, VIEW)
            .filter(Q(lead=member) | Q(pk__in=helped))
            .exclude(resolution__status=Resolution.Status.DRAFT)
            .order_by("deadline", "pk")
        )
        rows = annotate_status(with_facts(tasks), today)
    return {
        "member": member,
        "rows": rows,
        "open_count": sum(1 for t in rows if t.state not in (Task.Status.DONE, Task.Status.DROPPED)),
    }


def overdue_for(user, *, today: date) -> QuerySet[Task]:
    """Late tasks (deadline passed, neither done nor dropped) of adopted resolutions, in the user's scope."""
    return (
        Task.objects.visible_to(user, VIEW)
        .filter(UNFINISHED, deadline__lt=today)
        .exclude(resolution__status=Resolution.Status.DRAFT)
        .select_related("organization", "lead", "resolution")
        .order_by("deadline", "organization__path", "pk")
    )
