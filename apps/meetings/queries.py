"""Reads of meetings shared by every feature: the roll call, its summary, eligible voters and vote results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.common.scoping import VIEW
from apps.members.models import Member
from apps.members.queries import exempt_on, suspended_on

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
    """Every member summoned to the meeting with their attendance: 2 queries whatever the cell's size.

    Members of the cell now, plus anyone already marked at this meeting (a member transferred out since keeps their
    line in the record)."""
    day = meeting.scheduled_at.date()
    marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    members = (
        Member.objects.filter(Q(cell_id=meeting.cell_id, active=True) | Q(pk__in=list(marks)))
        .annotate(is_exempt=exempt_on(day), is_suspended=suspended_on(day))
        .order_by("full_name_search", "pk")
    )
    return [
        RollCallRow(member=m, attendance=marks.get(m.pk), exempt=m.is_exempt, suspended=m.is_suspended) for m in members
    ]


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
