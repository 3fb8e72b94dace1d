"""Notices (issue 10, defect 7): the checklist is done only when every member to notify received the notice
(by e-mail, by SMS, or told in person and recorded by the secretary); members without e-mail or SMS are listed
on a printable notice list. And (defect 14) a mail server that is down never turns "notify" into an error."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.meetings.models import Meeting
from apps.meetings.queries import notices as queries_notices
from apps.meetings.queries import prep as queries_prep
from apps.meetings.services import live as services_live
from apps.meetings.services import notices as services_notices
from apps.meetings.services import prep as services_prep
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member
from apps.outbox.models import OutboundMessage


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPException("421 Máy chủ thư đang bận")


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def checklist(meeting):
    return {i.key: i for i in queries_prep.preparation_checklist(queries_prep.preparation_facts(meeting))}


state = snapshot(
    OutboundMessage.objects.order_by("pk").values_list("pk", "member_id", "channel", "status", "attempts"),
    Meeting.objects.order_by("pk").values_list("pk", "members_notified_at", "supervisor_notified_at"),
)


@pytest.fixture
def meeting(history_world):
    """Next week's meeting of cell A1, whose ten members attended a year of meetings; two have an e-mail."""
    history_world.secretary.email = "bithu@example.vn"
    history_world.secretary.save()
    history_world.member_user.email = "dangvien@example.vn"
    history_world.member_user.save()
    return make_meeting(history_world.cell_a1, when=timezone.now() + timedelta(days=7))


# ---------------------------------------------------------------------------------------------- the checklist


@pytest.mark.django_db
def test_sent_is_not_delivered_the_item_waits_for_every_member(history_world, meeting, capture_on_commit):
    members = history_world.history.members
    with capture_on_commit(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)
    assert (result.members, result.members_mailed, result.members_to_tell) == (len(members), 2, len(members) - 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["bithu@example.vn", "dangvien@example.vn"]

    item = checklist(meeting)["members_notified"]
    # Before: "done" as soon as a notice was sent, whoever received it.
    assert not item.done and item.at is None and item.progress == (2, len(members))
    rows = queries_notices.notice_rows(meeting)
    to_tell = [r.member.pk for r in rows if r.to_tell]
    assert len(to_tell) == len(members) - 2 and all(r.state == "unreached" for r in rows if r.to_tell)

    told = services_notices.notice_mark_told(meeting=meeting, member_ids=to_tell, by=history_world.secretary)
    assert told == len(members) - 2
    item = checklist(meeting)["members_notified"]
    assert item.done and item.progress == (len(members), len(members)) and item.at is not None


@pytest.mark.django_db
def test_no_member_reached_is_not_done(world, capture_on_commit):
    """The defect as reported: 0 of 2 members reached (neither has an e-mail), yet the item was ticked."""
    meeting = make_meeting(world.cell_a1)
    with capture_on_commit(execute=True):
        services_notices.meeting_notify(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.members_notified_at is not None  # the notice went out …
    item = checklist(meeting)["members_notified"]
    assert not item.done and item.progress == (0, 2)  # … and nobody received it


@pytest.mark.django_db
def test_a_member_told_after_the_meeting_started_is_refused(history_world, meeting):
    services_live.meeting_start(meeting=meeting)
    before = state()
    with pytest.raises(ValidationError, match="trước khi cuộc họp bắt đầu"):
        services_notices.notice_mark_told(
            meeting=meeting, member_ids=[history_world.plain_member.pk], by=history_world.secretary
        )
    assert state() == before


@pytest.mark.django_db
def test_members_of_another_cell_cannot_be_marked(history_world, meeting):
    before = state()
    with pytest.raises(ValidationError):
        services_notices.notice_mark_told(
            meeting=meeting,
            member_ids=[history_world.plain_member.pk, history_world.b1_member.pk],
            by=history_world.secretary,
        )
    assert state() == before


# ---------------------------------------------------------------------------------------------- delivery


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="apps.meetings.tests.test_notices_delivery.RefusingBackend")
def test_a_mail_server_down_leaves_the_action_saved_and_the_failure_shown(
    history_world, meeting, client_for, capture_on_commit
):
    client = client_for(history_world.secretary)
    with capture_on_commit(execute=True):
        response = client.post(url("notify", meeting.pk))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.members_notified_at is not None
    failed = OutboundMessage.objects.filter(meeting=meeting, channel="email")
    assert failed.count() == 2 and set(failed.values_list("status", "attempts")) == {("failed", 4)}
    assert not checklist(meeting)["members_notified"].done

    page = client.get(url("prepare", meeting.pk)).content.decode()
    assert page.count("không gửi được") == 2
    assert "421 Máy chủ thư đang bận" in page


@pytest.mark.django_db
def test_members_without_e_mail_get_an_sms_when_the_operator_configured_it(
    history_world, meeting, tmp_path, capture_on_commit
):
    members = history_world.history.members
    with_phone = [m for m in members if m.user_id is None][:3]
    for i, member in enumerate(with_phone):
        member.phone = f"0912 345 67{i}"
        member.save(update_fields=["phone"])
    sms = override_settings(CHIBO_SMS_BACKEND="apps.outbox.sms.FileBackend", CHIBO_SMS_FILE_PATH=tmp_path)
    with sms, capture_on_commit(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)
    assert (result.members_mailed, result.members_texted, result.members_to_tell) == (2, 3, len(members) - 5)
    assert len(list(tmp_path.iterdir())) == 3
    rows = {r.member.pk: r for r in queries_notices.notice_rows(meeting)}
    assert {rows[m.pk].channel for m in with_phone} == {"sms"} and {rows[m.pk].state for m in with_phone} == {"reached"}
    assert checklist(meeting)["members_notified"].progress == (5, len(members))


@pytest.mark.django_db
def test_without_sms_members_with_a_phone_are_told_in_person(history_world, meeting, capture_on_commit):
    member = next(m for m in history_world.history.members if m.user_id is None)
    member.phone = "0912345678"
    member.save(update_fields=["phone"])
    with capture_on_commit(execute=True):
        services_notices.meeting_notify(meeting=meeting)
    assert not OutboundMessage.objects.filter(channel="sms").exists()
    assert next(r for r in queries_notices.notice_rows(meeting) if r.member == member).to_tell


# ---------------------------------------------------------------------------------------------- pages


@pytest.mark.django_db
def test_the_secretary_prints_the_list_and_records_members_told(history_world, meeting, client_for, capture_on_commit):
    client = client_for(history_world.secretary)
    with capture_on_commit(execute=True):
        client.post(url("notify", meeting.pk))
    services_prep.agenda_item_add(meeting=meeting, title="Kết nạp đảng viên mới")
    rows = queries_notices.notice_rows(meeting)
    to_tell = [r.member for r in rows if r.to_tell]

    before = state()
    printed = client.get(url("notices_print", meeting.pk))
    assert printed.status_code == 200 and state() == before  # a GET writes nothing
    page = printed.content.decode()
    assert all(m.full_name in page for m in to_tell)
    assert history_world.secretary_member.full_name not in page  # reached by e-mail: not on the list
    assert "Kết nạp đảng viên mới" in page
    assert meeting.place in page and timezone.localtime(meeting.scheduled_at).strftime("%H:%M") in page
    everyone = client.get(url("notices_print", meeting.pk) + "?all=1").content.decode()
    assert history_world.secretary_member.full_name in everyone

    response = client.post(url("notices_told", meeting.pk), {"members": [m.pk for m in to_tell[:2]]})
    assert response.status_code == 302
    page = client.get(url("prepare", meeting.pk)).content.decode()
    total = len(history_world.history.members)
    assert f"4/{total}" in page
    assert OutboundMessage.objects.filter(channel="in_person", recorded_by=history_world.secretary).count() == 2


@pytest.mark.django_db
def test_ticking_nobody_or_a_stranger_is_a_form_error(history_world, meeting, client_for):
    client = client_for(history_world.secretary)
    before = state()
    response = client.post(url("notices_told", meeting.pk), {}, follow=True)
    assert response.status_code == 200 and state() == before
    assert "Hãy đánh dấu những đảng viên đã được báo." in response.content.decode()
    response = client.post(url("notices_told", meeting.pk), {"members": [history_world.b1_member.pk]}, follow=True)
    assert response.status_code == 200 and state() == before
    response = client.post(url("notices_told", meeting.pk), {"members": ["x²"]}, follow=True)
    assert response.status_code == 200 and state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "member_user", "supervisor"])
