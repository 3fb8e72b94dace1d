"""Computed metrics of meetings, gathered from the record (DOMAIN.md §5–§7). Each name is documented in
docs/scoring.md §Metrics; rubric items refer to them by name.

``gather(meetings)`` reads the record of any number of meetings in a fixed number of queries (15: roll call 5 —
marks, members, exemptions, suspensions, attachments —, speakers, documents, board meetings, minutes, resolutions,
tasks, the cells' meetings, targets of the previous meetings, their actuals, excused absences of the year), whatever
the number of meetings, cells or members; ``metrics_from(meeting, records)`` then computes each metric of one
meeting from those rows — the one implementation of every metric. ``metrics_for_meetings(meetings)`` does both;
``meeting_metrics(meeting)`` is that call for one meeting. The arithmetic over plain values (percentages, streaks)
is apps/quality/rules/metrics.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.meetings.models import Attendance, Meeting, MeetingDocument, Minutes, Speech
from apps.meetings.queries import meeting as meeting_queries
from apps.meetings.rules import calendar as meeting_rules_calendar
from apps.meetings.rules import docs as meeting_rules_docs
from apps.meetings.rules import live as meeting_rules_live
from apps.quality.rules.metrics import max_streak, percent, results_share
from apps.resolutions.models import Resolution, Target, TargetActual, Task, TaskProgress
from apps.resolutions.rules import follow as resolution_rules

RESOLUTION_FILED_DAYS = 2
HELD = (Meeting.Status.CLOSED, Meeting.Status.IN_PROGRESS)
DOCUMENT_KINDS = (
    MeetingDocument.Kind.DRAFT_REPORT,
    MeetingDocument.Kind.DRAFT_RESOLUTION,
    MeetingDocument.Kind.LEAD_PAPER,
    MeetingDocument.Kind.OTHER,
)
CELL_MEETING_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)


def _local_day(moment) -> date:
    return timezone.localdate(moment)


# ---------------------------------------------------------------------------------------------- gathering


@dataclass(frozen=True)
class _CellMeeting:
    pk: int
    kind: str
    status: str
    scheduled_at: datetime
    day: date  # local
    quarter: int


@dataclass
class MeetingRecords:
    """The rows of many meetings' records, by meeting (or by cell, or by target)."""

    roll_calls: dict[int, list[meeting_queries.RollCallRow]]
    spoke: dict[int, set[int]]
    published: dict[int, list[datetime | None]]
    board: dict[int, tuple[str, datetime, datetime | None]]
    minutes_status: dict[int, str]
    adopted_on: dict[int, list[date]]
    tasks: dict[int, list[tuple[date, date | None, str, bool]]]
    cell_meetings: dict[int, list[_CellMeeting]]  # regular and thematic, by (scheduled_at, pk)
    previous: dict[int, int | None]  # meeting → the previous regular meeting of its cell
    year_meetings: dict[int, list[int]]  # meeting → the cell's meetings of the year up to it (_year_meetings)
    targets: dict[int, list[tuple[int, Decimal, str]]]  # previous meeting → (target, value, direction)
    actuals: dict[int, list[tuple[date, int, Decimal]]]  # target → (on, pk, value)
    excused: dict[int, list[int]]  # meeting → members absent with reason


def _previous_regular(meeting: Meeting, cell_meetings: list[_CellMeeting]) -> int | None:
    earlier = [
        c
        for c in cell_meetings
        if c.kind == Meeting.Kind.REGULAR
        and c.status != Meeting.Status.CANCELLED
        and c.scheduled_at < meeting.scheduled_at
    ]
    return earlier[-1].pk if earlier else None


def _year_meetings(meeting: Meeting, day: date, cell_meetings: list[_CellMeeting]) -> list[int]:
    """The cell's regular and thematic meetings (not cancelled) of the year up to this one, in order."""
    return [
        c.pk
        for c in cell_meetings
        if c.status != Meeting.Status.CANCELLED and c.day.year == day.year and c.scheduled_at <= meeting.scheduled_at
    ]


