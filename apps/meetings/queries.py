"""Reads of meetings shared by every feature: the roll call, its summary, eligible voters and vote results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from apps.common.scoping import VIEW
from apps.members.models import Exemption, Member, Suspension
from apps.members.rules import in_force_on

from . import rules
from .models import Attendance, Meeting, Vote


def meetings_for(user, action: str = VIEW) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user, action).select_related("cell")


@dataclass
class RollCallRow:
    member: Member
    attendance: Attendance | None
    exempt: bool
    suspended: bool = False

    @property
    def status(self) -> str | None:
        """The recorded status; an exempted member not (yet) marked counts as exempt-absent."""
        if self.attendance:
            return self.attendance.status
        return rules.EXEMPT if self.exempt else None

    @property
    def voter(self) -> rules.Voter:
        status = self.status
        return rules.Voter(
            official=self.member.status == Member.Status.OFFICIAL,
            exempt=self.exempt,
            attended=status in (rules.PRESENT, rules.LATE),
            excused_all_session=status == rules.EXCUSED,
            suspended=self.suspended,
        )


def roll_call(meeting: Meeting) -> list[RollCallRow]:
    """Every member summoned to the meeting with their attendance: 4 queries whatever the cell's size
    (``roll_calls`` for one meeting)."""
    return roll_calls([meeting])[meeting.pk]


def _periods(model, member_ids) -> dict[int, list[tuple[date, date | None]]]:
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for member_id, starts_on, ends_on in model.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "starts_on", "ends_on"
    ):
        periods[member_id].append((starts_on, ends_on))
    return periods


def roll_calls(meetings: Sequence[Meeting]) -> dict[int, list[RollCallRow]]:
    """The roll call of many meetings at once, in 4 queries (marks, members, exemptions, suspensions).

    For each meeting: the members of its cell now, plus anyone already marked at it (a member transferred out since
    keeps their line in the record), ordered by name; exempted and suspended as on the meeting's day."""
    if not meetings:
        return {}
    marks: dict[int, dict[int, Attendance]] = defaultdict(dict)
    for attendance in Attendance.objects.filter(meeting_id__in=[m.pk for m in meetings]):
        marks[attendance.meeting_id][attendance.member_id] = attendance
    marked = {member_id for by_member in marks.values() for member_id in by_member}
    members = list(
        Member.objects.filter(Q(cell_id__in={m.cell_id for m in meetings}, active=True) | Q(pk__in=marked)).order_by(
            "full_name_search", "pk"
        )
    )
    member_ids = [m.pk for m in members]
    exemptions, suspensions = _periods(Exemption, member_ids), _periods(Suspension, member_ids)
    position = {m.pk: i for i, m in enumerate(members)}
    by_pk = {m.pk: m for m in members}
    by_cell: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        if m.active:
            by_cell[m.cell_id].append(m)
    out: dict[int, list[RollCallRow]] = {}
    for meeting in meetings:
        day = meeting.scheduled_at.date()
        here = marks.get(meeting.pk, {})
        rows = by_cell.get(meeting.cell_id, [])
        extra = [by_pk[pk] for pk in here if not (by_pk[pk].cell_id == meeting.cell_id and by_pk[pk].active)]
        if extra:
            rows = sorted(rows + extra, key=lambda m: position[m.pk])
        out[meeting.pk] = [
            RollCallRow(
                member=m,
                attendance=here.get(m.pk),
                exempt=in_force_on(exemptions.get(m.pk, []), day),
                suspended=in_force_on(suspensions.get(m.pk, []), day),
            )
            for m in rows
        ]
    return out


def summary(rows: list[RollCallRow]) -> rules.AttendanceSummary:
    return rules.summarise_attendance(row.status for row in rows)


def eligible(rows: list[RollCallRow]) -> int:
    return rules.eligible_count(row.voter for row in rows)


def voters_present(rows: list[RollCallRow]) -> int:
    return sum(1 for row in rows if rules.may_vote(row.voter))


def vote_result(vote: Vote, rows: list[RollCallRow] | None = None) -> rules.VoteResult:
    """The result against the eligible members (frozen at closing; live from the roll call while open)."""
    if vote.method == Vote.Method.SECRET:
        counts = (vote.secret_for, vote.secret_against, vote.secret_abstain)
    else:
        counts = (vote.votes_for, vote.votes_against, vote.votes_abstain)
    base = (
        vote.eligible if vote.eligible is not None else eligible(rows if rows is not None else roll_call(vote.meeting))
    )
    return rules.VoteResult(approving=counts[0], against=counts[1], abstain=counts[2], eligible=base)


def recent_and_upcoming(user, cell, *, now, past: int = 3, future: int = 3) -> tuple[list[Meeting], list[Meeting]]:
    """The cell's last few held and next few planned meetings, for the cell page (2 queries)."""
    base = Meeting.objects.visible_to(user).filter(cell=cell).exclude(kind=Meeting.Kind.BOARD)
    held = list(base.filter(scheduled_at__lt=now).order_by("-scheduled_at")[:past])
    coming = list(base.filter(scheduled_at__gte=now).order_by("scheduled_at")[:future])
    return held, coming
