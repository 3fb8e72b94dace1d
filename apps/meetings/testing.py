"""Test helpers for meetings: a meeting of the world's cell A1 at a given time."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.common.testing import add_member

from .models import Meeting
from .services import meeting_create


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
    and adopted minutes. Built through the services where they exist, so the rows are the ones the product writes."""
    from apps.members import services as member_services
    from apps.members.models import Member

    from . import services_live, services_prep
    from .models import AgendaItem, Attendance, Minutes, Speech, Vote

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
    for i in range(months):
        day = first + relativedelta(months=i)
        when = timezone.make_aware(datetime(day.year, day.month, day.day, 19, 30))
        if i == months - 5:
            member_services.member_transfer(member=transferred, to_cell=cell, on=day - timedelta(days=2))
        if i < months - 5:
            a2 = make_meeting(world.cell_a2, when=when)
            _hold(a2, [world.a2_member, transferred], when, services_live, services_prep, world)
            a2_meetings.append(a2)
        meeting = make_meeting(cell, when=when)
        present = list(Member.objects.filter(cell=cell, active=True).order_by("pk"))
        _hold(meeting, present, when, services_live, services_prep, world, month=i)
        meetings.append(meeting)
    assert Attendance.objects.filter(member=world.plain_member).count() >= 2
    assert AgendaItem.objects.filter(meeting__in=meetings).exists() and Speech.objects.exists()
    assert Vote.objects.filter(meeting__in=meetings).exists()
    assert Minutes.objects.filter(meeting__in=meetings, status=Minutes.Status.ADOPTED).count() == months
    members = list(Member.objects.filter(cell=cell, active=True).order_by("pk"))
    return History(members, meetings, a2_meetings, exempted, probationary, transferred)


def _hold(meeting, members, when, services_live, services_prep, world, month: int = 0) -> None:
    from .models import Attendance, Meeting

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.IN_PROGRESS, started_at=when)
    meeting.refresh_from_db()
    for n, member in enumerate(members):
        if member.full_name.startswith("Cụ "):
            status, reason = Attendance.Status.EXEMPT, ""
        elif (n + month) % 7 == 3:
            status, reason = Attendance.Status.EXCUSED, "Đi công tác"
        elif (n + month) % 11 == 5:
            status, reason = Attendance.Status.UNEXCUSED, ""
        else:
            status, reason = Attendance.Status.PRESENT, ""
        services_live.attendance_mark(meeting=meeting, member=member, status=status, reason=reason)
    item = meeting.agenda_items.order_by("position")[1]
    for member in members[:3]:
        speech = services_live.speech_add(meeting=meeting, item=item, member=member, note="Ý kiến về nhiệm vụ tháng")
        services_live.speech_record(speech=speech, spoken=True, note=speech.note)
    vote = meeting.votes.create(question="Thông qua nghị quyết tháng", votes_for=len(members) - 2, votes_against=0)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED, ended_at=when + timedelta(minutes=100))
    vote.status = vote.Status.CLOSED
    vote.eligible = len(members) - 1
    vote.closed_at = when + timedelta(minutes=90)
    vote.save()
    meeting.refresh_from_db()
    minutes = services_prep.minutes_generate(meeting=meeting)
    services_prep.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
