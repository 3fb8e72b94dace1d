"""The loop closes by itself (DOMAIN.md §6: "next month's meeting starts by checking what was done").

When a resolution is adopted, the cell's next meeting is prepared from it: its agenda gets a review item per task
("Kiểm điểm nhiệm vụ: …") right after the report on last month's tasks, and its draft resolution starts with the
table of last month's results filled from the task statuses. ``loop_refresh`` does the same again before the
meeting, so the table shows the statuses of the day; both are idempotent.

The wording written into the record (agenda titles, the section headings and status words of the draft
resolution) is the vocabulary of the cell's documents, not interface text: it reads the same whatever language
the screen is in, so it is written in Vietnamese here, like apps/meetings/rules/documents.py, and never passes through
the translation catalogue.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes
from apps.resolutions.models import Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.rules import follow as rules

REVIEW_PREFIX = "Kiểm điểm nhiệm vụ: "
SECTION_RESULTS = "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC"
SECTION_NEXT = "II. NHIỆM VỤ THÁNG TỚI"
DRAFT_TITLE = "Dự thảo nghị quyết"
BOARD = "Chi ủy"
NOBODY = "chưa phân công"
NO_TASKS = "(Không có nhiệm vụ cần kiểm điểm.)"
STATUS_WORDS = {
    rules.OPEN: "chưa thực hiện",
    rules.IN_PROGRESS: "đang thực hiện",
    rules.DONE: "hoàn thành",
    rules.LATE: "quá hạn",
    rules.DROPPED: "dừng thực hiện",
}
AGENDA_TITLE_MAX = 300


# ---------------------------------------------------------------------------------------------- pure text


@dataclass(frozen=True)
class ResultRow:
    """One line of the results table, as plain values."""

    title: str
    lead: str
    deadline: date
    status: str
    outcome: str = ""
    done_late: bool = False
    dropped_reason: str = ""


def status_words(row: ResultRow) -> str:
    words = STATUS_WORDS[row.status]
    if row.status == rules.DONE and row.done_late:
        words += " (chậm so với thời hạn)"
    if row.status == rules.DROPPED and row.dropped_reason:
        words += f" (lý do: {nfc(row.dropped_reason)})"
    return words


def result_line(number: int, row: ResultRow) -> str:
    """ "1. <title> — <lead> — hạn dd/mm/yyyy — <status> — <outcome>" (no outcome part until one is recorded)."""
    parts = [f"{number}. {nfc(row.title)}", nfc(row.lead) or NOBODY, f"hạn {row.deadline:%d/%m/%Y}", status_words(row)]
    outcome = " ".join(nfc(row.outcome).split())
    if outcome:
        parts.append(outcome)
    return " — ".join(parts)


def results_section(rows: Sequence[ResultRow]) -> str:
    lines = [SECTION_RESULTS]
    lines += [result_line(n, row) for n, row in enumerate(rows, start=1)] or [NO_TASKS]
    return "\n".join(lines)


def with_results(text: str, section: str) -> str:
    """The draft resolution with section I put first (or refreshed); what the secretary wrote after it is kept.

    The generated section I has no blank line, so it runs from its heading to the first blank line, or to the
    heading of section II when the secretary wrote that right under the table."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n")
    if not text.strip():
        return f"{section}\n\n{SECTION_NEXT}"
    if not text.startswith(SECTION_RESULTS):
        return f"{section}\n\n{text.lstrip()}"
    ends = [i for i in (text.find("\n\n"), text.find(f"\n{SECTION_NEXT}")) if i >= 0]
    rest = text[min(ends) :].lstrip("\n") if ends else ""
    return f"{section}\n\n{rest}" if rest.strip() else f"{section}\n\n{SECTION_NEXT}"


def review_title(task_title: str) -> str:
    return (REVIEW_PREFIX + nfc(task_title))[:AGENDA_TITLE_MAX]


# ---------------------------------------------------------------------------------------------- the loop


@dataclass(frozen=True)
class LoopResult:
    meeting: Meeting
    items_added: int
    document: MeetingDocument


def _lead_name(task: Task) -> str:
    if task.lead_is_board:
        return BOARD
    return task.lead.full_name if task.lead_id else ""


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
    while index < len(items) and items[index].title.startswith(REVIEW_PREFIX):
        index += 1
    return index


def _insert_review_items(meeting: Meeting, tasks: Sequence[Task]) -> int:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    reviewed = {item.task_id for item in items if item.task_id}
    # Review items written by hand (no task link) still count, each for one task of the same title.
    unlinked = Counter(item.title for item in items if not item.task_id and item.title.startswith(REVIEW_PREFIX))
    new: list[AgendaItem] = []
    for task in tasks:
        title = review_title(task.title)
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
    AgendaItem.objects.bulk_create(new)
    moved = [item for item in items if item.position != before[item.pk]]
    if moved:
        AgendaItem.objects.bulk_update(moved, ["position"])
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
            title=DRAFT_TITLE,
            text=with_results("", section),
            uploaded_by=by,
        )
        document.full_clean(exclude=["file", "uploaded_by"])
        document.save()
        return document
    text = with_results(document.text, section)
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
    document = _refresh_draft(live, results_section(_rows(tasks)), by)
    return LoopResult(meeting=live, items_added=added, document=document)


@transaction.atomic
def loop_prepare_next(resolution: Resolution, *, by=None, today: date | None = None) -> list[LoopResult]:
    """At adoption: prepare the cell's next planned regular meeting after the resolution's meeting, and every
    planned meeting its tasks are to be reported at. Meetings that can no longer change are left alone."""
    meetings: dict[int, Meeting] = {}
    if resolution.meeting_id:
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
