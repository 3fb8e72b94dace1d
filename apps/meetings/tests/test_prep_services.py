"""Preparing a meeting: preparer, documents, board pre-meeting, agenda edits, notices; the checklist they feed."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, NotificationPreference
from apps.meetings.queries import prep as queries_prep
from apps.meetings.queries.prep import preparation_checklist, preparation_facts
from apps.meetings.services import live as services_live
from apps.meetings.services import notices as services_notices
from apps.meetings.services import prep as services_prep
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member, grant
from apps.orgs.models import RoleGrant


def agenda(meeting) -> list[tuple[int, str, str]]:
    return list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("position", "section", "title")
    )


def checklist(meeting) -> dict:
    meeting = Meeting.objects.select_related("preparer").get(pk=meeting.pk)
    return {i.key: i for i in queries_prep.preparation_checklist(queries_prep.preparation_facts(meeting))}


# ---------------------------------------------------------------------------------------------- preparer


@pytest.mark.django_db
def test_the_preparer_is_an_active_member_of_the_cell(world):
    meeting = make_meeting(world.cell_a1)
    services_prep.meeting_set_preparer(meeting=meeting, preparer=world.plain_member)
    meeting.refresh_from_db()
    assert meeting.preparer == world.plain_member and checklist(meeting)["preparer"].done
    with pytest.raises(ValidationError) as other_cell:
        services_prep.meeting_set_preparer(meeting=meeting, preparer=world.a2_member)
    assert "preparer" in other_cell.value.message_dict
    services_prep.meeting_set_preparer(meeting=meeting, preparer=None)
    meeting.refresh_from_db()
    assert meeting.preparer is None


# ---------------------------------------------------------------------------------------------- documents


@pytest.mark.django_db
def test_documents_need_text_or_a_file_and_stay_under_ten_megabytes(world):
    meeting = make_meeting(world.cell_a1)
    with pytest.raises(ValidationError) as empty:
        services_prep.document_add(meeting=meeting, kind="draft_report", title="Báo cáo", by=world.secretary)
    assert "text" in empty.value.message_dict
    big = SimpleUploadedFile("bao-cao.pdf", b"x" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(ValidationError) as too_big:
        services_prep.document_add(meeting=meeting, kind="draft_report", title="Báo cáo", file=big, by=world.secretary)
    assert "file" in too_big.value.message_dict
    with pytest.raises(ValidationError):  # a lead paper belongs to a thematic meeting
        services_prep.document_add(meeting=meeting, kind="lead_paper", title="Đề dẫn", text="…", by=world.secretary)
    with pytest.raises(ValidationError):  # the board's minutes are recorded on the board meeting
        services_prep.document_add(meeting=meeting, kind="board_minutes", title="BB", text="…", by=world.secretary)
    small = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    doc = services_prep.document_add(
        meeting=meeting, kind="draft_report", title="Báo cáo tháng 3", file=small, by=world.secretary
    )
    assert doc.file.name.startswith("meetings/") and doc.uploaded_by == world.secretary and doc.published_at is None
    assert MeetingDocument.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_publication_keeps_its_first_time_and_feeds_the_one_day_check(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    report = services_prep.document_add(meeting=meeting, kind="draft_report", title="BC", text="…", by=world.secretary)
    draft = services_prep.document_add(
        meeting=meeting, kind="draft_resolution", title="DT", text="…", by=world.secretary
    )
    items = checklist(meeting)
    assert items["draft_report"].done and items["draft_resolution"].done and not items["documents_in_time"].done
    first = services_prep.document_publish(document=report).published_at
    services_prep.document_publish(document=draft)
    again = services_prep.document_publish(document=report).published_at
    assert first == again
    items = checklist(meeting)
    assert items["documents_in_time"].done and items["documents_in_time"].at is not None


@pytest.mark.django_db
def test_documents_published_on_the_eve_are_late(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=10))
    for kind in ("draft_report", "draft_resolution"):
        doc = services_prep.document_add(meeting=meeting, kind=kind, title=kind, text="…", by=world.secretary)
        services_prep.document_publish(document=doc)
    assert not checklist(meeting)["documents_in_time"].done


@pytest.mark.django_db
def test_only_a_lead_paper_is_approved_and_a_thematic_meeting_needs_one(world):
    meeting = make_meeting(world.cell_a1, kind="thematic")
    assert checklist(meeting)["topic"].done and not checklist(meeting)["lead_paper"].done
    paper = services_prep.document_add(meeting=meeting, kind="lead_paper", title="Đề dẫn", text="…", by=world.secretary)
    other = services_prep.document_add(meeting=meeting, kind="other", title="Tài liệu", text="…", by=world.secretary)
    with pytest.raises(ValidationError):
        services_prep.document_approve(document=other)
    approved = services_prep.document_approve(document=paper).approved_at
    assert approved is not None and services_prep.document_approve(document=paper).approved_at == approved
    item = checklist(meeting)["lead_paper"]
    assert item.done and item.at == approved


# ---------------------------------------------------------------------------------------------- board pre-meeting


@pytest.mark.django_db
def test_the_board_meets_before_the_meeting_and_records_short_minutes(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=2))
    with pytest.raises(ValidationError) as after:
        services_prep.board_meeting_create(meeting=meeting, scheduled_at=meeting.scheduled_at + timedelta(hours=1))
    assert "scheduled_at" in after.value.message_dict
    board = services_prep.board_meeting_create(
        meeting=meeting, scheduled_at=timezone.now() + timedelta(days=1), place="Nhà bí thư"
    )
    assert board.kind == Meeting.Kind.BOARD and board.prepares == meeting and board.cell == meeting.cell
    assert board.agenda_items.count() == 4  # the board template
    with pytest.raises(ValidationError):  # one pre-meeting per meeting
        services_prep.board_meeting_create(meeting=meeting, scheduled_at=timezone.now())
    with pytest.raises(ValidationError):  # not held yet
        services_prep.board_minutes_record(board=board, text="Đã họp.", by=world.secretary)
    assert not checklist(meeting)["board_meeting"].done

    Meeting.objects.filter(pk=board.pk).update(scheduled_at=timezone.now() - timedelta(hours=2))
    board.refresh_from_db()
    first = services_prep.board_minutes_record(board=board, text="Chi ủy thống nhất dự thảo.", by=world.secretary)
    again = services_prep.board_minutes_record(board=board, text="Chi ủy thống nhất dự thảo, bổ sung.", by=world.staff)
    assert first.pk == again.pk and again.uploaded_at == first.uploaded_at and again.uploaded_by == world.secretary
    assert again.kind == "board_minutes" and again.title
    item = checklist(meeting)["board_meeting"]
    assert item.done and item.at == board.scheduled_at


# ---------------------------------------------------------------------------------------------- notices


@pytest.mark.django_db
def test_notify_mails_members_and_the_supervisor_respecting_their_preferences(
    world, django_capture_on_commit_callbacks
):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    world.member_user.email = "dangvien@example.vn"
    world.member_user.save()
    world.secretary.email = "bithu@example.vn"
    world.secretary.save()
    quiet = UserFactory(username="imlang", email="imlang@example.vn")
    add_member(world.cell_a1, user=quiet, full_name="Đinh Thị Im Lặng")
    NotificationPreference.objects.create(user=quiet, preparation=False)
    add_member(world.cell_a1, user=UserFactory(username="khongmail"), full_name="Lý Văn Không Thư")  # no address
    watcher = UserFactory(username="giamsat_a1", email="giamsat@example.vn")
    grant(watcher, world.cell_a1, Role.SUPERVISOR)
    old = UserFactory(username="giamsat_cu", email="cu@example.vn")  # a supervisor whose grant ended
    RoleGrant.objects.create(
        user=old, organization=world.cell_a1, role=Role.SUPERVISOR, starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)
    )
    doc = services_prep.document_add(
        meeting=meeting, kind="draft_report", title="Báo cáo tháng", text="…", by=world.staff
    )
    services_prep.document_publish(document=doc)

    with django_capture_on_commit_callbacks(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)

    assert (result.members, result.members_mailed, result.supervisors, result.supervisors_mailed) == (4, 2, 1, 1)
    recipients = sorted(to for message in mail.outbox for to in message.to)
    assert recipients == ["bithu@example.vn", "dangvien@example.vn", "giamsat@example.vn"]
    body = mail.outbox[0].body
    local = timezone.localtime(meeting.scheduled_at)
    assert f"{local:%H:%M}" in body and f"{local:%d/%m/%Y}" in body and "Nhà văn hóa khu 1" in body
    assert "Báo cáo tháng" in body and "1. " in body
    meeting.refresh_from_db()
    first = (meeting.members_notified_at, meeting.supervisor_notified_at)
    assert None not in first
    items = checklist(meeting)
    # Two of the four members received it (one has no address, one switched preparation mail off): not done
    # until they are told in person (test_notices_delivery.py).
    assert not items["members_notified"].done and items["members_notified"].progress == (2, 4)
    assert items["supervisor_notified"].done

    with django_capture_on_commit_callbacks(execute=True):
        services_notices.meeting_notify(meeting=meeting)  # a repeated notice keeps the first time
    meeting.refresh_from_db()
    assert (meeting.members_notified_at, meeting.supervisor_notified_at) == first
    assert len(mail.outbox) == 6


@pytest.mark.django_db
def test_without_a_supervisor_only_members_are_notified(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.cell_a1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services_notices.meeting_notify(meeting=meeting)
    assert result.supervisors == 0
    meeting.refresh_from_db()
    assert meeting.members_notified_at is not None and meeting.supervisor_notified_at is None


@pytest.mark.django_db
def test_notices_go_out_before_the_meeting_starts(world):
    meeting = make_meeting(world.cell_a1)
    services_live.meeting_start(meeting=meeting)
    with pytest.raises(ValidationError):
        services_notices.meeting_notify(meeting=meeting)


# ---------------------------------------------------------------------------------------------- agenda


@pytest.mark.django_db
def test_an_added_item_goes_to_the_end_of_its_part_and_positions_stay_consecutive(world):
    meeting = make_meeting(world.cell_a1)
    before = agenda(meeting)
    assert [p for p, _s, _t in before] == list(range(1, 14))
    item = services_prep.agenda_item_add(meeting=meeting, title="  Kết nạp đảng viên mới ", section="body")
    after = agenda(meeting)
    assert item.position == 10 and after[9] == (10, "body", "Kết nạp đảng viên mới")
    assert [p for p, _s, _t in after] == list(range(1, 15))
    services_prep.agenda_item_add(meeting=meeting, title="Bế mạc", section="closing")
    assert agenda(meeting)[-1] == (15, "closing", "Bế mạc")
    with pytest.raises(ValidationError):
        services_prep.agenda_item_add(meeting=meeting, title="", section="body")


@pytest.mark.django_db
def test_rename_move_and_remove(world):
    meeting = make_meeting(world.cell_a1)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    services_prep.agenda_item_rename(item=items[7], title="Thảo luận, đóng góp ý kiến")
    services_prep.agenda_item_move(item=items[7], offset=-1)  # swaps with item 7 of the body
    rows = agenda(meeting)
    assert rows[6] == (7, "body", "Thảo luận, đóng góp ý kiến") and rows[7][2] == items[6].title
    services_prep.agenda_item_move(item=items[0], offset=-1)  # the first item cannot go higher
    assert agenda(meeting)[0][2] == items[0].title
    services_prep.agenda_item_move(item=items[4], offset=1)  # last opening item crosses into the body
    rows = agenda(meeting)
    assert rows[4] == (5, "body", items[4].title)
    services_prep.agenda_item_delete(item=items[3])
    rows = agenda(meeting)
    assert [p for p, _s, _t in rows] == list(range(1, 13)) and items[3].title not in [t for _p, _s, t in rows]


@pytest.mark.django_db
def test_concurrent_edits_from_stale_pages_keep_positions_consistent(world):
    """Two people with the same page open: one removes an item, the other moves and adds with stale objects."""
    meeting = make_meeting(world.cell_a1)
    seen_by_a = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    seen_by_b = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    services_prep.agenda_item_delete(item=seen_by_a[1])
    services_prep.agenda_item_move(item=seen_by_b[9], offset=-1)  # b's object still says position 10
    services_prep.agenda_item_add(meeting=meeting, title="Mục của B", section="opening")
    with pytest.raises(ValidationError):
        services_prep.agenda_item_move(item=seen_by_b[1], offset=1)  # removed by a meanwhile
    rows = agenda(meeting)
    assert [p for p, _s, _t in rows] == list(range(1, len(rows) + 1))
    sections = [s for _p, s, _t in rows]
    assert sections == sorted(sections, key=["opening", "body", "closing"].index)


@pytest.mark.django_db
def test_an_item_with_speakers_stays(world):
    meeting = make_meeting(world.cell_a1)
    item = meeting.agenda_items.get(position=8)
    services_live.speech_add(meeting=meeting, item=item, member=world.plain_member)
    with pytest.raises(ValidationError):
        services_prep.agenda_item_delete(item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_assigning_the_preparer_is_timestamped(world):
    meeting = make_meeting(world.cell_a1)
    services_prep.meeting_set_preparer(meeting=meeting, preparer=world.plain_member)
    meeting.refresh_from_db()
    first = meeting.preparer_assigned_at
    assert first is not None
    services_prep.meeting_set_preparer(meeting=meeting, preparer=world.plain_member)  # same person: same time
    meeting.refresh_from_db()
    assert meeting.preparer_assigned_at == first
    item = next(i for i in preparation_checklist(preparation_facts(meeting)) if i.key == "preparer")
    assert item.done and item.at == first
