"""The live meeting's verbs: attendance, QR check-in, speakers, votes and secret ballots."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.meetings.models import Attendance, BallotReceipt, Meeting, Minutes, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.services import live as services_live
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.services import member as member_services
from apps.members.testing import add_member


@pytest.fixture
def meeting(world):
    return make_meeting(world.cell_a1)


@pytest.fixture
def started(world, meeting):
    return services_live.meeting_start(
        meeting=meeting, presiding=world.secretary_member, minute_taker=world.plain_member
    )


@pytest.mark.django_db
def test_roll_call_covers_every_member_and_exempted_ones_start_exempt(world, meeting):
    member_services.exemption_add(
        member=world.plain_member, starts_on=date(2020, 1, 1), ends_on=None, reason="Tuổi cao"
    )
    rows = queries.roll_call(meeting)
    assert [r.member.full_name for r in rows] == ["Lê Văn Đảng Viên", "Trần Thị Bí Thư"]
    assert [r.status for r in rows] == ["exempt", None]
    s = queries.summary(rows)
    assert (s.total, s.expected, s.exempt_absent) == (2, 1, 1)


@pytest.mark.django_db
def test_marks_replace_each_other_and_an_excuse_needs_a_reason(world, started):
    services_live.attendance_mark(meeting=started, member=world.plain_member, status="unexcused")
    services_live.attendance_mark(meeting=started, member=world.plain_member, status="late")
    assert Attendance.objects.get(meeting=started, member=world.plain_member).status == "late"
    with pytest.raises(ValidationError):
        services_live.attendance_mark(meeting=started, member=world.plain_member, status="excused")


@pytest.mark.django_db
def test_another_cells_member_cannot_be_marked(world, started):
    with pytest.raises(ValidationError):
        services_live.attendance_mark(meeting=started, member=world.a2_member, status="present")
    assert not Attendance.objects.filter(member=world.a2_member).exists()


@pytest.mark.django_db
def test_qr_check_in_only_with_the_code_and_only_during_the_meeting(world, meeting):
    token = meeting.checkin_token
    with pytest.raises(ValidationError):  # not started
        services_live.checkin_qr(meeting=meeting, token=token, member=world.plain_member)
    started = services_live.meeting_start(meeting=meeting)
    assert started.checkin_token != token  # a fresh code per session
    with pytest.raises(ValidationError):
        services_live.checkin_qr(meeting=started, token=token, member=world.plain_member)
    row = services_live.checkin_qr(meeting=started, token=started.checkin_token, member=world.plain_member)
    assert (row.status, row.via) == ("present", "qr")
    with pytest.raises(ValidationError):  # a member of another cell
        services_live.checkin_qr(meeting=started, token=started.checkin_token, member=world.a2_member)
    services_live.meeting_end(meeting=started)
    started.refresh_from_db()
    with pytest.raises(ValidationError):  # after the meeting
        services_live.checkin_qr(meeting=started, token=started.checkin_token, member=world.secretary_member)


@pytest.mark.django_db
def test_check_in_late(world, started):
    Meeting.objects.filter(pk=started.pk).update(started_at=timezone.now() - timedelta(minutes=40))
    started.refresh_from_db()
    assert (
        services_live.checkin_qr(meeting=started, token=started.checkin_token, member=world.plain_member).status
        == "late"
    )


@pytest.mark.django_db
def test_speakers_are_added_in_order_reordered_and_noted(world, started):
    item = started.agenda_items.get(position=8)
    guest = services_live.guest_add(meeting=started, name="Lê Văn Dũng", position="Đảng ủy viên")
    a = services_live.speech_add(meeting=started, item=item, member=world.plain_member)
    b = services_live.speech_add(meeting=started, item=item, guest=guest)
    services_live.speech_move(speech=b, offset=-1)
    assert list(item.speeches.order_by("position").values_list("pk", flat=True)) == [b.pk, a.pk]
    services_live.speech_record(speech=a, spoken=True, note="Đề nghị sửa đường liên thôn")
    a.refresh_from_db()
    assert a.spoken and a.note == "Đề nghị sửa đường liên thôn"
    with pytest.raises(ValidationError):
        services_live.speech_add(meeting=started, item=item, member=world.a2_member)


def _cell_of(world, n_official, n_probationary=0):
    members = [add_member(world.cell_a2, full_name=f"Chính Thức {i}") for i in range(n_official)]
    members += [
        add_member(
            world.cell_a2, full_name=f"Dự Bị {i}", status="probationary", official_on=None, admitted_on=date(2026, 1, 1)
        )
        for i in range(n_probationary)
    ]
    return members


@pytest.mark.django_db
def test_open_vote_is_judged_against_the_eligible_members(world):
    members = _cell_of(world, 6, 2)  # + a2_member already there: 7 official
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a2))
    for m in members[:5]:
        services_live.attendance_mark(meeting=meeting, member=m, status="present")
    services_live.attendance_mark(meeting=meeting, member=members[5], status="excused", reason="Ốm")
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="open")
    with pytest.raises(ValidationError):  # 5 official members present
        services_votes.vote_record_counts(vote=vote, approving=6, against=0, abstain=0)
    services_votes.vote_record_counts(vote=vote, approving=4, against=1, abstain=0)
    vote = services_votes.vote_close(vote=vote)
    result = queries.vote_result(vote)
    # official 7 (6 + a2_member) − 1 excused = 6 eligible; 4/6 = 66.7 % → passes
    assert (result.approving, result.eligible, result.percent, result.passed) == (4, 6, 66.7, True)
    with pytest.raises(ValidationError):
        services_votes.vote_record_counts(vote=vote, approving=1, against=0, abstain=0)


@pytest.mark.django_db
def test_secret_ballot_once_per_member_by_present_officials_only(world):
    members = _cell_of(world, 4, 1)
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a2))
    for m in members:
        services_live.attendance_mark(meeting=meeting, member=m, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Tín nhiệm bí thư", method="secret")
    services_votes.ballot_cast(vote=vote, member=members[0], choice="for")
    services_votes.ballot_cast(vote=vote, member=members[1], choice="against")
    services_votes.ballot_cast(vote=vote, member=members[2], choice="for")
    with pytest.raises(ValidationError, match="đã bỏ phiếu|already"):
        services_votes.ballot_cast(vote=vote, member=members[0], choice="against")
    with pytest.raises(ValidationError):  # probationary
        services_votes.ballot_cast(vote=vote, member=members[4], choice="for")
    with pytest.raises(ValidationError):  # absent
        services_votes.ballot_cast(vote=vote, member=world.a2_member, choice="for")
    vote.refresh_from_db()
    assert (vote.secret_for, vote.secret_against, vote.ballots_cast) == (0, 0, 0)  # sealed until the vote closes
    assert BallotReceipt.objects.filter(vote=vote).count() == 3
    vote = services_votes.vote_close(vote=vote)
    assert (vote.secret_for, vote.secret_against, vote.ballots_cast) == (2, 1, 3)
    with pytest.raises(ValidationError):
        services_votes.ballot_cast(vote=vote, member=members[3], choice="for")


def test_a_ballot_cannot_be_linked_to_its_voter():
    """Structural guarantee: the receipt has no choice, the tally no voter, and neither a timestamp (the sealed
    ballots: test_ballot_secrecy.py)."""
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert receipt_fields == {"id", "vote", "member", "sealed"}
    vote_fields = {f.name for f in Vote._meta.get_fields()}
    assert not any(f in vote_fields for f in ("voter", "ballots"))


@pytest.mark.django_db
def test_adopted_minutes_freeze_the_record(world, started):
    Minutes.objects.create(meeting=started, text="…", status=Minutes.Status.ADOPTED)
    with pytest.raises(ValidationError):
        services_live.attendance_mark(meeting=started, member=world.plain_member, status="present")


@pytest.mark.django_db
def test_meeting_cannot_end_with_an_open_vote(world, started):
    services_votes.vote_open(meeting=started, question="Q", method="open")
    with pytest.raises(ValidationError):
        services_live.meeting_end(meeting=started)
