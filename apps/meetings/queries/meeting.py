"""Reads of meetings shared by every feature: the one lookup of each entity every feature shows (meetings, their
agenda items, minutes), the member at the screen, the roll call, its summary, eligible voters and vote results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.common.scoping import VIEW
from apps.meetings.models import AgendaItem, Attendance, BallotReceipt, Meeting, Minutes, Vote
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import votes as rules_votes
from apps.members.models import Attachment, Exemption, Member, Suspension
from apps.members.rules.member import in_force_on


def meetings_for(user, action: str = VIEW) -> QuerySet[Meeting]:
    """The one lookup of meetings for views: those ``user`` may ``action``, with what every meeting page shows."""
    return Meeting.objects.visible_to(user, action).select_related("cell", "presiding", "minute_taker")


def agenda_items_for(user, action: str = VIEW) -> QuerySet[AgendaItem]:
    """The one lookup of agenda items for views: those ``user`` may ``action``, with their meeting and its cell."""
    return AgendaItem.objects.visible_to(user, action).select_related("meeting__cell")


def minutes_for(user, action: str = VIEW) -> QuerySet[Minutes]:
    """The one lookup of minutes for views (by their meeting: ``get_object_or_404(minutes_for(user), meeting=m)``)."""
    return Minutes.objects.visible_to(user, action).select_related("adopted_by")


def own_member(user) -> Member | None:
    """The active member record of the person at the screen (none for staff without one): one query."""
    return Member.objects.filter(user=user, active=True).first()


@dataclass
class RollCallRow:
    member: Member
    attendance: Attendance | None
    exempt: bool
    suspended: bool = False
    attached_to: str = ""  # the host cell's name while the member meets there for a while (sinh hoạt tạm thời)
    visiting_from: str = ""  # set on the host's roll call: the member's own cell; they attend but do not vote here

    @property
    def visiting(self) -> bool:
        return bool(self.visiting_from)

    @property
    def status(self) -> str | None:
        """The recorded status; an exempted or temporarily attached member not (yet) marked counts as such."""
        if self.attendance:
            return self.attendance.status
        if self.exempt:
            return rules_live.EXEMPT
        return rules_live.ATTACHED if self.attached_to else None

    @property
    def voter(self) -> rules_votes.Voter:
        status = self.status
        return rules_votes.Voter(
            official=self.member.status == Member.Status.OFFICIAL,
            exempt=self.exempt,
            attended=status in (rules_live.PRESENT, rules_live.LATE),
            excused_all_session=status == rules_live.EXCUSED,
            attached_elsewhere=bool(self.attached_to),
            suspended=self.suspended,
            visiting=self.visiting,
        )


def roll_call(meeting: Meeting) -> list[RollCallRow]:
    """Every member summoned to the meeting with their attendance: 5 queries whatever the cell's size
    (``roll_calls`` for one meeting)."""
    return roll_calls([meeting])[meeting.pk]


def _periods(model, member_ids) -> dict[int, list[tuple[date, date | None]]]:
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for member_id, starts_on, ends_on in model.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "starts_on", "ends_on"
    ):
        periods[member_id].append((starts_on, ends_on))
    return periods


@dataclass(frozen=True)
class _Stay:
    starts_on: date
    ends_on: date | None
    host_id: int
    host_name: str
    home_name: str

    def covers(self, day: date) -> bool:
        return in_force_on([(self.starts_on, self.ends_on)], day)


def _hosted(cell_ids) -> QuerySet[Attachment]:
    """Attachments of the cells' guests: members still on the rolls (one archived since no longer attends)."""
    return Attachment.objects.filter(host_id__in=cell_ids, member__active=True)


def _day(meeting: Meeting) -> date:
    """The meeting's day where it is held: a meeting before 07:00 in Vietnam is on the day before in UTC."""
    return timezone.localdate(meeting.scheduled_at)


def markable_members(meeting: Meeting) -> QuerySet[Member]:
    """The members whose attendance may be marked at the meeting: the cell's active members, anyone already marked
    at it (a member transferred out since keeps their line), and members of other cells attached to it on the day.
    Membership is said with subqueries, never a join: a join to attendance rows repeats a member once per meeting
    they ever attended."""
    day = _day(meeting)
    return Member.objects.filter(
        Q(cell_id=meeting.cell_id, active=True)
        | Q(pk__in=Attendance.objects.filter(meeting=meeting).values("member_id"))
        | Q(
            pk__in=Attachment.objects.in_force_on(day)
            .filter(host_id=meeting.cell_id, member__active=True)
            .values("member_id")
        )
    )


