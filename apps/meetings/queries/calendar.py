"""Reads of the annual calendar, the member's page and the iCalendar feed: scoped querysets in a bounded number
of queries, and the small iCalendar (RFC 5545) serializer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.common.scoping import MANAGE, VIEW, allows
from apps.meetings.models import AnnualCalendar, Apology, Attendance, Meeting, MeetingDocument, MeetingRule
from apps.meetings.rules import calendar as rules_calendar
from apps.members.models import Member
from apps.orgs.models import Organization

# ---------------------------------------------------------------------------------------------- a cell's calendar


def cells_for(user, action: str = VIEW) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user, action).filter(kind=Organization.Kind.CELL)


def calendar_of(user, *, cell: Organization, year: int) -> AnnualCalendar | None:
    return AnnualCalendar.objects.visible_to(user).filter(cell=cell, year=year).first()


def rule_of(user, *, cell: Organization) -> MeetingRule:
    """The cell's rule, or an unsaved one with the defaults (saved when the secretary edits it or generates)."""
    rule = MeetingRule.objects.visible_to(user).filter(cell=cell).first() or MeetingRule(cell=cell)
    if isinstance(rule.start_time, str):
        rule.start_time = datetime.strptime(rule.start_time, "%H:%M").time()
    return rule


def calendar_meetings(user, *, cell: Organization, year: int) -> QuerySet[Meeting]:
    """The year's regular and thematic meetings of the cell (board pre-meetings belong to preparation)."""
    return (
        Meeting.objects.visible_to(user)
        .filter(cell=cell, scheduled_at__year=year, kind__in=[Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC])
        .order_by("scheduled_at", "kind", "pk")
    )


@dataclass(frozen=True)
class CalendarChecks:
    quarters_without_thematic: list[int]
    months_without_regular: list[int]


def calendar_checks(meetings: Iterable[Meeting], year: int) -> CalendarChecks:
    live = [m for m in meetings if m.status != Meeting.Status.CANCELLED]
    thematic = [timezone.localtime(m.scheduled_at).date() for m in live if m.kind == Meeting.Kind.THEMATIC]
    months = {timezone.localtime(m.scheduled_at).month for m in live if m.kind == Meeting.Kind.REGULAR}
    return CalendarChecks(
        quarters_without_thematic=rules_calendar.quarters_without_thematic(thematic, year),
        months_without_regular=[m for m in range(1, 13) if m not in months],
    )


def pending_apologies(user, *, cell: Organization) -> QuerySet[Apology]:
    """Apologies waiting for the secretary's decision, for meetings not over yet."""
    return (
        Apology.objects.visible_to(user, MANAGE)
        .filter(meeting__cell=cell, decision=Apology.Decision.PENDING)
        .exclude(meeting__status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
        .select_related("member", "meeting")
        .order_by("meeting__scheduled_at", "submitted_at", "pk")
    )


# ------------------------------------------------------------------------------------------- the committee's overview

OVERVIEW_STATUSES = ("missing", *AnnualCalendar.Status.values)


def overview_cells(user, *, year: int, status: str = "") -> QuerySet[Organization]:
    """The cells the user sees, each with the id and status of its calendar for the year (None: no calendar)."""
    calendars = AnnualCalendar.objects.filter(cell=OuterRef("pk"), year=year)
    cells = cells_for(user).annotate(
        calendar_id=Subquery(calendars.values("pk")[:1]),
        calendar_status=Subquery(calendars.values("status")[:1]),
    )
    if status == "missing":
        cells = cells.filter(calendar_id__isnull=True)
    elif status in AnnualCalendar.Status.values:
        cells = cells.filter(calendar_status=status)
    return cells.order_by("path")


def overview_totals(user, *, year: int) -> dict[str, int]:
    """How many visible cells have no calendar, a draft, a submitted or a registered one (one grouped query)."""
    rows = (
        overview_cells(user, year=year)
        .order_by()
        .values("calendar_status")
        .annotate(n=Count("pk"))
        .values_list("calendar_status", "n")
    )
    totals = dict.fromkeys(OVERVIEW_STATUSES, 0)
    for status, n in rows:
        totals[status or "missing"] += n
    return totals


@dataclass
class OverviewRow:
    cell: Organization
    parent: Organization | None
    calendar: AnnualCalendar | None


def overview_rows(user, cells: Iterable[Organization]) -> list[OverviewRow]:
    """Rows for a page of cells: their calendars with meeting counts, and their parents (two queries)."""
    cells = list(cells)
    steps = Organization.steplen
    parents = {o.path: o for o in cells_parent_candidates(user, {c.path[:-steps] for c in cells})}
    live = ~Q(meetings__status=Meeting.Status.CANCELLED)
    calendars = {
        c.pk: c
        for c in AnnualCalendar.objects.visible_to(user)
        .filter(pk__in=[c.calendar_id for c in cells if c.calendar_id])
        .annotate(
            regular_count=Count("meetings", filter=live & Q(meetings__kind=Meeting.Kind.REGULAR)),
            thematic_count=Count("meetings", filter=live & Q(meetings__kind=Meeting.Kind.THEMATIC)),
        )
        .select_related("submitted_by", "registered_by")
    }
    rows = []
    for cell in cells:
        calendar = calendars.get(cell.calendar_id)
        if calendar is not None:
            calendar.cell = cell  # already loaded: permission checks read its path
        rows.append(OverviewRow(cell, parents.get(cell.path[:-steps]), calendar))
    return rows


def cells_parent_candidates(user, paths: set[str]) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user).filter(path__in=paths) if paths else Organization.objects.none()


