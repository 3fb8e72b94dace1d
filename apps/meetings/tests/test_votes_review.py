"""Votes on a cell with history, the holes a review found: adopted minutes freeze the votes (no count, no ballot, no
closing, no form on the screen); a vote whose figures the roll call no longer covers does not close on a result above
the members present (7/5 approving); the adopted resolution's .docx carries the vote it was adopted on, whatever was
voted later at the meeting; a resolution is never adopted on a vote being voided at the same moment (PostgreSQL)."""

import io
import threading
import time
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from apps.common.scoping import Role
from apps.common.testing import snapshot
from apps.meetings.models import MeetingDocument, Minutes, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.services import docs as services_docs
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.testing import build_world, grant
from apps.resolutions.models import Resolution
from apps.resolutions.services import tasks as services_tasks

state = snapshot(lambda vote: Vote.objects.filter(pk=vote.pk).values())


def adopt_minutes(world):
    """Minutes adopted while votes are open: the service now refuses that (close the votes first), but records
    adopted before it did, or written by another path, must still freeze the votes, so the row is written here."""
    minutes = services_minutes.minutes_generate(meeting=world.meeting)
    Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.ADOPTED)
    assert Minutes.objects.get(meeting=world.meeting).status == Minutes.Status.ADOPTED


# ---------------------------------------------------------------------------------------------- adopted minutes


@pytest.mark.django_db
def test_adopted_minutes_freeze_an_open_vote(day):
    """Minutes adopted while a vote was still open: the record is closed, so no count, ballot or closing changes the
    vote afterwards (its line in the adopted minutes reads 'being voted' and must stay true)."""
    hands = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    ballot = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    adopt_minutes(day)
    before = state(hands) + state(ballot)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="minutes are adopted"):
            services_votes.vote_record_counts(vote=hands, approving=7, against=0, abstain=0)
        with pytest.raises(ValidationError, match="minutes are adopted"):
            services_votes.vote_close(vote=hands, confirm=True)
        with pytest.raises(ValidationError, match="minutes are adopted"):
            services_votes.ballot_cast(vote=ballot, member=day.present[0], choice="for")
    assert state(hands) + state(ballot) == before


@pytest.mark.django_db
def test_the_votes_section_is_read_only_once_the_minutes_are_adopted(day, client_for):
    hands = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    ballot = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    detail = reverse("meetings:detail", args=[day.meeting.pk])
    before = client_for(day.secretary).get(detail).content.decode()
    forms = [
        reverse("meetings:vote_counts", args=[hands.pk]),
        reverse("meetings:vote_close", args=[hands.pk]),
        reverse("meetings:vote_paper", args=[ballot.pk]),
        reverse("meetings:vote_open", args=[day.meeting.pk]),
    ]
    assert all(f'action="{url}"' in before for url in forms)
    services_live.attendance_mark(meeting=day.meeting, member=day.plain_member, status="present")
    voter = day.member_user  # present, with an account: votes on the phone
    ballot_link = f'href="{reverse("meetings:ballot", args=[ballot.pk])}"'
    assert ballot_link in client_for(voter).get(detail).content.decode()
    adopt_minutes(day)
    after = client_for(day.secretary).get(detail).content.decode()
    assert not [url for url in forms if f'action="{url}"' in after]
    assert ballot_link not in client_for(voter).get(detail).content.decode()


# ---------------------------------------------------------------------------------------------- the roll call moves


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["open", "secret"])
def test_a_vote_does_not_close_on_more_ballots_than_members_present_after_the_roll_call_changed(day, method):
    """Seven hands (or paper ballots) entered; then three of the seven are marked excused: closing would record 7/5
    approving (140 %). The figures no longer fit the roll call: closing is refused until one of them is put right."""
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method=method)
    if method == "open":
        services_votes.vote_record_counts(vote=vote, approving=7, against=0, abstain=0)
    else:
        services_votes.vote_record_paper(
            vote=vote, issued=7, returned=7, valid=7, invalid=0, approving=7, against=0, abstain=0
        )
    for member in day.present[:3]:
        services_live.attendance_mark(meeting=day.meeting, member=member, status="excused", reason="Nhầm điểm danh")
    with translation.override("en"), pytest.raises(ValidationError, match="official members"):
        services_votes.vote_close(vote=vote)
    vote.refresh_from_db()
    assert (vote.status, vote.eligible) == ("open", None)
    # The roll call put right again: the vote closes, judged against the eligible members.
    for member in day.present[:3]:
        services_live.attendance_mark(meeting=day.meeting, member=member, status="present")
    result = queries.vote_result(services_votes.vote_close(vote=vote))
    assert (result.approving, result.eligible, result.passed) == (7, 8, True)


# ---------------------------------------------------------------------------------------------- the .docx


def _docx_lines(meeting) -> list[str]:
    draft = MeetingDocument.objects.filter(meeting=meeting, kind="draft_resolution").latest("pk")
    content = services_docs.resolution_export(meeting=meeting, draft=draft)
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


