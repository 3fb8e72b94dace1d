"""Reads of the annual calendar, the committee's overview, the member's page and apologies: scoped querysets in a
bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.common.scoping import MANAGE, VIEW
from apps.meetings.models import AnnualCalendar, Apology, Attendance, Meeting, MeetingDocument, MeetingRule
from apps.meetings.rules import calendar as rules_calendar
from apps.members.models import Member
from apps.orgs.models import Organization

# ---------------------------------------------------------------------------------------------- a cell's calendar


def cells_for(user, action: str = VIEW) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user, action).filter(kind=Organization.Kind.CELL)


def calendars_for(user, action: str = VIEW) -> QuerySet[AnnualCalendar]:
    """The one lookup of annual calendars: those ``user`` may ``action``, with their cell."""
    return AnnualCalendar.objects.visible_to(user, action).select_related("cell")


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


def apologies_for(user, action: str = VIEW) -> QuerySet[Apology]:
    """The one lookup of apologies: those ``user`` may ``action`` (a member: their own), with meeting and member."""
    return Apology.objects.visible_to(user, action).select_related("meeting", "member")


def pending_apologies(user, *, cell: Organization) -> QuerySet[Apology]:
    """Apologies waiting for the secretary's decision, for meetings not over yet."""
    return (
        apologies_for(user, MANAGE)
        .filter(meeting__cell=cell, decision=Apology.Decision.PENDING)
        .exclude(meeting__status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
        .order_by("meeting__scheduled_at", "submitted_at", "pk")
    )


def apology_of(user, *, meeting: Meeting, member: Member) -> Apology | None:
    """The member's apology for the meeting, if they sent one."""
    return Apology.objects.visible_to(user).filter(meeting=meeting, member=member).first()


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


def member_of(user, *, active: bool = True) -> Member | None:
    """The user's own member record (with ``active=False``, also one archived); an administrator may have none."""
    members = Member.objects.filter(user_id=user.pk).select_related("cell")
    return (members.filter(active=True) if active else members).first()


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