def roll_calls(meetings: Sequence[Meeting]) -> dict[int, list[RollCallRow]]:
    """The roll call of many meetings at once, in 5 queries (marks, members, exemptions, suspensions, attachments).

    For each meeting: the members of its cell now, plus anyone already marked at it (a member transferred out since
    keeps their line in the record), plus members of other cells attached to it on the day (they attend, they do not
    vote there), ordered by name; exempted, suspended and attached elsewhere as on the meeting's day."""
    if not meetings:
        return {}
    cell_ids = {m.cell_id for m in meetings}
    marks: dict[int, dict[int, Attendance]] = defaultdict(dict)
    for attendance in Attendance.objects.filter(meeting_id__in=[m.pk for m in meetings]):
        marks[attendance.meeting_id][attendance.member_id] = attendance
    marked = {member_id for by_member in marks.values() for member_id in by_member}
    members = list(
        Member.objects.filter(
            Q(cell_id__in=cell_ids, active=True) | Q(pk__in=marked) | Q(pk__in=_hosted(cell_ids).values("member_id"))
        ).order_by("full_name_search", "pk")
    )
    member_ids = [m.pk for m in members]
    exemptions, suspensions = _periods(Exemption, member_ids), _periods(Suspension, member_ids)
    stays: dict[int, list[_Stay]] = defaultdict(list)
    for member_id, *row in Attachment.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "starts_on", "ends_on", "host_id", "host__name", "member__cell__name"
    ):
        stays[member_id].append(_Stay(*row))
    position = {m.pk: i for i, m in enumerate(members)}
    by_pk = {m.pk: m for m in members}
    by_cell: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        if m.active and m.cell_id in cell_ids:
            by_cell[m.cell_id].append(m)
    out: dict[int, list[RollCallRow]] = {}
    for meeting in meetings:
        day = _day(meeting)
        here = marks.get(meeting.pk, {})
        away = {  # an attachment to this very cell ended in a transfer here: the member is the cell's own
            m.pk: s
            for m in by_cell.get(meeting.cell_id, [])
            for s in stays.get(m.pk, [])
            if s.covers(day) and s.host_id != meeting.cell_id
        }
        guests = {
            pk: s
            for pk, member_stays in stays.items()
            for s in member_stays
            if s.host_id == meeting.cell_id
            and s.covers(day)
            and by_pk[pk].cell_id != meeting.cell_id
            and (by_pk[pk].active or pk in here)  # archived since: only the line already marked is kept
        }
        rows = by_cell.get(meeting.cell_id, [])
        own = {m.pk for m in rows}
        extra = {pk for pk in [*here, *guests] if pk not in own}
        if extra:
            rows = sorted([*rows, *(by_pk[pk] for pk in extra)], key=lambda m: position[m.pk])
        out[meeting.pk] = [
            RollCallRow(
                member=m,
                attendance=here.get(m.pk),
                exempt=in_force_on(exemptions.get(m.pk, []), day),
                suspended=in_force_on(suspensions.get(m.pk, []), day),
                attached_to=away[m.pk].host_name if m.pk in away else "",
                visiting_from=guests[m.pk].home_name if m.pk in guests else "",
            )
            for m in rows
        ]
    return out


def summary(rows: list[RollCallRow]) -> rules_live.AttendanceSummary:
    """The cell's attendance: members of other cells attending while attached here are not counted."""
    return rules_live.summarise_attendance(row.status for row in rows if not row.visiting)


def eligible(rows: list[RollCallRow]) -> int:
    return rules_votes.eligible_count(row.voter for row in rows)


def voters_present(rows: list[RollCallRow]) -> int:
    return sum(1 for row in rows if rules_votes.may_vote(row.voter))


def paper_ballots(vote: Vote) -> rules_votes.PaperBallots:
    """The vote-counting board's figures stored on a secret vote, as the rules read them."""
    return rules_votes.PaperBallots(
        issued=vote.paper_issued,
        returned=vote.paper_returned,
        valid=vote.paper_valid,
        invalid=vote.paper_invalid,
        approving=vote.paper_for,
        against=vote.paper_against,
        abstain=vote.paper_abstain,
    )


