"""Notices and temporary attachment (sinh hoạt tạm thời, DOMAIN.md §5): a member attached to another cell meets with
that cell, so the host's notice reaches them and counts them among those to notify; their home cell's checklist does
not wait for a member who meets elsewhere on the day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import UserFactory
from apps.meetings.queries import notices as queries_notices
from apps.meetings.queries import prep as queries_prep
from apps.meetings.rules.documents import vietnamese_date
from apps.meetings.services import notices as services_notices
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.services import member as member_services
from apps.members.testing import add_member
from apps.outbox.models import OutboundMessage


@pytest.fixture
def attached(history_world):
    """A member of A1 with an account and an e-mail, attached to B1 from yesterday for a year."""
    member = history_world.plain_member
    history_world.member_user.email = "dangvien@example.vn"
    history_world.member_user.save()
    today = timezone.localdate()
    member_services.attachment_add(
        member=member,
        host=history_world.cell_b1,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
        reason="Đi học dài hạn",
    )
    return member


def next_week(cell):
    return make_meeting(cell, when=timezone.now() + timedelta(days=7))


def item(meeting):
    checklist = queries_prep.preparation_checklist(queries_prep.preparation_facts(meeting))
    return next(i for i in checklist if i.key == "members_notified")


@pytest.mark.django_db
def test_the_host_cell_notifies_the_member_attached_to_it(history_world, attached, django_capture_on_commit_callbacks):
    meeting = next_week(history_world.cell_b1)
    rows = {r.member.pk: r for r in queries_notices.notice_rows(meeting)}
    assert set(rows) == {history_world.b1_member.pk, attached.pk}

    with django_capture_on_commit_callbacks(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)
    assert result.members == 2 and result.members_mailed == 1
    assert [m.to for m in mail.outbox if m.to == ["dangvien@example.vn"]] == [["dangvien@example.vn"]]
    message = OutboundMessage.objects.get(meeting=meeting, member=attached)
    assert (message.status, message.organization_id) == ("sent", history_world.cell_b1.pk)

    told = services_notices.notice_mark_told(
        meeting=meeting, member_ids=[history_world.b1_member.pk], by=history_world.outsider
    )
    assert told == 1 and item(meeting).done and item(meeting).progress == (2, 2)


@pytest.mark.django_db
def test_the_home_cell_does_not_wait_for_a_member_meeting_elsewhere(
    history_world, attached, django_capture_on_commit_callbacks
):
    meeting = next_week(history_world.cell_a1)
    members = history_world.history.members
    assert attached.pk not in {r.member.pk for r in queries_notices.notice_rows(meeting)}
    with django_capture_on_commit_callbacks(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)
    assert result.members == len(members) - 1
    assert not OutboundMessage.objects.filter(meeting=meeting, member=attached).exists()
    to_tell = [r.member.pk for r in queries_notices.notice_rows(meeting) if r.to_tell]
    services_notices.notice_mark_told(meeting=meeting, member_ids=to_tell, by=history_world.secretary)
    assert item(meeting).done and item(meeting).progress == (len(members) - 1, len(members) - 1)


@pytest.mark.django_db
def test_the_host_secretary_records_the_visitor_told_and_prints_them(history_world, attached, client_for):
    meeting = next_week(history_world.cell_b1)
    client = client_for(history_world.outsider)  # B1's secretary
    printed = client.get(reverse("meetings:notices_print", args=[meeting.pk])).content.decode()
    assert attached.full_name in printed
    response = client.post(reverse("meetings:notices_told", args=[meeting.pk]), {"members": [attached.pk]})
    assert response.status_code == 302
    assert OutboundMessage.objects.filter(meeting=meeting, member=attached, channel="in_person").count() == 1


@pytest.mark.django_db
def test_after_the_attachment_ends_the_member_is_notified_at_home(history_world, django_capture_on_commit_callbacks):
    member = history_world.plain_member
    today = timezone.localdate()
    member_services.attachment_add(
        member=member,
        host=history_world.cell_b1,
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=1),
        reason="Công tác ngắn hạn",
    )
    home, host = next_week(history_world.cell_a1), next_week(history_world.cell_b1)
    assert member.pk in {r.member.pk for r in queries_notices.notice_rows(home)}
    assert member.pk not in {r.member.pk for r in queries_notices.notice_rows(host)}


@pytest.mark.django_db
def test_the_printed_notice_is_dated_the_day_it_is_printed_not_the_meeting_day(history_world, client_for):
    """A notice goes out before the meeting: its place-and-date line is today's (it read the meeting's day)."""
    meeting = next_week(history_world.cell_a1)
    page = client_for(history_world.secretary).get(reverse("meetings:notices_print", args=[meeting.pk]))
    text = page.content.decode()
    assert vietnamese_date(timezone.localdate()) in text
    assert vietnamese_date(timezone.localdate(meeting.scheduled_at)) not in text
    held = history_world.history.meetings[0]  # printed for the record after the meeting: dated no later than it
    text = client_for(history_world.secretary).get(reverse("meetings:notices_print", args=[held.pk])).content.decode()
    assert vietnamese_date(timezone.localdate(held.scheduled_at)) in text


@pytest.mark.django_db
def test_the_printed_list_reads_in_the_same_queries_for_any_number_of_members(history_world, client_for):
    meeting = next_week(history_world.cell_a1)
    client = client_for(history_world.secretary)
    url = reverse("meetings:notices_print", args=[meeting.pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for i in range(50):
        add_member(history_world.cell_a1, full_name=f"Nguyễn Văn Mới {i}")
    page = client.get(url).content.decode()
    assert page.count('class="name"') == len(history_world.history.members) + 50
    assert count() == before


@pytest.mark.django_db
def test_the_printed_list_does_not_say_received_while_messages_are_on_their_way(
    history_world, client_for, django_capture_on_commit_callbacks
):
    """Every member has an e-mail; the notices are queued, not delivered yet (or the mail server is down and they
    wait for their next try): nobody is left to tell, but nobody has received it either."""
    for i, member in enumerate(Member.objects.filter(cell=history_world.cell_a1, active=True)):
        if member.user is None:
            member.user = UserFactory()
            member.save(update_fields=["user"])
        member.user.email = f"dv{i}@example.vn"
        member.user.save()
    meeting = next_week(history_world.cell_a1)
    with django_capture_on_commit_callbacks(execute=False):  # queued; the worker has not run yet
        services_notices.meeting_notify(meeting=meeting)
    assert {r.state for r in queries_notices.notice_rows(meeting)} == {"pending"}
    page = client_for(history_world.secretary).get(reverse("meetings:notices_print", args=[meeting.pk]))
    text = page.content.decode()
    assert "Tất cả đảng viên đã nhận thông báo" not in text
    assert "Không còn đảng viên nào cần báo trực tiếp" in text
