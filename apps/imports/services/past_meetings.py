"""The meetings a past attendance register implies (apps/imports/services/attendance.py): a cell's regular meeting of
a month as the record holds it, or a new one held on the day the cell's rule gives (the calendar's day: the rule's
day of the month moved to a working day within the month, ``rules.attendance.meeting_day``; a cell without a rule:
the rule's defaults, the 5th at 19:30), closed, started at its scheduled time and lasting the norm
(``apps.meetings.rules.live.duration_norm_minutes``): the register says the meeting took place, not how long it
lasted. A meeting planned and never held is closed the same way. The meetings app's ``meeting_create`` makes each
new meeting with its agenda; the save that closes it is audited by django-auditlog's signals and marks the
oversight's figures of its month stale (apps/oversight/services/facts_signals.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.imports.queries.attendance import DEFAULT_START
from apps.imports.rules import attendance as rules
from apps.meetings.models import AnnualCalendar, Meeting, MeetingRule
from apps.meetings.rules import live as meeting_rules_live
from apps.meetings.rules.holidays import holiday_checker
from apps.meetings.services.calendar import local_datetime
from apps.meetings.services.meeting import meeting_create
from apps.orgs.models import Organization

HELD_FIELDS = ("status", "started_at", "ended_at")  # what holding a planned meeting changes
RANK = {Meeting.Status.CLOSED: 0, Meeting.Status.IN_PROGRESS: 1, Meeting.Status.PLANNED: 2}  # which one is the month's


def _month_range(month: date) -> tuple[datetime, datetime]:
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(month, time())), timezone.make_aware(datetime.combine(after, time()))


def month_meeting(cell: Organization, month: date) -> Meeting | None:
    """The cell's regular meeting of the month as the plan chose it (held first, then the earliest), locked."""
    start, end = _month_range(month)
    found = list(
        Meeting.objects.select_for_update()
        .filter(cell=cell, kind=Meeting.Kind.REGULAR, scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
    )
    return min(found, key=lambda m: RANK[m.status]) if found else None


def hold_new(cell: Organization, month: date, *, members: int) -> Meeting:
    """A regular meeting on the day the cell's rule gives for the month, with its agenda, held and closed."""
    rule = MeetingRule.objects.filter(cell=cell).first()
    day_of_month, start, place = (
        (rule.day_of_month, rule.start_time, rule.place) if rule else (rules.DEFAULT_DAY_OF_MONTH, DEFAULT_START, "")
    )
    if isinstance(start, str):
        start = time.fromisoformat(start)
    day = rules.meeting_day(month.year, month.month, day_of_month, holiday_checker(month.year))
    meeting = meeting_create(
        cell=cell,
        kind=Meeting.Kind.REGULAR,
        scheduled_at=local_datetime(day, start),
        place=place,
        calendar=AnnualCalendar.objects.filter(cell=cell, year=month.year).first(),
    )
    close(meeting, members=members)
    return meeting


def close(meeting: Meeting, *, members: int) -> None:
    """Record the meeting as held at its scheduled time, for the norm's duration (apps.meetings.rules.live)."""
    meeting.status = Meeting.Status.CLOSED
    meeting.started_at = meeting.scheduled_at
    meeting.ended_at = meeting.scheduled_at + timedelta(
        minutes=meeting_rules_live.duration_norm_minutes(members=members)
    )
    meeting.full_clean(exclude=["checkin_token"])
    meeting.save(update_fields=list(HELD_FIELDS))
