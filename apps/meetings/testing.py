"""Test helpers for meetings: a meeting of the world's cell A1 at a given time."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.meetings.models import AgendaItem, Attendance, DocumentNumber, Meeting, Minutes, MinutesVersion, Speech, Vote
from apps.meetings.services.docs import document_numbers_backfill
from apps.meetings.services.meeting import meeting_create
from apps.members.models import Member
from apps.members.services import member as member_services
from apps.members.testing import add_member


def make_meeting(
    cell, *, kind: str = "regular", when: datetime | None = None, topic: str = "", place: str = "Nhà văn hóa khu 1"
) -> Meeting:
    when = when or timezone.now() + timedelta(days=3)
    return meeting_create(
        cell=cell,
        kind=kind,
        scheduled_at=when,
        place=place,
        topic=topic or ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" if kind == "thematic" else ""),
    )


@dataclass
class History:
    """What ``add_history`` built on top of the persona world: cell A1 with a year of held meetings."""

    members: list  # every member of A1 now (the world's two included)
    meetings: list  # A1's held meetings, oldest first (all closed, minutes adopted)
    a2_meetings: list  # a few held meetings of A2
    exempted: object  # a member of A1 exempted since four months ago
    probationary: object
    transferred: object  # moved from A2 to A1 five months ago: attended meetings of both cells


def add_history(world, *, months: int = 12) -> History:
    """A year of ordinary cell life for A1 (and a little for A2), as the demo has it: ten members, a member exempted
    since four months ago, a probationary member, a member transferred in from A2; one held meeting a month with
    everyone marked (mostly present, a few excused and one unexcused absence), speakers, a closed show-of-hands vote
    and adopted minutes with their official number. Members, exemption and transfer go through the services; the
    meetings' records are written in bulk with the rows the services write (the services' own tests cover them),
    so that the many tests built on this world stay fast on PostgreSQL too."""
    cell = world.cell_a1
    for name in ("Nguyễn Thị Hoa", "Đỗ Văn Bình", "Vũ Thị Lan", "Bùi Văn Cường", "Ngô Thị Mai", "Hà Văn Dũng"):
        add_member(cell, full_name=name)
    probationary = add_member(
        cell,
        full_name="Lý Thị Dự Bị",
        status=Member.Status.PROBATIONARY,
        official_on=None,
        admitted_on=date(2026, 3, 1),
    )
    exempted = add_member(cell, full_name="Cụ Trịnh Văn Lão", date_of_birth=date(1938, 2, 2))
    transferred = add_member(world.cell_a2, full_name="Phan Văn Chuyển")
    today = timezone.localdate()
    first = (today.replace(day=1) - relativedelta(months=months)).replace(day=5)
    member_services.exemption_add(
        member=exempted, starts_on=today - relativedelta(months=4), ends_on=None, reason="Tuổi cao, sức yếu"
    )
    a2_meetings = []
    meetings = []
    held: list[tuple] = []
    a1_members = list(Member.objects.filter(cell=cell, active=True).order_by("pk"))
    for i in range(months):
        day = first + relativedelta(months=i)
        when = timezone.make_aware(datetime(day.year, day.month, day.day, 19, 30))
        if i == months - 5:
            member_services.member_transfer(member=transferred, to_cell=cell, on=day - timedelta(days=2))
            a1_members = list(Member.objects.filter(cell=cell, active=True).order_by("pk"))
        if i < months - 5:
            a2 = make_meeting(world.cell_a2, when=when)
            held.append((a2, [world.a2_member, transferred], when, i))
            a2_meetings.append(a2)
        meeting = make_meeting(cell, when=when)
        held.append((meeting, a1_members, when, i))
        meetings.append(meeting)
    _hold(held, world)
    assert Attendance.objects.filter(member=world.plain_member).count() >= 2
    assert AgendaItem.objects.filter(meeting__in=meetings).exists() and Speech.objects.exists()
    assert Vote.objects.filter(meeting__in=meetings).exists()
    assert Minutes.objects.filter(meeting__in=meetings, status=Minutes.Status.ADOPTED).count() == months
    members = list(Member.objects.filter(cell=cell, active=True).order_by("pk"))
    return History(members, meetings, a2_meetings, exempted, probationary, transferred)


def _hold(held, world) -> None:
    """Close the meetings with their record: attendance, three speakers, a closed vote, adopted minutes, numbers
    (of the minutes: this world records no resolution)."""
    attendance, speeches, votes, minutes = [], [], [], []
    items = {item.meeting_id: item for item in AgendaItem.objects.filter(meeting__in=[m for m, *_ in held], position=2)}
    for meeting, members, when, month in held:
        meeting.status, meeting.started_at = Meeting.Status.CLOSED, when
        meeting.ended_at = when + timedelta(minutes=100)
        for n, member in enumerate(members):
            if member.full_name.startswith("Cụ "):
                status, reason = Attendance.Status.EXEMPT, ""
            elif (n + month) % 7 == 3:
                status, reason = Attendance.Status.EXCUSED, "Đi công tác"
            elif (n + month) % 11 == 5:
                status, reason = Attendance.Status.UNEXCUSED, ""
            else:
                status, reason = Attendance.Status.PRESENT, ""
            attendance.append(Attendance(meeting=meeting, member=member, status=status, reason=reason))
        speeches += [
            Speech(
                meeting=meeting,
                agenda_item=items[meeting.pk],
                member=member,
                position=position,
                spoken=True,
                note="Ý kiến về nhiệm vụ tháng",
            )
            for position, member in enumerate(members[:3], start=1)
        ]
        votes.append(
            Vote(
                meeting=meeting,
                question="Thông qua nghị quyết tháng",
                votes_for=len(members) - 2,
                status=Vote.Status.CLOSED,
                eligible=len(members) - 1,
                closed_at=when + timedelta(minutes=90),
            )
        )
        minutes.append(
            Minutes(
                meeting=meeting,
                text=f"BIÊN BẢN sinh hoạt chi bộ ngày {timezone.localtime(when):%d/%m/%Y}",
                status=Minutes.Status.ADOPTED,
                adopted_at=meeting.ended_at,
                adopted_by=world.secretary,
            )
        )
    Meeting.objects.bulk_update([m for m, *_ in held], ["status", "started_at", "ended_at"])
    Attendance.objects.bulk_create(attendance)
    Speech.objects.bulk_create(speeches)
    Vote.objects.bulk_create(votes)
    Minutes.objects.bulk_create(minutes)
    MinutesVersion.objects.bulk_create(
        MinutesVersion(minutes=m, number=1, text=m.text, author=world.secretary) for m in minutes
    )
    document_numbers_backfill(DocumentNumber=DocumentNumber, Meeting=Meeting, Minutes=Minutes)
