"""Minutes: generated from a meeting recorded through the live services, edited with optimistic concurrency,
adopted (version 1) and corrected (version n+1 with author, time and reason)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.meetings.models import Meeting, MeetingDocument, Minutes, MinutesVersion
from apps.meetings.queries import minutes as queries_minutes
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import prep as services_prep
from apps.meetings.services import votes as services_votes
from apps.meetings.services.minutes import StaleMinutes
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.testing import add_member

DRAFT_RESOLUTION = "I. Kết quả tháng trước\nHoàn thành 9/10 nhiệm vụ.\n\nII. Nhiệm vụ tháng tới\n1. Vận động làm đường."


def recorded_meeting(world) -> Meeting:
    """A meeting of cell A1 held through the live services: 5 members (one probationary), one absent with reason,
    one without, a guest, a speaker with a remark, a conclusion, a closed show-of-hands vote, a draft resolution."""
    sick = add_member(world.cell_a1, full_name="Ngô Thị Ốm")
    away = add_member(world.cell_a1, full_name="Đỗ Văn Vắng")
    young = add_member(world.cell_a1, full_name="Bùi Thị Dự Bị", status=Member.Status.PROBATIONARY, official_on=None)
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(minutes=5))
    MeetingDocument.objects.create(
        meeting=meeting, kind="draft_resolution", title="Dự thảo nghị quyết", text=DRAFT_RESOLUTION
    )
    services_live.meeting_start(meeting=meeting, presiding=world.secretary_member, minute_taker=world.plain_member)
    meeting.refresh_from_db()
    for member, status, reason in [
        (world.secretary_member, "present", ""),
        (world.plain_member, "present", ""),
        (young, "late", ""),
        (sick, "excused", "ốm nặng"),
        (away, "unexcused", ""),
    ]:
        services_live.attendance_mark(meeting=meeting, member=member, status=status, reason=reason)
    services_live.guest_add(meeting=meeting, name="Hoàng Văn Giám Sát", position="Đảng ủy viên")
    discussion = meeting.agenda_items.get(position=8)
    speech = services_live.speech_add(meeting=meeting, item=discussion, member=world.plain_member)
    services_live.speech_record(speech=speech, spoken=True, note="Đề nghị sửa đường liên thôn trước mùa mưa.")
    services_live.speech_add(meeting=meeting, item=discussion, member=young)  # queued, never spoke
    discussion.conclusion = "Chi bộ nhất trí giao tổ 1 khảo sát."
    discussion.save()
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết tháng", method="open")
    services_votes.vote_record_counts(vote=vote, approving=2, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    services_live.meeting_end(meeting=meeting)
    meeting.refresh_from_db()
    return meeting


@pytest.mark.django_db
def test_minutes_are_generated_from_the_record(world):
    meeting = recorded_meeting(world)
    text = services_minutes.minutes_generate(meeting=meeting).text
    assert "- Chủ trì: đồng chí Trần Thị Bí Thư\n" in text
    assert "- Thư ký: đồng chí Lê Văn Đảng Viên\n" in text
    assert "- Địa điểm: Nhà văn hóa khu 1\n" in text
    assert "Tổng số đảng viên của chi bộ: 5 đồng chí (chính thức 4, dự bị 1)." in text
    assert "Có mặt 3/5 đồng chí (60,0%), trong đó đến muộn 1 đồng chí: Bùi Thị Dự Bị." in text
    assert "Vắng có lý do: 1 đồng chí: Ngô Thị Ốm (ốm nặng)." in text
    assert "Vắng không lý do: 1 đồng chí: Đỗ Văn Vắng." in text
    assert "Khách mời: đồng chí Hoàng Văn Giám Sát (Đảng ủy viên)." in text
    assert "- Đồng chí Lê Văn Đảng Viên: Đề nghị sửa đường liên thôn trước mùa mưa." in text
    assert "Đồng chí Bùi Thị Dự Bị" not in text  # queued but did not speak
    assert "Kết luận: Chi bộ nhất trí giao tổ 1 khảo sát." in text
    # Eligible: 3 official members summoned minus the one excused all session (not those present).
    assert "Thông qua nghị quyết tháng (biểu quyết giơ tay): 2/3 tán thành (66,7%)" in text
    assert "Kết quả: được thông qua." in text
    assert "IV. NHIỆM VỤ\n1. Vận động làm đường." in text
    local_start = timezone.localtime(meeting.started_at)
    assert f"bắt đầu lúc {local_start:%H} giờ {local_start:%M} phút, ngày {local_start:%d/%m/%Y}" in text


@pytest.mark.django_db
def test_the_minutes_data_query_is_bounded(world, django_assert_max_num_queries):
    meeting = recorded_meeting(world)
    # meeting, roll call (5), guests, agenda items, speeches, votes, draft resolution
    with django_assert_max_num_queries(11):
        queries_minutes.minutes_data(meeting)


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_keeps_the_other_persons_text(world):
    meeting = make_meeting(world.cell_a1)
    minutes = services_minutes.minutes_generate(meeting=meeting)
    assert minutes.revision == 1
    services_minutes.minutes_save(meeting=meeting, text="Bản của thư ký.", revision=1)  # secretary saves first
    with pytest.raises(StaleMinutes) as refused:
        services_minutes.minutes_save(meeting=meeting, text="Bản của người ghi biên bản.", revision=1)
    assert refused.value.current_text == "Bản của thư ký." and refused.value.current_revision == 2
    minutes.refresh_from_db()
    assert (minutes.text, minutes.revision) == ("Bản của thư ký.", 2)
    services_minutes.minutes_save(meeting=meeting, text="Bản đã gộp.", revision=2)  # after merging, it saves
    minutes.refresh_from_db()
    assert (minutes.text, minutes.revision) == ("Bản đã gộp.", 3)


@pytest.mark.django_db
def test_regenerating_over_someone_elses_edit_is_refused(world):
    meeting = make_meeting(world.cell_a1)
    services_minutes.minutes_generate(meeting=meeting)
    services_minutes.minutes_save(meeting=meeting, text="Đã sửa tay.", revision=1)
    with pytest.raises(StaleMinutes):
        services_minutes.minutes_generate(meeting=meeting, revision=1)
    assert Minutes.objects.get(meeting=meeting).text == "Đã sửa tay."
    regenerated = services_minutes.minutes_generate(meeting=meeting, revision=2)
    assert regenerated.revision == 3 and "I. THÀNH PHẦN" in regenerated.text


@pytest.mark.django_db
def test_adopt_then_correct_makes_versions_one_and_two(world):
    meeting = recorded_meeting(world)
    minutes = services_minutes.minutes_generate(meeting=meeting)
    services_minutes.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_by == world.secretary
    assert minutes.adopted_at is not None
    v1 = MinutesVersion.objects.get(minutes=minutes)
    assert (v1.number, v1.text, v1.author, v1.reason) == (1, minutes.text, world.secretary, "")

    corrected = minutes.text.replace("ốm nặng", "ốm nặng, nằm viện")
    v2 = services_minutes.minutes_correct(meeting=meeting, text=corrected, reason="Ghi rõ lý do vắng", by=world.staff)
    assert (v2.number, v2.author, v2.reason) == (2, world.staff, "Ghi rõ lý do vắng")
    minutes.refresh_from_db()
    assert minutes.text == corrected.strip()
    assert list(minutes.versions.values_list("number", flat=True)) == [1, 2]
    assert MinutesVersion.objects.get(number=1, minutes=minutes).text == v1.text  # version 1 never changes

    history = queries_minutes.minutes_history(minutes)
    assert [row.version.number for row in history] == [2, 1]
    assert ("add", "- Vắng có lý do: 1 đồng chí: Ngô Thị Ốm (ốm nặng, nằm viện).") in history[0].diff
    assert ("del", "- Vắng có lý do: 1 đồng chí: Ngô Thị Ốm (ốm nặng).") in history[0].diff
    assert history[1].diff == []


@pytest.mark.django_db
def test_after_adoption_nothing_changes_silently(world):
    meeting = recorded_meeting(world)
    minutes = services_minutes.minutes_generate(meeting=meeting)
    services_minutes.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
    with pytest.raises(ValidationError):
        services_minutes.minutes_generate(meeting=meeting)
    with pytest.raises(ValidationError):
        services_minutes.minutes_save(meeting=meeting, text="Sửa lén.", revision=minutes.revision)
    with pytest.raises(ValidationError):
        services_minutes.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
    with pytest.raises(ValidationError) as no_reason:
        services_minutes.minutes_correct(meeting=meeting, text="Sửa.", reason="  ", by=world.secretary)
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as unchanged:
        services_minutes.minutes_correct(meeting=meeting, text=minutes.text, reason="Không đổi", by=world.secretary)
    assert "text" in unchanged.value.message_dict
    with pytest.raises(ValidationError):  # the live record is closed too
        services_live.guest_add(meeting=meeting, name="Khách muộn")
    with pytest.raises(ValidationError):  # and so is the agenda
        services_prep.agenda_item_add(meeting=meeting, title="Mục mới")
    adopted = Minutes.objects.get(meeting=meeting)
    assert (adopted.text, adopted.revision, adopted.versions.count()) == (minutes.text, minutes.revision, 1)


@pytest.mark.django_db
def test_adoption_needs_the_current_revision_and_a_meeting_that_took_place(world):
    planned = make_meeting(world.cell_a1)
    minutes = services_minutes.minutes_generate(meeting=planned)
    with pytest.raises(ValidationError):
        services_minutes.minutes_adopt(meeting=planned, revision=minutes.revision, by=world.secretary)
    meeting = recorded_meeting(world)
    minutes = services_minutes.minutes_generate(meeting=meeting)
    services_minutes.minutes_save(meeting=meeting, text="Đã sửa.", revision=1)
    with pytest.raises(StaleMinutes):  # adopting a text the person has not seen
        services_minutes.minutes_adopt(meeting=meeting, revision=1, by=world.secretary)
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.DRAFT


@pytest.mark.django_db
def test_correcting_a_draft_or_saving_before_generating_is_refused(world):
    meeting = make_meeting(world.cell_a1)
    with pytest.raises(ValidationError):
        services_minutes.minutes_save(meeting=meeting, text="x", revision=1)
    services_minutes.minutes_generate(meeting=meeting)
    with pytest.raises(ValidationError):
        services_minutes.minutes_correct(meeting=meeting, text="x", reason="y", by=world.secretary)
    with pytest.raises(ValidationError) as empty:
        services_minutes.minutes_save(meeting=meeting, text="   ", revision=1)
    assert "text" in empty.value.message_dict