def gather(meetings: Sequence[Meeting]) -> MeetingRecords:
    """The record of the meetings (15 queries whatever their number; at least one meeting)."""
    ids = [m.pk for m in meetings]
    cell_ids = {m.cell_id for m in meetings}

    spoke: dict[int, set[int]] = defaultdict(set)
    for meeting_id, member_id in Speech.objects.filter(
        meeting_id__in=ids, spoken=True, member__isnull=False
    ).values_list("meeting_id", "member_id"):
        spoke[meeting_id].add(member_id)
    published: dict[int, list] = defaultdict(list)
    for meeting_id, at in MeetingDocument.objects.filter(meeting_id__in=ids, kind__in=DOCUMENT_KINDS).values_list(
        "meeting_id", "published_at"
    ):
        published[meeting_id].append(at)
    board = {
        prepares_id: (status, scheduled_at, started_at)
        for prepares_id, status, scheduled_at, started_at in Meeting.objects.filter(
            prepares_id__in=ids, kind=Meeting.Kind.BOARD
        ).values_list("prepares_id", "status", "scheduled_at", "started_at")
    }
    minutes_status = dict(Minutes.objects.filter(meeting_id__in=ids).values_list("meeting_id", "status"))
    adopted_on: dict[int, list[date]] = defaultdict(list)
    for meeting_id, on in Resolution.objects.filter(
        meeting_id__in=ids,
        status__in=(Resolution.Status.ADOPTED, Resolution.Status.AMENDED),
        adopted_on__isnull=False,
    ).values_list("meeting_id", "adopted_on"):
        adopted_on[meeting_id].append(on)
    tasks: dict[int, list] = defaultdict(list)
    for meeting_id, *row in (
        Task.objects.filter(report_meeting_id__in=ids)
        .annotate(has_progress=Exists(TaskProgress.objects.filter(task=OuterRef("pk"))))
        .values_list("report_meeting_id", "deadline", "completed_on", "dropped_reason", "has_progress")
    ):
        tasks[meeting_id].append(tuple(row))

    # The cells' regular and thematic meetings up to the end of the latest year concerned: previous meeting, the
    # year's meetings (absence streaks) and the quarter's thematic meeting are looked up per cell among them.
    last_year = max(_local_day(m.scheduled_at).year for m in meetings)
    until = timezone.make_aware(datetime(last_year + 1, 1, 1))
    cell_meetings: dict[int, list[_CellMeeting]] = defaultdict(list)
    for cell_id, pk, kind, status, scheduled_at in (
        Meeting.objects.filter(cell_id__in=cell_ids, kind__in=CELL_MEETING_KINDS, scheduled_at__lt=until)
        .order_by("scheduled_at", "pk")
        .values_list("cell_id", "pk", "kind", "status", "scheduled_at")
    ):
        day = _local_day(scheduled_at)
        cell_meetings[cell_id].append(
            _CellMeeting(pk, kind, status, scheduled_at, day, meeting_rules_calendar.quarter_of(day))
        )

    previous = {m.pk: _previous_regular(m, cell_meetings[m.cell_id]) for m in meetings}
    targets: dict[int, list] = defaultdict(list)
    for meeting_id, *row in Target.objects.filter(
        resolution__meeting_id__in={p for p in previous.values() if p is not None},
        resolution__status=Resolution.Status.ADOPTED,
    ).values_list("resolution__meeting_id", "pk", "value", "direction"):
        targets[meeting_id].append(tuple(row))
    actuals: dict[int, list] = defaultdict(list)
    for target_id, *row in TargetActual.objects.filter(
        target_id__in=[t[0] for rows in targets.values() for t in rows]
    ).values_list("target_id", "on", "pk", "value"):
        actuals[target_id].append(tuple(row))

    year_meetings = {m.pk: _year_meetings(m, _local_day(m.scheduled_at), cell_meetings[m.cell_id]) for m in meetings}
    excused: dict[int, list[int]] = defaultdict(list)
    for member_id, meeting_id in Attendance.objects.filter(
        meeting_id__in={pk for pks in year_meetings.values() for pk in pks}, status=Attendance.Status.EXCUSED
    ).values_list("member_id", "meeting_id"):
        excused[meeting_id].append(member_id)

    return MeetingRecords(
        roll_calls=meeting_queries.roll_calls(meetings),
        spoke=spoke,
        published=published,
        board=board,
        minutes_status=minutes_status,
        adopted_on=adopted_on,
        tasks=tasks,
        cell_meetings=cell_meetings,
        previous=previous,
        year_meetings=year_meetings,
        targets=targets,
        actuals=actuals,
        excused=excused,
    )


# ---------------------------------------------------------------------------------------------- the metrics


