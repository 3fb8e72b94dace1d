"""The membership watch (DOMAIN.md §9, Party Statute art. 8): absences from meetings and unpaid dues, member by
member. It reads the meetings' attendance (apps.meetings) and the members' dues and exemptions (apps.members,
apps/members/queries/watch.py folds them), so the page lives on the top floor. Four queries whatever the number
of members: members (+cell), attendance of the year's regular and thematic meetings, dues rows of the year,
exemptions overlapping the year."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.utils import timezone

from apps.meetings.models import Attendance, Meeting
from apps.members.queries import watch as queries_watch
from apps.members.rules import watch
from apps.orgs.models import Organization

WATCHED_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)  # a board pre-meeting is not a meeting of every member
STREAK = "streak"  # the level filter that lists the long streaks of absences with reason


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz),
    )


def attendance_by_month(member_ids: list[int], *, year: int) -> dict[int, list[tuple[int, str]]]:
    """Member → (month, status) of each regular or thematic meeting of ``year`` they were marked at (cancelled
    meetings aside), in the meetings' order (one query)."""
    start, end = _year_bounds(year)
    statuses: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        Attendance.objects.filter(
            member_id__in=member_ids,
            meeting__scheduled_at__gte=start,
            meeting__scheduled_at__lt=end,
            meeting__kind__in=WATCHED_KINDS,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("meeting__scheduled_at", "meeting_id")
        .values_list("member_id", "meeting__scheduled_at", "status")
    )
    for member_id, scheduled_at, status in rows:
        statuses[member_id].append((timezone.localtime(scheduled_at).month, status))
    return statuses


def watch_list(
    user, *, year: int, today: date, level: str = "", within: Organization | None = None
) -> list[queries_watch.WatchRow]:
    """Members of the user's scope with a warning, an alert or a long streak of absences with reason; ``level``
    keeps only the alerts, the warnings or the streaks."""
    members = list(queries_watch.watched_members(user, within=within))
    if not members:
        return []
    attendance = attendance_by_month([m.pk for m in members], year=year)
    rows = queries_watch.watch_rows(members, attendance=attendance, year=year, today=today)
    if level in (watch.ALERT, watch.WARNING):
        return [r for r in rows if r.level == level]
    if level == STREAK:
        return [r for r in rows if r.streak_breaks]
    return rows
