"""The meetings' lists as Excel tables (apps.exports), each read through the meetings' scoped lookups:

- ``attendance`` (``?meeting=<id>``): a meeting's roll call, as the printed attendance sheet shows it;
- ``register`` (``?cell=<id>&year=<yyyy>``): a cell's register of the year, member by month;
- ``meetings`` (``?org=<id>&year=<yyyy>``): the year's regular and thematic meetings of a cell (its calendar
  page) or of every cell under a committee.

The whole roll call is for the roles that see the cell's records (``meetings.see_roll_call``), never a plain
member, who sees only their own attendance: for them the first two tables are not found (404), as the pages are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, allows, subtree_filter, today
from apps.exports.rules.tables import DATE, INT, Column, Params, Table, Unavailable, int_param, year_param
from apps.meetings.models import Attendance, Meeting
from apps.meetings.queries.calendar import cells_for
from apps.meetings.queries.meeting import RollCallRow, meetings_for, roll_call, roll_calls, summary
from apps.meetings.rules import live as rules_live
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for

YEAR_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)
HELD = (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.scheduled_at).strftime("%d/%m/%Y %H:%M")


def _mark(row: RollCallRow) -> str:
    """A line's attendance as the sheet writes it."""
    if row.visiting:
        return _("attends while attached here (not counted)")
    status = row.status
    if status == rules_live.ATTACHED:
        return _("attached to another cell")
    if status is None:
        return _("not marked")
    return str(Attendance.Status(status).label)


# ---------------------------------------------------------------------------------------------- a meeting


def attendance(user, params: Params) -> Table:
    meeting = meetings_for(user, VIEW).filter(pk=int_param(params, "meeting")).first()
    if meeting is None or not user.has_perm("meetings.see_roll_call", meeting):
        raise Unavailable("meeting")
    rows = roll_call(meeting)
    counted = summary(rows)
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Full name"), width=28),
        Column(_("Member status"), width=16),
        Column(_("Attendance"), width=22),
        Column(_("Present"), INT, width=10),
        Column(_("Absent with reason"), INT, width=12),
        Column(_("Absent without reason"), INT, width=12),
        Column(_("Reason"), width=30),
    ]
    return Table(
        title=_("Attendance sheet"),
        organisation=meeting.cell.name,
        period=f"{meeting.get_kind_display()} {_when(meeting)}",
        columns=columns,
        rows=_roll_call_rows(rows),
        count=len(rows),
        totals=[None, None, None, None, counted.present, counted.excused, counted.unexcused, None],
        notes=[
            _(
                "Members: %(total)s; present: %(present)s; absent with reason: %(excused)s; absent without "
                "reason: %(unexcused)s; exempted and absent: %(exempt)s."
            )
            % {
                "total": counted.total,
                "present": counted.present,
                "excused": counted.excused,
                "unexcused": counted.unexcused,
                "exempt": counted.exempt_absent,
            }
        ],
    )


def _roll_call_rows(rows: list[RollCallRow]) -> Iterator[list]:
    for number, row in enumerate(rows, start=1):
        status = row.status
        counted = not row.visiting
        notes = [
            *([_("exempted")] if row.exempt else []),
            *([_("suspended (no vote)")] if row.suspended else []),
            *([row.attendance.reason] if row.attendance and row.attendance.reason else []),
            *([row.visiting_from] if row.visiting else []),
            *([row.attached_to] if row.attached_to else []),
        ]
        yield [
            number,
            row.member.full_name,
            row.member.get_status_display(),
            _mark(row),
            1 if counted and status in (rules_live.PRESENT, rules_live.LATE) else None,
            1 if counted and status == rules_live.EXCUSED else None,
            1 if counted and status == rules_live.UNEXCUSED else None,
            "; ".join(notes),
        ]


# ---------------------------------------------------------------------------------------------- a cell's year


def _codes() -> dict[str | None, str]:
    return {
        rules_live.PRESENT: _("present (register code)"),
        rules_live.LATE: _("late (register code)"),
        rules_live.EXCUSED: _("absent with reason (register code)"),
        rules_live.UNEXCUSED: _("absent without reason (register code)"),
        rules_live.EXEMPT: _("exempted (register code)"),
        rules_live.ATTACHED: _("attached elsewhere (register code)"),
        None: "",
    }