def metrics_from(meeting: Meeting, record: MeetingRecords) -> dict[str, Any]:
    """All the metrics of one of the gathered meetings, by name."""
    day = _local_day(meeting.scheduled_at)
    out: dict[str, Any] = {}

    # Attendance: exempted and temporarily attached members are excluded from the base unless they came
    # (meetings.rules.AttendanceSummary); members of other cells attending while attached here are not the cell's.
    rows = [row for row in record.roll_calls[meeting.pk] if not row.visiting]
    statuses = [row.status for row in rows]
    summary = meeting_rules_live.summarise_attendance(statuses)  # meetings.queries.summary
    out.update(
        attendance_total=summary.total,
        attendance_present=summary.present,
        attendance_expected=summary.expected,
        attendance_exempt_absent=summary.exempt_absent,
        attendance_rate=summary.rate_percent,
        unexcused_absences=summary.unexcused,
        excused_absences=summary.excused,
    )
    member_ids = {row.member.pk for row in rows}
    attendee_ids = {
        row.member.pk
        for row, status in zip(rows, statuses, strict=True)
        if status in (meeting_rules_live.PRESENT, meeting_rules_live.LATE)
    }

    # Speaking: members present who spoke at least once (guests are not counted).
    speakers = len(record.spoke.get(meeting.pk, set()) & attendee_ids)
    out.update(speakers=speakers, attendees=len(attendee_ids), speaking_share=percent(speakers, len(attendee_ids)))

    # Duration against the norm for the cell's size and the kind of session: a regular and a thematic meeting held
    # in one sitting (the calendar puts them at the same time) make a combined session.
    combined = any(
        c.pk != meeting.pk
        and c.kind != meeting.kind
        and c.scheduled_at == meeting.scheduled_at
        and c.status != Meeting.Status.CANCELLED
        for c in record.cell_meetings.get(meeting.cell_id, [])
    )
    norm = meeting_rules_live.duration_norm_minutes(members=summary.total, combined_session=combined)
    if meeting.started_at and meeting.ended_at:
        minutes = int((meeting.ended_at - meeting.started_at).total_seconds() // 60)
        out.update(
            duration_minutes=minutes,
            duration_short_minutes=max(0, norm - minutes),
            duration_percent_of_norm=percent(minutes, norm),
        )
    else:
        out.update(duration_minutes=None, duration_short_minutes=None, duration_percent_of_norm=None)
    out["duration_norm_minutes"] = norm
    out["combined_session"] = combined

    # Preparation.
    published = record.published.get(meeting.pk, [])
    out["documents_ready"] = bool(published) and all(
        meeting_rules_docs.documents_available_in_time(published_at=p, meeting_at=meeting.scheduled_at)
        for p in published
    )
    board = record.board.get(meeting.pk)
    out["board_met_first"] = bool(
        board
        and (board[0] in HELD or board[2] is not None)
        and (board[2] or board[1]) < (meeting.started_at or meeting.scheduled_at)
    )
    out["preparer_assigned"] = meeting.preparer_id is not None

    # Closing.
    out["minutes_adopted"] = record.minutes_status.get(meeting.pk) == Minutes.Status.ADOPTED
    adopted = min(record.adopted_on.get(meeting.pk, []), default=None)
    out["resolution_filed"] = adopted is not None and adopted <= day + timedelta(days=RESOLUTION_FILED_DAYS)

    # Results of last month: tasks reported at this meeting, targets of the previous regular meeting's resolution.
    task_statuses = [
        resolution_rules.task_status(
            deadline=deadline,
            today=day,
            completed_on=completed_on if completed_on and completed_on <= day else None,
            dropped=bool(dropped_reason),
            has_progress=has_progress,
        )
        for deadline, completed_on, dropped_reason, has_progress in record.tasks.get(meeting.pk, [])
    ]
    tasks_due = sum(1 for s in task_statuses if s != resolution_rules.DROPPED)
    tasks_done = sum(1 for s in task_statuses if s == resolution_rules.DONE)
    previous = record.previous[meeting.pk]
    targets = []
    if previous is not None:
        for target_id, value, direction in record.targets.get(previous, []):
            known = [(on, pk, actual) for on, pk, actual in record.actuals.get(target_id, []) if on <= day]
            latest = max(known, key=lambda row: (row[0], row[1]), default=None)  # the latest actual on the day
            targets.append((value, None if latest is None else latest[2], direction))
    outcomes = [
        resolution_rules.target_outcome(value=v, actual=None if a is None else Decimal(a), direction=d)
        for v, a, d in targets
    ]
    targets_met = sum(1 for o in outcomes if o in (resolution_rules.MET, resolution_rules.EXCEEDED))
    out.update(
        tasks_due=tasks_due,
        tasks_done=tasks_done,
        tasks_done_share=percent(tasks_done, tasks_due),
        targets_due=len(targets),
        targets_met=targets_met,
        targets_met_share=percent(targets_met, len(targets)),
        results_share=results_share(
            tasks_done=tasks_done, tasks_due=tasks_due, targets_met=targets_met, targets_due=len(targets)
        ),
    )

    # Absences with reason running over the year, per member (the cell's meetings this year up to this one).
    year_meetings = record.year_meetings[meeting.pk]
    excused = [
        (member_id, meeting_id)
        for meeting_id in year_meetings
        for member_id in record.excused.get(meeting_id, ())
        if member_id in member_ids
    ]
    out["max_excused_streak"] = max_streak(year_meetings, excused)

    # A thematic meeting held (closed) in this quarter.
    quarter = meeting_rules_calendar.quarter_of(day)
    out["thematic_this_quarter"] = any(
        c.kind == Meeting.Kind.THEMATIC
        and c.status == Meeting.Status.CLOSED
        and c.day.year == day.year
        and c.quarter == quarter
        for c in record.cell_meetings.get(meeting.cell_id, [])
    )
    return out


def metrics_for_meetings(meetings: Iterable[Meeting]) -> dict[int, dict[str, Any]]:
    """The metrics of many meetings, by meeting id, in a fixed number of queries (module docstring). Callers with
    thousands of meetings pass them in batches (SQLite limits the parameters of one query)."""
    meetings = list(meetings)
    if not meetings:
        return {}
    record = gather(meetings)
    return {m.pk: metrics_from(m, record) for m in meetings}


def meeting_metrics(meeting: Meeting) -> dict[str, Any]:
    """All the metrics of one meeting, by name."""
    return metrics_for_meetings([meeting])[meeting.pk]
