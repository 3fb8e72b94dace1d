"""The loop closes by itself (DOMAIN.md §6: "next month's meeting starts by checking what was done").

When a resolution is adopted, the cell's next meeting is prepared from it: its agenda gets a review item per task
("Kiểm điểm nhiệm vụ: …") right after the report on last month's tasks, and its draft resolution starts with the
table of last month's results filled from the task statuses. ``loop_refresh`` does the same again before the
meeting, so the table shows the statuses of the day; both are idempotent.

The words written into the record are the cell's documents' vocabulary, in apps/resolutions/rules/loop.py. The agenda
is a meetings' record: its items are added and renumbered through apps.common.audit, so each row has its audit entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes
from apps.resolutions.models import Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.rules import loop as rules
from apps.resolutions.rules.loop import ResultRow

# ---------------------------------------------------------------------------------------------- the loop


@dataclass(frozen=True)
class LoopResult:
    meeting: Meeting
    items_added: int
    document: MeetingDocument


def _lead_name(task: Task) -> str:
    if task.lead_is_board:
        return rules.BOARD
    return task.lead.full_name if task.lead is not None else ""


def _rows(tasks: Sequence[Task]) -> list[ResultRow]:
    return [
        ResultRow(
            title=task.title,
            lead=_lead_name(task),
            deadline=task.deadline,
            status=task.state,
            outcome=task.outcome,
            done_late=task.done_late,
            dropped_reason=task.dropped_reason,
        )
        for task in tasks
    ]


def _require_editable(meeting: Meeting) -> None:
    if meeting.kind == Meeting.Kind.BOARD:
        raise ValidationError(_("A board pre-meeting has no resolution."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ADOPTED).exists():
        raise ValidationError(_("The minutes are adopted: the record can no longer change."))


def _anchor_index(items: list[AgendaItem]) -> int:
    """Where review items go: after the report on last month's tasks, the first item of the body (position 6 of
    the regular template), and after review items already there; without a body, after the opening."""
    body = [i for i, item in enumerate(items) if item.section == AgendaItem.Section.BODY]
    if body:
        index = body[0] + 1
    else:
        opening = [i for i, item in enumerate(items) if item.section == AgendaItem.Section.OPENING]
        index = opening[-1] + 1 if opening else 0
    while index < len(items) and items[index].title.startswith(rules.REVIEW_PREFIX):
        index += 1
    return index


def _insert_review_items(meeting: Meeting, tasks: Sequence[Task]) -> int:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    reviewed = {item.task_id for item in items if item.task_id}
    # Review items written by hand (no task link) still count, each for one task of the same title.
    unlinked = Counter(item.title for item in items if not item.task_id and item.title.startswith(rules.REVIEW_PREFIX))
    new: list[AgendaItem] = []
    for task in tasks:
        title = rules.review_title(task.title)
        if task.pk in reviewed:
            continue
        if unlinked[title]:
            unlinked[title] -= 1
            continue
        reviewed.add(task.pk)
        new.append(
            AgendaItem(meeting=meeting, position=0, section=AgendaItem.Section.BODY, title=title, task_id=task.pk)
        )
    if not new:
        return 0
    index = _anchor_index(items)
    before = {item.pk: item.position for item in items}
    for position, item in enumerate(items[:index] + new + items[index:], start=1):
        item.position = position
    audit.bulk_create(AgendaItem, new)
    moved = [item for item in items if item.position != before[item.pk]]
    if moved:
        audit.bulk_update(AgendaItem, moved, ["position"])
    return len(new)


def _refresh_draft(meeting: Meeting, section: str, by) -> MeetingDocument:
    document = (
        MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    if document is None:
        document = MeetingDocument(
            meeting=meeting,
            kind=MeetingDocument.Kind.DRAFT_RESOLUTION,
            title=rules.DRAFT_TITLE,
            text=rules.with_results("", section),
            uploaded_by=by,
        )
        document.full_clean(exclude=["file", "uploaded_by"])
        document.save()
        return document
    text = rules.with_results(document.text, section)
    if text != document.text:
        document.text = text
        document.save(update_fields=["text"])
    return document


@transaction.atomic
def loop_refresh(meeting: Meeting, *, by=None, today: date | None = None) -> LoopResult:
    """Put the review of every task due or open into the meeting's agenda and section I of its draft resolution.

    The meeting row is locked while the agenda is renumbered (as every agenda change does); a task already
    reviewed by an item linked to it (or by a hand-written item of the same title) gets no second one."""
    live = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(live)
    tasks = queries_tasks.annotate_status(
        queries_tasks.with_facts(queries_tasks.review_tasks(live)), today or timezone.localdate()
    )
    added = _insert_review_items(live, tasks)
    document = _refresh_draft(live, rules.results_section(_rows(tasks)), by)
    return LoopResult(meeting=live, items_added=added, document=document)


@transaction.atomic
def loop_prepare_next(resolution: Resolution, *, by=None, today: date | None = None) -> list[LoopResult]:
    """At adoption: prepare the cell's next planned regular meeting after the resolution's meeting, and every
    planned meeting its tasks are to be reported at. Meetings that can no longer change are left alone."""
    meetings: dict[int, Meeting] = {}
    if resolution.meeting is not None:
        following = queries_tasks.next_regular_meeting(resolution.meeting)
        if following is not None:
            meetings[following.pk] = following
    for meeting in Meeting.objects.filter(
        tasks_to_review__resolution=resolution, status=Meeting.Status.PLANNED
    ).exclude(kind=Meeting.Kind.BOARD):
        meetings.setdefault(meeting.pk, meeting)
    results = []
    for meeting in sorted(meetings.values(), key=lambda m: (m.scheduled_at, m.pk)):
        try:
            results.append(loop_refresh(meeting, by=by, today=today))
        except ValidationError:
            continue
    return results