def test_others_cannot_record_or_notify(history_world, meeting, client_for, persona):
    client = client_for(getattr(history_world, persona))
    before = state()
    member = history_world.plain_member.pk
    assert client.post(url("notices_told", meeting.pk), {"members": [member]}).status_code == 404
    assert client.post(url("notify", meeting.pk)).status_code == 404
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("member_user", 404), ("staff", 200)])
def test_who_prints_the_notice_list(history_world, meeting, client_for, persona, status):
    assert client_for(getattr(history_world, persona)).get(url("notices_print", meeting.pk)).status_code == status


@pytest.mark.django_db
def test_the_notice_list_is_not_shown_to_a_plain_member(history_world, meeting, client_for):
    page = client_for(history_world.member_user).get(url("prepare", meeting.pk)).content.decode()
    assert url("notices_print", meeting.pk) not in page and url("notices_told", meeting.pk) not in page
    assert history_world.history.exempted.full_name not in page


@pytest.mark.django_db
def test_the_preparation_page_reads_notices_in_bounded_queries(history_world, meeting, client_for, capture_on_commit):
    """The same count with more members and more messages: the notices add two queries (members, messages)."""
    client = client_for(history_world.secretary)

    def count() -> int:
        client.get(url("prepare", meeting.pk))  # warm the session and the grants
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("prepare", meeting.pk)).status_code == 200
        return len(queries)

    with capture_on_commit(execute=True):
        client.post(url("notify", meeting.pk))
    before = count()
    for i in range(3):
        add_member(history_world.cell_a1, full_name=f"Nguyễn Văn Mới {i}")
    with capture_on_commit(execute=True):
        client.post(url("notify", meeting.pk))  # a second notice: more messages per member
    services_notices.notice_mark_told(
        meeting=meeting,
        member_ids=[r.member.pk for r in queries_notices.notice_rows(meeting) if r.to_tell][:3],
        by=history_world.secretary,
    )
    assert count() == before


@pytest.fixture
def capture_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks
