"""Computed metrics of a meeting, gathered from the record (DOMAIN.md §5–§7). Each name is documented in
docs/scoring.md §Metrics; rubric items refer to them by name. A fixed number of queries whatever the cell's size
(13: roll call 2, speakers, documents, board meeting, minutes, resolution, tasks, previous meeting, targets, the
year's meetings, excused absences of the year, thematic meeting of the quarter)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from apps.meetings import queries as meeting_queries
from apps.meetings import rules as meeting_rules
from apps.meetings.models import Attendance, Meeting, MeetingDocument, Minutes, Speech
from apps.resolutions import rules as resolution_rules
from apps.resolutions.models import Resolution, Target, TargetActual, Task, TaskProgress

RESOLUTION_FILED_DAYS = 2
HELD = (Meeting.Status.CLOSED, Meeting.Status.IN_PROGRESS)
DOCUMENT_KINDS = (
    MeetingDocument.Kind.DRAFT_REPORT,
    MeetingDocument.Kind.DRAFT_RESOLUTION,
    MeetingDocument.Kind.LEAD_PAPER,
    MeetingDocument.Kind.OTHER,
)


# ---------------------------------------------------------------------------------------------- pure helpers


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def max_streak(meeting_ids: Sequence[int], excused: Iterable[tuple[int, int]]) -> int:
    """The longest run of consecutive meetings (in the given order) any member missed with a reason.

    ``excused``: (member_id, meeting_id) pairs of absences with reason; any other status, or no row, breaks the run."""
    by_member: dict[int, set[int]] = defaultdict(set)
    for member_id, meeting_id in excused:
        by_member[member_id].add(meeting_id)
    longest = 0
    for missed in by_member.values():
        run = 0
        for meeting_id in meeting_ids:
            run = run + 1 if meeting_id in missed else 0
            longest = max(longest, run)
    return longest


def results_share(*, tasks_done: int, tasks_due: int, targets_met: int, targets_due: int) -> float | None:
    """Share of last month's tasks done and targets met, together (percent)."""
    return percent(tasks_done + targets_met, tasks_due + targets_due)


# ---------------------------------------------------------------------------------------------- gathering


def _local_day(moment) -> date:
    return timezone.localdate(moment)


def meeting_metrics(meeting: Meeting) -> dict[str, Any]:
    """All the metrics of one meeting, by name."""
    day = _local_day(meeting.scheduled_at)
    out: dict[str, Any] = {}

    # Attendance: exempted members are excluded from the base unless they came (meetings.rules.AttendanceSummary).
    rows = meeting_queries.roll_call(meeting)
    summary = meeting_queries.summary(rows)
    out.update(
        attendance_total=summary.total,
        attendance_present=summary.present,
        attendance_expected=summary.expected,
        attendance_exempt_absent=summary.exempt_absent,
        attendance_rate=summary.rate_percent,
        unexcused_absences=summary.unexcused,
        excused_absences=summary.excused,
    )
    member_ids = [row.member.pk for row in rows]
    attendee_ids = {row.member.pk for row in rows if row.status in (meeting_rules.PRESENT, meeting_rules.LATE)}

    # Speaking: members present who spoke at least once (guests are not counted).
    spoke = set(
        Speech.objects.filter(meeting=meeting, spoken=True, member__isnull=False).values_list("member_id", flat=True)
    )
    speakers = len(spoke & attendee_ids)
    out.update(speakers=speakers, attendees=len(attendee_ids), speaking_share=percent(speakers, len(attendee_ids)))

    # Duration against the norm for the cell's size and the kind of session.
    norm = meeting_rules.duration_norm_minutes(members=summary.total)
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

    # Preparation.
    published = list(
        MeetingDocument.objects.filter(meeting=meeting, kind__in=DOCUMENT_KINDS).values_list("published_at", flat=True)
    )
    out["documents_ready"] = bool(published) and all(
        meeting_rules.documents_available_in_time(published_at=p, meeting_at=meeting.scheduled_at) for p in published
    )
    board = (
        Meeting.objects.filter(prepares=meeting, kind=Meeting.Kind.BOARD)
        .values_list("status", "scheduled_at", "started_at")
        .first()
    )
    out["board_met_first"] = bool(
        board
        and (board[0] in HELD or board[2] is not None)
        and (board[2] or board[1]) < (meeting.started_at or meeting.scheduled_at)
    )
    out["preparer_assigned"] = meeting.preparer_id is not None

    # Closing.
    out["minutes_adopted"] = (
        Minutes.objects.filter(meeting=meeting).values_list("status", flat=True).first() == Minutes.Status.ADOPTED
    )
    adopted = (
        Resolution.objects.filter(
            meeting=meeting,
            status__in=(Resolution.Status.ADOPTED, Resolution.Status.AMENDED),
            adopted_on__isnull=False,
        )
        .order_by("adopted_on")
        .values_list("adopted_on", flat=True)
        .first()
    )
    out["resolution_filed"] = adopted is not None and adopted <= day + timedelta(days=RESOLUTION_FILED_DAYS)

    # Results of last month: tasks reported at this meeting, targets of the previous regular meeting's resolution.
    tasks = Task.objects.filter(report_meeting=meeting).annotate(
        has_progress=Exists(TaskProgress.objects.filter(task=OuterRef("pk")))
    )
    statuses = [
        resolution_rules.task_status(
            deadline=t.deadline,
            today=day,
            completed_on=t.completed_on if t.completed_on and t.completed_on <= day else None,
            dropped=bool(t.dropped_reason),
            has_progress=t.has_progress,
        )
        for t in tasks.only("deadline", "completed_on", "dropped_reason")
    ]
    tasks_due = sum(1 for s in statuses if s != resolution_rules.DROPPED)
    tasks_done = sum(1 for s in statuses if s == resolution_rules.DONE)
    previous = (
        Meeting.objects.filter(
            cell_id=meeting.cell_id, kind=Meeting.Kind.REGULAR, scheduled_at__lt=meeting.scheduled_at
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-scheduled_at")
        .values_list("pk", flat=True)
        .first()
    )
    targets = []
    if previous is not None:
        latest = TargetActual.objects.filter(target=OuterRef("pk"), on__lte=day).order_by("-on", "-pk")
        targets = list(
            Target.objects.filter(resolution__meeting_id=previous, resolution__status=Resolution.Status.ADOPTED)
            .annotate(actual=Subquery(latest.values("value")[:1]))
            .values_list("value", "actual", "direction")
        )
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
    year_meetings = list(
        Meeting.objects.filter(
            cell_id=meeting.cell_id,
            kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC),
            scheduled_at__year=day.year,
            scheduled_at__lte=meeting.scheduled_at,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)
    )
    excused = Attendance.objects.filter(
        meeting_id__in=year_meetings, member_id__in=member_ids, status=Attendance.Status.EXCUSED
    ).values_list("member_id", "meeting_id")
    out["max_excused_streak"] = max_streak(year_meetings, excused)

    # A thematic meeting held (closed) in this quarter.
    out["thematic_this_quarter"] = Meeting.objects.filter(
        cell_id=meeting.cell_id,
        kind=Meeting.Kind.THEMATIC,
        status=Meeting.Status.CLOSED,
        scheduled_at__year=day.year,
        scheduled_at__quarter=meeting_rules.quarter_of(day),
    ).exists()
    return out