def with_receipts(votes: QuerySet[Vote]) -> QuerySet[Vote]:
    """Votes with the number of their ballot receipts (``receipts_in``), read by phone_ballots without a query each."""
    return votes.annotate(receipts_in=Count("receipts"))


def phone_ballots(vote: Vote) -> int:
    """The ballots cast on phones: once the vote is closed, those opened and tallied (``ballots_cast``); before, the
    receipts — who voted, never what, since the choices stay sealed until the vote closes (1 query unless the vote
    was read through with_receipts)."""
    if vote.method != Vote.Method.SECRET:
        return 0
    if vote.status == Vote.Status.CLOSED:
        return vote.ballots_cast
    counted = getattr(vote, "receipts_in", None)
    return counted if counted is not None else BallotReceipt.objects.filter(vote=vote).count()


def vote_result(vote: Vote, rows: list[RollCallRow] | None = None) -> rules_votes.VoteResult:
    """The result against the eligible members (frozen at closing; live from the roll call while open).

    A secret vote adds its paper ballots (counted by the board) to those cast on phones, and shows no count before
    it is closed, nor when too few ballots are in (rules_votes.secret_result_withheld): before it closes the database
    holds no tally at all, only the sealed ballots. A voided vote never passes."""
    base = (
        vote.eligible if vote.eligible is not None else eligible(rows if rows is not None else roll_call(vote.meeting))
    )
    void = vote.status == Vote.Status.VOIDED
    if vote.method != Vote.Method.SECRET:
        return rules_votes.VoteResult(
            approving=vote.votes_for, against=vote.votes_against, abstain=vote.votes_abstain, eligible=base, void=void
        )
    paper = paper_ballots(vote)
    electronic = phone_ballots(vote)
    withheld = vote.status != Vote.Status.CLOSED or rules_votes.secret_result_withheld(
        paper_returned=paper.returned, electronic=electronic
    )
    if withheld:  # the ballots counted, never what they say
        counts = (0, 0, 0)
        paper = rules_votes.PaperBallots(
            issued=paper.issued, returned=paper.returned, valid=paper.valid, invalid=paper.invalid
        )
    else:
        counts = (
            vote.secret_for + paper.approving,
            vote.secret_against + paper.against,
            vote.secret_abstain + paper.abstain,
        )
    return rules_votes.VoteResult(
        approving=counts[0],
        against=counts[1],
        abstain=counts[2],
        eligible=base,
        void=void,
        withheld=withheld,
        paper=paper if paper.issued else None,
        electronic=electronic,
    )


def recent_and_upcoming(user, cell, *, now, past: int = 3, future: int = 3) -> tuple[list[Meeting], list[Meeting]]:
    """The cell's last few held and next few planned meetings, for the cell page (2 queries)."""
    base = Meeting.objects.visible_to(user).filter(cell=cell).exclude(kind=Meeting.Kind.BOARD)
    held = list(base.filter(scheduled_at__lt=now).order_by("-scheduled_at")[:past])
    coming = list(base.filter(scheduled_at__gte=now).order_by("scheduled_at")[:future])
    return held, coming


def next_meetings(user, *, now) -> list[Meeting]:
    """The user's own cell's meeting going on now, or else its next one (both when a regular and a thematic meeting
    share the session), for the home page's one-tap "open the meeting" (2 queries: the cell, the meetings)."""
    cell_id = Member.objects.filter(user=user, active=True).values_list("cell_id", flat=True).first()
    if cell_id is None:
        return []
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    coming = list(
        Meeting.objects.visible_to(user)
        .filter(
            cell_id=cell_id,
            kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC),
            status__in=(Meeting.Status.IN_PROGRESS, Meeting.Status.PLANNED),
        )
        .filter(Q(status=Meeting.Status.IN_PROGRESS) | Q(scheduled_at__gte=day_start))
        .select_related("cell")
        .order_by("scheduled_at", "pk")[:4]
    )
    if not coming:
        return []
    running = [m for m in coming if m.status == Meeting.Status.IN_PROGRESS]
    first = running[0] if running else coming[0]
    session = [m for m in coming if m.scheduled_at == first.scheduled_at]
    return sorted(session, key=lambda m: m.status != Meeting.Status.IN_PROGRESS)  # the one going on leads
