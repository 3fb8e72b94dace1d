"""Parallel writers on PostgreSQL (the production database): attendance marks, speakers and secret ballots from
many devices at once lose nothing and count nothing twice; one ballot per member is enforced by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.common.testing import in_threads
from apps.meetings.models import Attendance, BallotReceipt, SealedBallot, Speech, Vote
from apps.meetings.services import live as services_live
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member, build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL only"),
]


@pytest.fixture
def big_meeting(transactional_db):
    world = build_world()
    members = [add_member(world.cell_a1, full_name=f"Song Song {i:02d}") for i in range(30)]
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a1))
    return world, meeting, members


def test_parallel_attendance_marks_lose_nothing(big_meeting):
    world, meeting, members = big_meeting
    # Every member marked by two devices at once (secretary and minute-taker): one row each, none lost.
    work = [(m, "present") for m in members] + [(m, "late") for m in members]
    in_threads(lambda w: services_live.attendance_mark(meeting=meeting, member=w[0], status=w[1]), work)
    rows = Attendance.objects.filter(meeting=meeting)
    assert rows.count() == len(members)
    assert set(rows.values_list("status", flat=True)) <= {"present", "late"}


def test_parallel_speakers_get_distinct_positions(big_meeting):
    world, meeting, members = big_meeting
    item = meeting.agenda_items.get(position=8)
    in_threads(lambda m: services_live.speech_add(meeting=meeting, item=item, member=m), members[:16])
    positions = list(Speech.objects.filter(agenda_item=item).values_list("position", flat=True))
    assert sorted(positions) == list(range(1, 17))


def test_parallel_secret_ballots_count_once(big_meeting):
    world, meeting, members = big_meeting
    for m in members:
        services_live.attendance_mark(meeting=meeting, member=m, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Tín nhiệm", method="secret")
    choices = ["for", "against", "abstain"]

    def cast(i):
        try:
            services_votes.ballot_cast(vote=vote, member=members[i % len(members)], choice=choices[i % 3])
            return "ok"
        except ValidationError:
            return "refused"

    # 60 attempts for 30 members: each member tries twice, from two devices, at the same time.
    results = in_threads(cast, list(range(60)))
    assert results.count("ok") == 30 and results.count("refused") == 30
    assert BallotReceipt.objects.filter(vote=vote, sealed=True).count() == 30
    assert SealedBallot.objects.filter(vote=vote).count() == 30  # one sealed ballot per receipt, no tally yet
    vote = services_votes.vote_close(vote=vote)
    assert vote.ballots_cast == 30 == vote.secret_for + vote.secret_against + vote.secret_abstain
    assert (vote.secret_for, vote.secret_against, vote.secret_abstain) == (10, 10, 10)
    assert not SealedBallot.objects.filter(vote=vote).exists()


def test_the_database_refuses_a_second_receipt(big_meeting):
    world, meeting, members = big_meeting
    vote = Vote.objects.create(meeting=meeting, question="Q", method="secret")
    BallotReceipt.objects.create(vote=vote, member=members[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(vote=vote, member=members[0])
