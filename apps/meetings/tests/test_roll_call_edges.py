"""Edges of the roll call on a cell with history (issue 10, review): temporary attachment meeting transfers, early
meetings and archived members."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Attendance, Meeting
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import votes as rules_votes
from apps.meetings.testing import make_meeting
from apps.members.services import member as member_services


def _lan(world):
    return next(m for m in world.history.members if m.full_name == "Vũ Thị Lan")


def _row(meeting, member):
    return next((r for r in queries.roll_call(meeting) if r.member.pk == member.pk), None)


def _early(cell, day):
    """A meeting at 06:30, Vietnam time (the day before in UTC), read back from the database."""
    meeting = make_meeting(cell, when=timezone.make_aware(datetime.combine(day, time(6, 30))))
    return Meeting.objects.get(pk=meeting.pk)


@pytest.mark.django_db
def test_a_member_transferred_into_the_host_cell_is_its_own_member_there(history_world):
    """Attached to A2, then transferred to A2 before the attachment ends: at A2 she is a member like the others,
    not "temporarily attached to" her own cell and out of the eligible base."""
    w = history_world
    lan, today = _lan(w), timezone.localdate()
    member_services.attachment_add(
        member=lan, host=w.cell_a2, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60), reason="x"
    )
    member_services.member_transfer(member=lan, to_cell=w.cell_a2, on=today - timedelta(days=1))
    meeting = make_meeting(w.cell_a2, when=timezone.now() + timedelta(hours=2))
    row = _row(meeting, lan)
    assert row.attached_to == "" and not row.visiting and row.status is None
    assert rules_votes.eligible_count([row.voter]) == 1


@pytest.mark.django_db
def test_an_early_meeting_reads_periods_on_its_local_day(history_world):
    """A 06:30 meeting is on the previous day in UTC: an attachment that ended the day before no longer applies, and
    an exemption that starts on the meeting's day does."""
    w = history_world
    lan, day = _lan(w), timezone.localdate() + timedelta(days=10)
    member_services.attachment_add(
        member=lan, host=w.cell_a2, starts_on=day - timedelta(days=40), ends_on=day - timedelta(days=1), reason="x"
    )
    cuong = next(m for m in w.history.members if m.full_name == "Bùi Văn Cường")
    member_services.exemption_add(member=cuong, starts_on=day, ends_on=None, reason="Ốm dài ngày")
    home, host = _early(w.cell_a1, day), _early(w.cell_a2, day)
    assert _row(home, lan).status is None and _row(home, lan).attached_to == ""
    assert _row(home, cuong).exempt
    assert _row(host, lan) is None
    assert not queries.markable_members(host).filter(pk=lan.pk).exists()


@pytest.mark.django_db
def test_a_member_archived_while_attached_leaves_the_host_roll_call(history_world, client_for):
    """Transferred out of the system (archived) during an open-ended attachment: the host no longer lists her, and
    her line cannot be marked."""
    w = history_world
    lan, today = _lan(w), timezone.localdate()
    member_services.attachment_add(
        member=lan, host=w.cell_a2, starts_on=today - timedelta(days=30), ends_on=None, reason="x"
    )
    member_services.member_transfer_out(member=lan, on=today - timedelta(days=1), to_organization="Đảng bộ tỉnh Khác")
    host = make_meeting(w.cell_a2, when=timezone.now() + timedelta(hours=2))
    assert _row(host, lan) is None
    response = client_for(w.staff).post(
        reverse("meetings:mark", args=[host.pk, lan.pk]), {"status": "present"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert not Attendance.objects.filter(meeting=host).exists()


@pytest.mark.django_db
def test_a_refused_mark_says_it_was_not_saved(history_world, client_for):
    """Absent with reason and no reason: the row shows why, and the answer tells the screen's saving indicator that
    nothing was saved (it said "saved")."""
    w = history_world
    meeting = make_meeting(w.cell_a1, when=timezone.now() + timedelta(hours=1))
    client = client_for(w.secretary)
    url = reverse("meetings:mark", args=[meeting.pk, w.plain_member.pk])
    response = client.post(url, {"status": "excused"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["X-Not-Saved"] == "1"
    assert not Attendance.objects.filter(meeting=meeting).exists()
    response = client.post(url, {"status": "excused", "reason": "Ốm"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "X-Not-Saved" not in response