# ---------------------------------------------------------------------------------------------- the member's page


def member_of(user) -> Member | None:
    return Member.objects.filter(user_id=user.pk, active=True).select_related("cell").first()


def member_upcoming(user, *, member: Member, now: datetime, limit: int = 12) -> list[Meeting]:
    """The member's cell's coming meetings (from the start of today), each with its published documents and the
    member's own apology: three queries."""
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    documents = (
        MeetingDocument.objects.visible_to(user).filter(published_at__isnull=False).order_by("published_at", "pk")
    )
    apologies = Apology.objects.visible_to(user).filter(member=member)
    return list(
        Meeting.objects.visible_to(user)
        .filter(cell_id=member.cell_id, kind__in=[Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC])
        .filter(Q(scheduled_at__gte=start_of_today) | Q(status=Meeting.Status.IN_PROGRESS))
        .exclude(status=Meeting.Status.CLOSED)
        .prefetch_related(
            Prefetch("documents", queryset=documents, to_attr="published_documents"),
            Prefetch("apologies", queryset=apologies, to_attr="my_apologies"),
        )
        .order_by("scheduled_at", "kind", "pk")[:limit]
    )


def member_attendance(user, *, member: Member) -> QuerySet[Attendance]:
    """The member's own attendance history, latest first."""
    return (
        Attendance.objects.visible_to(user)
        .filter(member=member)
        .select_related("meeting")
        .order_by("-meeting__scheduled_at", "-pk")
    )


# ---------------------------------------------------------------------------------------------- the iCalendar feed

FEED_PAST = timedelta(days=93)
FEED_AHEAD = timedelta(days=400)
FEED_LIMIT = 1000
EVENT_DURATION = timedelta(hours=2)


def feed_meetings(user, *, now: datetime) -> list[Meeting]:
    """Meetings the feed's owner may see, from three months back to a year ahead; board pre-meetings only for
    those who manage the cell."""
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(scheduled_at__gte=now - FEED_PAST, scheduled_at__lte=now + FEED_AHEAD)
        .select_related("cell")
        .order_by("scheduled_at", "pk")[:FEED_LIMIT]
    )
    return [m for m in meetings if m.kind != Meeting.Kind.BOARD or allows(user, MANAGE, m.cell.path)]


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def meeting_event(meeting: Meeting, *, url: str = "", domain: str = "chibo") -> FeedEvent:
    summary = f"{meeting.get_kind_display()} · {meeting.cell.name}"
    return FeedEvent(
        uid=f"meeting-{meeting.pk}@{domain}",
        start=meeting.scheduled_at,
        end=meeting.scheduled_at + EVENT_DURATION,
        summary=summary,
        location=meeting.place,
        description=meeting.topic,
        url=url,
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def ical_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ical_fold(line: str, limit: int = 75) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character; continuation lines
    start with one space, which counts towards their 75 octets."""
    parts: list[str] = []
    current, size = "", 0
    budget = limit
    for char in line:
        width = len(char.encode())
        if size + width > budget:
            parts.append(current)
            current, size, budget = "", 0, limit - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def ical_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_calendar(events: Iterable[FeedEvent], *, name: str, stamp: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//chibo//meetings//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(name)}",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{ical_datetime(stamp)}",
            f"DTSTART:{ical_datetime(e.start)}",
            f"DTEND:{ical_datetime(e.end)}",
            f"SUMMARY:{ical_text(e.summary)}",
        ]
        if e.location:
            lines.append(f"LOCATION:{ical_text(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{ical_text(e.description)}")
        if e.url:
            lines.append(f"URL:{e.url}")
        lines.append(f"STATUS:{'CANCELLED' if e.cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + "\r\n" for line in lines)


def feed_text(user, *, now: datetime, name: str, link: Callable[[Meeting], str], domain: str = "chibo") -> str:
    events = [meeting_event(m, url=link(m), domain=domain) for m in feed_meetings(user, now=now)]
    return ical_calendar(events, name=name, stamp=now)