def _legend() -> list[tuple[str, str]]:
    return [
        *((status, str(Attendance.Status(status).label)) for status in Attendance.Status.values),
        (rules_live.ATTACHED, _("attached to another cell")),
    ]


def year_meetings(user, cell: Organization, year: int):
    """The cell's regular and thematic meetings of the year, in their order."""
    return (
        meetings_for(user, VIEW)
        .filter(cell=cell, scheduled_at__year=year, kind__in=YEAR_KINDS)
        .order_by("scheduled_at", "kind", "pk")
    )


def register(user, params: Params) -> Table:
    cell = cells_for(user, VIEW).filter(pk=int_param(params, "cell")).first()
    if cell is None or not allows(user, VIEW, cell.path):  # the whole roll call: not a plain member's
        raise Unavailable("cell")
    year = year_param(params, today().year)
    meetings = list(year_meetings(user, cell, year).filter(status__in=HELD))
    calls = roll_calls(meetings)
    marks: dict[int, dict[int, list[str | None]]] = defaultdict(lambda: defaultdict(list))
    members: dict[int, Member] = {}
    for meeting in meetings:
        month = timezone.localtime(meeting.scheduled_at).month
        for row in calls[meeting.pk]:
            if row.visiting:
                continue  # a member of another cell meeting here for a while: in their own cell's register
            members.setdefault(row.member.pk, row.member)
            marks[row.member.pk][month].append(row.status)
    people = sorted(members.values(), key=lambda m: (m.full_name_search, m.pk))
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Full name"), width=26),
        *(Column(_("Month %(number)s") % {"number": month}, width=7) for month in range(1, 13)),
        Column(_("Present"), INT, width=9, total=True),
        Column(_("Absent with reason"), INT, width=10, total=True),
        Column(_("Absent without reason"), INT, width=10, total=True),
    ]
    codes = _codes()
    legend = "; ".join(f"{codes[status]}: {label}" for status, label in _legend())
    return Table(
        title=_("Attendance register %(year)s") % {"year": year},
        organisation=cell.name,
        period=_("Year %(year)s") % {"year": year},
        columns=columns,
        rows=_register_rows(people, marks, codes),
        count=len(people),
        notes=[legend],
    )


def _register_rows(people, marks, codes) -> Iterator[list]:
    for number, member in enumerate(people, start=1):
        by_month = marks[member.pk]
        statuses = [s for month in by_month.values() for s in month]
        yield [
            number,
            member.full_name,
            *("/".join(codes[s] for s in by_month.get(month, [])) for month in range(1, 13)),
            sum(1 for s in statuses if s in (rules_live.PRESENT, rules_live.LATE)),
            sum(1 for s in statuses if s == rules_live.EXCUSED),
            sum(1 for s in statuses if s == rules_live.UNEXCUSED),
        ]


# ---------------------------------------------------------------------------------------------- the meetings' list


def meetings(user, params: Params) -> Table:
    org = organizations_for(user, VIEW).filter(pk=int_param(params, "org")).first()
    if org is None:
        raise Unavailable("org")
    year = year_param(params, today().year)
    queryset = meetings_for(user, VIEW).filter(scheduled_at__year=year, kind__in=YEAR_KINDS)
    if org.is_cell:
        queryset = queryset.filter(cell=org)
    else:
        queryset = queryset.filter(subtree_filter(Meeting.scope_path, org.path))
    queryset = (
        queryset.order_by("scheduled_at", "kind", "pk")
        if org.is_cell
        else queryset.order_by("cell__path", "scheduled_at", "kind", "pk")
    )
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Date"), DATE),
        Column(_("Time"), width=8),
        Column(_("Cell"), width=24),
        Column(_("Meeting"), width=22),
        Column(_("Topic"), width=30),
        Column(_("Place"), width=22),
        Column(_("Status"), width=14),
    ]
    return Table(
        title=_("Meetings"),
        organisation=org.name,
        period=_("Year %(year)s") % {"year": year},
        columns=columns,
        rows=_meeting_rows(queryset),
        count=queryset.count(),
    )


def _meeting_rows(queryset) -> Iterator[list]:
    for number, m in enumerate(queryset.iterator(chunk_size=2000), start=1):
        at = timezone.localtime(m.scheduled_at)
        yield [
            number,
            at.date(),
            at.strftime("%H:%M"),
            m.cell.name,
            m.get_kind_display(),
            m.topic,
            m.place,
            m.get_status_display(),
        ]
