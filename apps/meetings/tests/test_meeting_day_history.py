"""The meeting day on a cell with history (issue 10): every member has attended a year of meetings.

Marking attendance, temporary attachment to another cell (sinh hoạt tạm thời) and the duration norm of a combined
session, each checked where the fresh-world tests could not see the defect."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Attendance, Meeting, Minutes, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import votes as rules_votes
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.models import Attachment
from apps.members.services import member as member_services
from apps.quality.queries.metrics import meeting_metrics


@pytest.fixture
def today_meeting(history_world):
    meeting = make_meeting(history_world.cell_a1, when=timezone.now() + timedelta(hours=1))
    return services_live.meeting_start(meeting=meeting)


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


# ---------------------------------------------------------------------------------------------- defect 1


@pytest.mark.django_db
def test_every_member_with_past_meetings_can_be_marked_on_the_screen(history_world, client_for, today_meeting):
    """Before: the lookup joined every attendance row of the member, and get() found twelve → 500."""
    client = client_for(history_world.secretary)
    members = history_world.history.members
    assert all(
        Attendance.objects.filter(member=m).count() >= 2 for m in members if m != history_world.history.transferred
    )
    for member in members:
        response = client.post(url("mark", today_meeting.pk, member.pk), {"status": "present"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, member
    assert Attendance.objects.filter(meeting=today_meeting, status="present").count() == len(members)


@pytest.mark.django_db
def test_marking_a_member_of_another_cell_with_history_is_404(history_world, client_for, today_meeting):
    client = client_for(history_world.secretary)
    response = client.post(url("mark", today_meeting.pk, history_world.a2_member.pk), {"status": "present"})
    assert response.status_code == 404
    assert not Attendance.objects.filter(meeting=today_meeting).exists()


@pytest.mark.django_db
def test_markable_members_lists_each_member_once(history_world, today_meeting):
    ids = list(queries.markable_members(today_meeting).values_list("pk", flat=True))
    assert len(ids) == len(set(ids)) == len(history_world.history.members)


# ---------------------------------------------------------------------------------------------- defect 4


@pytest.fixture
def attached(history_world):
    """Vũ Thị Lan of A1 meets with A2 while she works there for three months."""
    lan = next(m for m in history_world.history.members if m.full_name == "Vũ Thị Lan")
    today = timezone.localdate()
    member_services.attachment_add(
        member=lan,
        host=history_world.cell_a2,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
        reason="Làm việc tại xã Đông ba tháng",
    )
    return lan


@pytest.mark.django_db
def test_home_roll_call_shows_an_attached_member_as_attached_not_absent_nor_eligible(
    history_world, today_meeting, attached
):
    rows = queries.roll_call(today_meeting)
    row = next(r for r in rows if r.member.pk == attached.pk)
    assert row.status == rules_live.ATTACHED and row.attached_to == history_world.cell_a2.name
    summary = queries.summary(rows)
    assert summary.attached_absent == 1 and summary.expected == summary.total - summary.exempt_absent - 1
    others = [r for r in rows if r.member.pk != attached.pk]
    assert queries.eligible(rows) == rules_votes.eligible_count(r.voter for r in others)


@pytest.mark.django_db
def test_an_attached_member_who_comes_home_counts_again(history_world, today_meeting, attached):
    services_live.attendance_mark(meeting=today_meeting, member=attached, status="present")
    rows = queries.roll_call(today_meeting)
    summary = queries.summary(rows)
    assert summary.attached_absent == 0 and summary.present == 1
    assert rules_votes.may_vote(next(r for r in rows if r.member.pk == attached.pk).voter)


@pytest.mark.django_db
def test_host_roll_call_lists_the_attached_member_as_attending_without_a_vote(history_world, client_for, attached):
    host_meeting = services_live.meeting_start(
        meeting=make_meeting(history_world.cell_a2, when=timezone.now() + timedelta(hours=2))
    )
    rows = queries.roll_call(host_meeting)
    row = next(r for r in rows if r.member.pk == attached.pk)
    assert row.visiting and row.visiting_from == history_world.cell_a1.name
    total_before = queries.summary(rows).total
    # The host's secretary marks her present from the screen (her lookup is the host's markable members).
    staff = client_for(history_world.staff)
    response = staff.post(url("mark", host_meeting.pk, attached.pk), {"status": "present"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    rows = queries.roll_call(host_meeting)
    row = next(r for r in rows if r.member.pk == attached.pk)
    assert row.status == "present" and not rules_votes.may_vote(row.voter)
    summary = queries.summary(rows)
    assert summary.total == total_before and summary.present == 0  # not one of the host's members
    assert queries.eligible(rows) == rules_votes.eligible_count(r.voter for r in rows if not r.visiting)


@pytest.mark.django_db
def test_attachment_rules(history_world, attached):
    today = timezone.localdate()
    with pytest.raises(ValidationError):  # overlapping period
        member_services.attachment_add(
            member=attached, host=history_world.cell_b1, starts_on=today, ends_on=None, reason="Khác"
        )
    with pytest.raises(ValidationError):  # own cell
        member_services.attachment_add(
            member=history_world.plain_member, host=history_world.cell_a1, starts_on=today, ends_on=None, reason="x"
        )
    with pytest.raises(ValidationError):  # not a cell
        member_services.attachment_add(
            member=history_world.plain_member, host=history_world.commune_b, starts_on=today, ends_on=None, reason="x"
        )
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_metrics_leave_attached_members_out_of_the_attendance_rate(history_world, attached):
    meeting = history_world.history.meetings[-1]
    before = meeting_metrics(meeting)
    Attendance.objects.filter(meeting=meeting, member=attached).delete()  # she was away, nobody marked her
    Attachment.objects.filter(member=attached).update(starts_on=meeting.scheduled_at.date() - timedelta(days=5))
    after = meeting_metrics(meeting)
    assert after["attendance_total"] == before["attendance_total"]
    assert after["attendance_expected"] == before["attendance_expected"] - 1


# ---------------------------------------------------------------------------------------------- defect 5


@pytest.mark.django_db
def test_a_combined_session_is_judged_against_120_minutes(history_world):
    when = timezone.make_aware(datetime(2026, 11, 5, 19, 30))
    regular = make_meeting(history_world.cell_a1, when=when)
    thematic = make_meeting(history_world.cell_a1, kind="thematic", when=when)
    alone = make_meeting(history_world.cell_a1, when=when + timedelta(days=1))
    for meeting in (regular, thematic, alone):
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.CLOSED,
            started_at=meeting.scheduled_at,
            ended_at=meeting.scheduled_at + timedelta(minutes=100),
        )
        meeting.refresh_from_db()
    assert meeting_metrics(regular)["duration_norm_minutes"] == 120
    assert meeting_metrics(regular)["duration_short_minutes"] == 20
    assert meeting_metrics(thematic)["duration_norm_minutes"] == 120
    assert meeting_metrics(alone)["duration_norm_minutes"] == 90
    assert meeting_metrics(alone)["duration_short_minutes"] == 0
    Meeting.objects.filter(pk=thematic.pk).update(status=Meeting.Status.CANCELLED)
    assert meeting_metrics(regular)["duration_norm_minutes"] == 90
    assert date(2026, 11, 5) == timezone.localdate(regular.scheduled_at)


# ---------------------------------------------------------------------------------------------- rules


def test_attached_members_leave_the_base_unless_they_come():
    s = rules_live.summarise_attendance(["present", "present", "attached", "exempt", "excused", None])
    assert (s.total, s.present, s.attached_absent, s.exempt_absent, s.expected) == (6, 2, 1, 1, 4)


@pytest.mark.parametrize(
    ("voter", "counted", "votes"),
    [
        (rules_votes.Voter(official=True, attached_elsewhere=True), False, False),
        (rules_votes.Voter(official=True, attached_elsewhere=True, attended=True), True, True),
        (rules_votes.Voter(official=True, visiting=True, attended=True), False, False),
        (rules_votes.Voter(official=True, attended=True), True, True),
    ],
)
def test_eligible_and_may_vote_for_attached_and_visiting_members(voter, counted, votes):
    assert rules_votes.eligible_count([voter]) == int(counted)
    assert rules_votes.may_vote(voter) is votes


# ---------------------------------------------------------------------------------------------- the screen


@pytest.mark.django_db
def test_everyone_present_then_the_exceptions(history_world, client_for, today_meeting):
    h = history_world.history
    services_live.attendance_mark(meeting=today_meeting, member=h.members[0], status="excused", reason="Ốm")
    client = client_for(history_world.secretary)
    response = client.post(url("mark_all_present", today_meeting.pk))
    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(meeting=today_meeting).values_list("member_id", "status"))
    assert marks[h.members[0].pk] == "excused"  # a mark made before is kept
    assert h.exempted.pk not in marks  # the exempted member is left for a tap of their own
    assert sum(1 for s in marks.values() if s == "present") == len(h.members) - 2
    assert client.post(url("mark_all_present", today_meeting.pk)).status_code == 302  # nothing left: no change
    assert Attendance.objects.filter(meeting=today_meeting).count() == len(marks)


@pytest.mark.django_db
def test_everyone_present_is_for_managers_of_the_cell(history_world, client_for, today_meeting):
    for persona, status in (("member_user", 404), ("inspector", 404), ("outsider", 404)):
        assert client_for(getattr(history_world, persona)).post(
            url("mark_all_present", today_meeting.pk)
        ).status_code in (
            status,
            403,
        )
    assert not Attendance.objects.filter(meeting=today_meeting).exists()


@pytest.mark.django_db
def test_ending_asks_about_speakers_not_ticked(history_world, client_for, today_meeting):
    h = history_world.history
    for member in h.members[:3]:
        services_live.attendance_mark(meeting=today_meeting, member=member, status="present")
    item = today_meeting.agenda_items.order_by("position")[1]
    first, second, third = (services_live.speech_add(meeting=today_meeting, item=item, member=m) for m in h.members[:3])
    services_live.speech_record(speech=third, spoken=True, note="")
    client = client_for(history_world.secretary)
    response = client.post(url("end", today_meeting.pk))
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    assert h.members[0].full_name in response.content.decode()
    today_meeting.refresh_from_db()
    assert today_meeting.status == "in_progress"  # not ended until the secretary says who spoke
    response = client.post(url("end", today_meeting.pk), {"confirm": "1", "spoken": [str(first.pk)]})
    assert response.status_code == 302
    today_meeting.refresh_from_db()
    assert today_meeting.status == "closed"
    first.refresh_from_db(), second.refresh_from_db()
    assert first.spoken and not second.spoken
    assert meeting_metrics(today_meeting)["speakers"] == 2


@pytest.mark.django_db
def test_a_speaker_value_that_is_not_a_number_is_a_message_not_a_500(history_world, client_for, today_meeting):
    item = today_meeting.agenda_items.order_by("position")[1]
    client = client_for(history_world.secretary)
    for value in ("m²", "m" + "9" * 30, "x1", ""):
        response = client.post(url("speech_add", item.pk), {"speaker": value})
        assert response.status_code == 302, value
    assert not today_meeting.speeches.exists()


@pytest.mark.django_db
def test_after_the_minutes_are_adopted_the_screen_is_read_only(history_world, client_for):
    meeting = history_world.history.meetings[-1]
    content = client_for(history_world.secretary).get(url("detail", meeting.pk)).content.decode()
    assert "closed-record" in content
    assert url("mark", meeting.pk, history_world.plain_member.pk) not in content
    assert url("mark_all_present", meeting.pk) not in content
    assert 'name="spoken"' not in content and url("guest_add", meeting.pk) not in content


# ---------------------------------------------------------------------------------------------- the home page


@pytest.mark.django_db
def test_home_page_opens_the_cells_meeting_of_today_in_one_tap(history_world, client_for):
    later_today = timezone.localtime().replace(hour=23, minute=0)
    meeting = make_meeting(history_world.cell_a1, when=later_today)
    make_meeting(history_world.cell_a1, when=later_today + timedelta(days=30))
    for persona in ("secretary", "member_user"):
        page = client_for(getattr(history_world, persona)).get(reverse("home")).content.decode()
        assert 'id="next-meeting"' in page and url("detail", meeting.pk) in page, persona
        assert "Hôm nay chi bộ sinh hoạt" in page
    assert 'id="next-meeting"' not in client_for(history_world.outsider).get(reverse("home")).content.decode()
    services_live.meeting_start(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=meeting.scheduled_at - timedelta(days=1))
    page = client_for(history_world.secretary).get(reverse("home")).content.decode()
    assert url("detail", meeting.pk) in page  # a meeting still in progress is the one to open


@pytest.mark.django_db
def test_home_page_shows_both_meetings_of_a_combined_session(history_world):
    when = timezone.now() + timedelta(days=2)
    regular = make_meeting(history_world.cell_a1, when=when)
    thematic = make_meeting(history_world.cell_a1, kind="thematic", when=when)
    assert queries.next_meetings(history_world.secretary, now=timezone.localtime()) == [regular, thematic]


@pytest.mark.django_db
def test_everyone_present_leaves_a_suspended_member_for_a_tap_of_their_own(history_world, today_meeting):
    member = history_world.history.members[2]
    member_services.suspension_add(
        member=member, starts_on=timezone.localdate() - timedelta(days=3), ends_on=None, reason="Chờ xem xét kỷ luật"
    )
    services_live.attendance_mark_all_present(meeting=today_meeting)
    assert not Attendance.objects.filter(meeting=today_meeting, member=member).exists()


@pytest.mark.django_db
def test_a_mark_refused_because_the_minutes_were_adopted_shows_the_row_read_only(history_world, client_for):
    meeting = history_world.history.meetings[-1]
    response = client_for(history_world.secretary).post(
        url("mark", meeting.pk, history_world.plain_member.pk), {"status": "late"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in content
    assert url("mark", meeting.pk, history_world.plain_member.pk) not in content  # no buttons to tap again
    assert Attendance.objects.get(meeting=meeting, member=history_world.plain_member).status != "late"


@pytest.mark.django_db
def test_minutes_are_not_adopted_while_a_vote_is_open(history_world, today_meeting):
    services_votes.vote_open(meeting=today_meeting, question="Thông qua nghị quyết", method="open")
    minutes = services_minutes.minutes_generate(meeting=today_meeting)
    with pytest.raises(ValidationError):
        services_minutes.minutes_adopt(meeting=today_meeting, revision=minutes.revision, by=history_world.secretary)
    assert Minutes.objects.get(meeting=today_meeting).status == Minutes.Status.DRAFT


@pytest.mark.django_db
def test_once_the_resolution_passed_the_next_question_defaults_to_another_purpose(
    history_world, client_for, today_meeting
):
    client = client_for(history_world.secretary)
    page = client.get(url("detail", today_meeting.pk)).content.decode()
    assert '<option value="resolution" selected>' in page
    for member in history_world.history.members:
        services_live.attendance_mark(meeting=today_meeting, member=member, status="present")
    vote = services_votes.vote_open(meeting=today_meeting, question="Thông qua nghị quyết", method="open")
    page = client.get(url("detail", today_meeting.pk)).content.decode()
    assert '<option value="other" selected>' in page  # while it is being voted
    services_votes.vote_record_counts(vote=vote, approving=8, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    page = client.get(url("detail", today_meeting.pk)).content.decode()
    assert '<option value="other" selected>' in page


@pytest.mark.django_db
def test_a_second_tap_on_open_the_vote_opens_no_second_vote(history_world, client_for, today_meeting):
    client = client_for(history_world.secretary)
    page = client.get(url("detail", today_meeting.pk)).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page)[1]
    data = {"question": "Thông qua nghị quyết", "method": "open", "purpose": "resolution", "submission_token": token}
    for _tap in range(2):
        assert client.post(url("vote_open", today_meeting.pk), data).status_code == 302
    assert Vote.objects.filter(meeting=today_meeting).count() == 1