@pytest.mark.django_db
def test_the_adopted_resolution_keeps_the_vote_line_it_was_adopted_on(day):
    """The resolution is adopted on 7/8; later in the meeting another question is put to the vote with the form's
    default purpose (the resolution) and fails: the resolution's .docx still says 7/8, not nothing (or 2/8)."""
    MeetingDocument.objects.create(meeting=day.meeting, kind="draft_resolution", title="Dự thảo", text="Nội dung.")
    resolution = services_tasks.resolution_for_meeting(meeting=day.meeting, by=day.secretary)
    make_meeting(day.cell_a1, when=timezone.now() + timedelta(days=28))
    adopted_on = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    services_votes.vote_record_counts(vote=adopted_on, approving=7, against=0, abstain=0)
    services_votes.vote_close(vote=adopted_on)
    services_tasks.resolution_adopt(resolution=resolution, by=day.secretary)
    line = "Nghị quyết được 7/8 đảng viên tán thành (87,5%)."
    assert line in _docx_lines(day.meeting)
    later = services_votes.vote_open(meeting=day.meeting, question="Đề nghị kết nạp đảng viên", method="open")
    services_votes.vote_record_counts(vote=later, approving=2, against=5, abstain=0)
    services_votes.vote_close(vote=later)
    lines = _docx_lines(day.meeting)
    assert line in lines and not [t for t in lines if "2/8" in t]


# ---------------------------------------------------------------------------------------------- PostgreSQL


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL only")
def test_a_resolution_is_not_adopted_on_a_vote_voided_at_the_same_moment(transactional_db):
    """The secretary voids the passing vote on the meeting screen while the deputy adopts the resolution on its page:
    the adoption waits for the void and then finds no vote to adopt on; never a voided vote with a resolution adopted
    on it."""
    world = build_world()
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a1, when=timezone.now()))
    for member in Member.objects.filter(cell=world.cell_a1, active=True):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=28))
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="open")
    services_votes.vote_record_counts(vote=vote, approving=2, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    resolution = services_tasks.resolution_for_meeting(meeting=meeting, by=world.secretary)

    voided, commit = threading.Event(), threading.Event()
    outcome = {}

    def void():
        try:
            with transaction.atomic():
                services_votes.vote_void(vote=vote, reason="Nhập nhầm", by=world.secretary)
                voided.set()
                commit.wait(timeout=30)
        finally:
            connections.close_all()

    def adopt():
        try:
            services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
            outcome["adopt"] = "adopted"
        except ValidationError as exc:
            outcome["adopt"] = exc.code
        finally:
            connections.close_all()

    voider = threading.Thread(target=void)
    voider.start()
    assert voided.wait(timeout=30)
    adopter = threading.Thread(target=adopt)
    adopter.start()
    deadline = time.monotonic() + 20
    while adopter.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    commit.set()
    voider.join(timeout=30)
    adopter.join(timeout=30)

    vote.refresh_from_db()
    resolution.refresh_from_db()
    assert vote.status == Vote.Status.VOIDED
    assert (resolution.status, resolution.vote_id, outcome["adopt"]) == (Resolution.Status.DRAFT, None, "no_vote")


# ---------------------------------------------------------------------------------------------- no ballot at all


@pytest.mark.django_db
def test_a_secret_vote_closed_with_no_ballot_says_so_not_that_a_result_was_withheld(day, client_for):
    """Closed after confirming, nobody having voted: there is no choice to protect, so the screen does not claim the
    result was held back because fewer than three ballots were in."""
    vote = services_votes.vote_open(meeting=day.meeting, question="Câu hỏi không ai bỏ phiếu", method="secret")
    services_votes.vote_close(vote=vote, confirm=True)
    html = client_for(day.secretary).get(reverse("meetings:detail", args=[day.meeting.pk])).content.decode()
    assert "Đã kết thúc, không có phiếu nào được bỏ. · <strong>Không được thông qua</strong>" in html
    assert "chưa đủ ba phiếu" not in html


# ---------------------------------------------------------------------------------------------- who may not


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "inspector"])
def test_the_cells_own_supervisor_and_the_communes_inspector_watch_but_do_not_enter_close_or_void(day, client_for, who):
    """They see the meeting (VIEW), never its votes' forms' verbs: 404 on each, and they hold no ballot (403)."""
    grant(day.supervisor, day.cell_a1, Role.SUPERVISOR)  # the committee member supervising this very cell
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    before, count = state(vote), Vote.objects.count()
    client = client_for(getattr(day, who))
    assert client.get(reverse("meetings:detail", args=[day.meeting.pk])).status_code == 200
    paper = {"issued": 3, "returned": 3, "valid": 3, "invalid": 0, "approving": 3, "against": 0, "abstain": 0}
    posts = [
        (reverse("meetings:vote_open", args=[day.meeting.pk]), {"question": "Q", "method": "open", "purpose": "other"}),
        (reverse("meetings:vote_paper", args=[vote.pk]), paper),
        (reverse("meetings:vote_close", args=[vote.pk]), {"confirm": "on"}),
        (reverse("meetings:vote_void", args=[vote.pk]), {"reason": "Phá"}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
    assert client.post(reverse("meetings:ballot", args=[vote.pk]), {"choice": "for"}).status_code == 403
    assert state(vote) == before and Vote.objects.count() == count
