"""Votes on a cell with history (issue 10, defects 2 and 3): secret ballots on paper, counted by the vote-counting
board, and on phones, judged against the eligible members either way; the counts bounded by the official members present
who may vote; closing without a count only when confirmed; a vote entered by mistake voided with a reason, kept in
the record and counted for nothing."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.meetings.models import Minutes, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.queries import minutes as queries_minutes
from apps.meetings.rules import minutes as minutes_text
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.resolutions.services import tasks as services_tasks


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def paper(issued, returned, valid, invalid, approving, against, abstain):
    return dict(
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        approving=approving,
        against=against,
        abstain=abstain,
    )


def secret(world, question="Thông qua nghị quyết tháng"):
    return services_votes.vote_open(meeting=world.meeting, question=question, method="secret")


def figures(vote):
    vote.refresh_from_db()
    return tuple(getattr(vote, f) for f in services_votes.PAPER_FIELDS)


# ---------------------------------------------------------------------------------------------- defect 2


@pytest.mark.django_db
def test_a_paper_ballot_passes_on_more_than_half_of_the_eligible_members(day):
    """Seven present vote on paper; five approve: 5/8 eligible passes (the base is not the seven present)."""
    vote = secret(day)
    services_votes.vote_record_paper(vote=vote, **paper(7, 7, 6, 1, 5, 0, 1))
    result = queries.vote_result(services_votes.vote_close(vote=vote))
    assert (result.approving, result.against, result.abstain, result.eligible, result.passed) == (5, 0, 1, 8, True)
    assert (result.paper.issued, result.paper.returned, result.paper.invalid) == (7, 7, 1)


@pytest.mark.django_db
def test_half_of_the_eligible_members_is_not_enough_even_if_most_valid_ballots_approve(day):
    vote = secret(day)
    services_votes.vote_record_paper(vote=vote, **paper(7, 6, 5, 1, 4, 1, 0))  # 4/5 valid, 4/8 eligible
    result = queries.vote_result(services_votes.vote_close(vote=vote))
    assert (result.approving, result.eligible, result.passed) == (4, 8, False)


@pytest.mark.django_db
def test_paper_and_phone_ballots_are_counted_together(day):
    vote = secret(day)
    for member, choice in zip(day.present[:3], ("for", "for", "against"), strict=True):
        services_votes.ballot_cast(vote=vote, member=member, choice=choice)
    services_votes.vote_record_paper(vote=vote, **paper(4, 4, 4, 0, 3, 0, 1))
    result = queries.vote_result(services_votes.vote_close(vote=vote))
    assert (result.approving, result.against, result.abstain, result.electronic) == (5, 1, 1, 3)
    assert result.passed and result.eligible == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entered", "message"),
    [
        (paper(5, 6, 6, 0, 6, 0, 0), "6 ballots were returned but only 5 were issued."),
        (paper(7, 7, 5, 1, 5, 0, 0), "Valid (5) and invalid (1) ballots must add up to the ballots returned (7)."),
        (paper(7, 7, 7, 0, 5, 1, 0), "For, against and abstaining (6) must add up to the valid ballots (7)."),
        (paper(8, 7, 7, 0, 7, 0, 0), "more than the 7 official members present who may vote"),
    ],
)
def test_the_boards_figures_must_add_up(day, entered, message):
    vote = secret(day)
    with pytest.raises(ValidationError, match=re.escape(message)):
        services_votes.vote_record_paper(vote=vote, **entered)
    assert figures(vote) == (0,) * 7


@pytest.mark.django_db
def test_paper_ballots_issued_and_phone_ballots_stay_within_the_members_present(day):
    vote = secret(day)
    for member in day.present[:3]:
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    with pytest.raises(ValidationError, match="5 paper ballots issued and 3 cast on phones"):
        services_votes.vote_record_paper(vote=vote, **paper(5, 5, 5, 0, 5, 0, 0))
    services_votes.vote_record_paper(vote=vote, **paper(4, 4, 4, 0, 4, 0, 0))
    assert figures(vote) == (4, 4, 4, 0, 4, 0, 0)
    with pytest.raises(ValidationError, match="already has a ballot"):  # 4 on paper + 3 on phones = the 7 present
        services_votes.ballot_cast(vote=vote, member=day.present[3], choice="against")
    vote.refresh_from_db()  # the tallies are written at closing: while open, the 3 receipts are the ballots in
    assert (queries.phone_ballots(vote), vote.ballots_cast, vote.secret_against) == (3, 0, 0)


@pytest.mark.django_db
def test_the_board_corrects_its_figures_while_the_vote_is_open_not_after(day):
    vote = secret(day)
    services_votes.vote_record_paper(vote=vote, **paper(7, 7, 7, 0, 6, 1, 0))
    services_votes.vote_record_paper(vote=vote, **paper(7, 7, 7, 0, 5, 2, 0))  # replaced, not added
    assert figures(vote) == (7, 7, 7, 0, 5, 2, 0)
    services_votes.vote_close(vote=vote)
    with pytest.raises(ValidationError, match="closed"):
        services_votes.vote_record_paper(vote=vote, **paper(7, 7, 7, 0, 7, 0, 0))
    assert figures(vote) == (7, 7, 7, 0, 5, 2, 0)


@pytest.mark.django_db
def test_a_show_of_hands_has_no_paper_ballots(day):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method="open")
    with pytest.raises(ValidationError, match="only in a secret ballot"):
        services_votes.vote_record_paper(vote=vote, **paper(3, 3, 3, 0, 3, 0, 0))
    assert figures(vote) == (0,) * 7


@pytest.mark.django_db
def test_no_secret_result_while_the_vote_is_open(day):
    vote = secret(day)
    for member in day.present[:3]:
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    services_votes.vote_record_paper(vote=vote, **paper(4, 4, 4, 0, 4, 0, 0))
    vote.refresh_from_db()
    result = queries.vote_result(vote)
    assert result.withheld and (result.approving, result.against, result.abstain) == (0, 0, 0)
    assert (result.paper.approving, result.paper.returned, result.electronic) == (0, 4, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(("on_paper", "on_phones"), [(1, 0), (2, 0), (0, 2), (1, 1), (4, 1), (4, 2)])
def test_a_secret_vote_does_not_close_on_a_result_that_tells_a_choice(day, on_paper, on_phones):
    vote = secret(day)
    for member in day.present[:on_phones]:
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    if on_paper:
        services_votes.vote_record_paper(vote=vote, **paper(on_paper, on_paper, on_paper, 0, on_paper, 0, 0))
    with pytest.raises(ValidationError, match="would tell how they voted|could work out how they voted"):
        services_votes.vote_close(vote=vote, confirm=True)
    vote.refresh_from_db()
    assert vote.status == "open" and vote.eligible is None
    services_votes.vote_void(vote=vote, reason="Số phiếu quá ít, biểu quyết lại bằng phiếu giấy", by=day.secretary)
    vote.refresh_from_db()
    assert vote.status == "voided"


# ---------------------------------------------------------------------------------------------- defect 3


@pytest.mark.django_db
def test_hands_are_bounded_by_the_members_present_and_judged_on_the_eligible(day):
    """8 eligible, 7 present: 8 hands are refused with the number the check uses; 7 hands are 7/8."""
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    with pytest.raises(ValidationError, match="8 votes were entered but only 7 official members are present"):
        services_votes.vote_record_counts(vote=vote, approving=8, against=0, abstain=0)
    services_votes.vote_record_counts(vote=vote, approving=7, against=0, abstain=0)
    result = queries.vote_result(services_votes.vote_close(vote=vote))
    assert (result.approving, result.eligible, result.percent, result.passed) == (7, 8, 87.5, True)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["open", "secret"])
def test_closing_a_vote_with_nothing_entered_asks_for_confirmation(day, method):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method=method)
    with pytest.raises(ValidationError) as refused:
        services_votes.vote_close(vote=vote)
    assert refused.value.code == "confirm"
    vote.refresh_from_db()
    assert vote.status == "open"
    vote = services_votes.vote_close(vote=vote, confirm=True)
    result = queries.vote_result(vote)
    assert vote.status == "closed" and vote.eligible == 8 and not result.passed


@pytest.mark.django_db
def test_a_voided_vote_is_kept_and_left_out_of_the_minutes_and_the_resolution(day):
    """The resolution vote was entered by mistake (hands counted on the wrong question): voided with a reason, the
    minutes leave it out, and the resolution cannot be adopted on it; the vote held again is the one that counts."""
    resolution = services_tasks.resolution_for_meeting(meeting=day.meeting, by=day.secretary)
    make_meeting(day.cell_a1, when=timezone.now() + timedelta(days=28))
    wrong = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết tháng", method="open")
    services_votes.vote_record_counts(vote=wrong, approving=7, against=0, abstain=0)
    services_votes.vote_close(vote=wrong)
    services_votes.vote_void(vote=wrong, reason="  Nhập nhầm: đếm tay cho câu hỏi khác  ", by=day.secretary)
    wrong.refresh_from_db()
    assert (wrong.status, wrong.void_reason, wrong.voided_by) == (
        "voided",
        "Nhập nhầm: đếm tay cho câu hỏi khác",
        day.secretary,
    )
    assert wrong.voided_at is not None and (wrong.votes_for, wrong.eligible) == (7, 8)  # the record is kept
    assert queries.vote_result(wrong).void and not queries.vote_result(wrong).passed
    with pytest.raises(ValidationError) as refused:
        services_tasks.resolution_adopt(resolution=resolution, by=day.secretary)
    assert refused.value.code == "no_vote"

    again = services_votes.vote_open(meeting=day.meeting, question="Biểu quyết lại nghị quyết", method="open")
    services_votes.vote_record_counts(vote=again, approving=6, against=1, abstain=0)
    services_votes.vote_close(vote=again)
    services_live.meeting_end(meeting=day.meeting)
    text = minutes_text.render_minutes(queries_minutes.minutes_data(day.meeting))
    assert "Biểu quyết lại nghị quyết (biểu quyết giơ tay): 6/8 tán thành (75,0%)" in text
    assert "Thông qua nghị quyết tháng" not in text and "7/8" not in text
    adopted = services_tasks.resolution_adopt(resolution=resolution, by=day.secretary)
    assert adopted.vote == again


@pytest.mark.django_db
def test_an_open_vote_opened_by_mistake_is_voided_and_the_meeting_can_end(day):
    vote = services_votes.vote_open(meeting=day.meeting, question="Câu hỏi nhầm", method="secret")
    with pytest.raises(ValidationError):
        services_live.meeting_end(meeting=day.meeting)
    services_votes.vote_void(vote=vote, reason="Mở nhầm", by=day.secretary)
    with pytest.raises(ValidationError, match="closed"):
        services_votes.ballot_cast(vote=vote, member=day.present[0], choice="for")
    assert services_live.meeting_end(meeting=day.meeting).status == "closed"


@pytest.mark.django_db
def test_voiding_needs_a_reason_and_happens_once(day):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method="open")
    with pytest.raises(ValidationError, match="Say why"):
        services_votes.vote_void(vote=vote, reason="   ", by=day.secretary)
    vote.refresh_from_db()
    assert vote.status == "open" and vote.void_reason == ""
    services_votes.vote_void(vote=vote, reason="Nhầm", by=day.secretary)
    with pytest.raises(ValidationError, match="already been voided"):
        services_votes.vote_void(vote=vote, reason="Lần nữa", by=day.secretary)
    vote.refresh_from_db()
    assert vote.void_reason == "Nhầm"


@pytest.mark.django_db
def test_no_voiding_once_the_minutes_are_adopted(day):
    """The adopted minutes of last month froze its record: its vote cannot be voided any more."""
    old = Vote.objects.filter(meeting=day.history.meetings[-1]).get()
    assert Minutes.objects.get(meeting=old.meeting).status == Minutes.Status.ADOPTED
    with pytest.raises(ValidationError, match="adopted"):
        services_votes.vote_void(vote=old, reason="Nhầm", by=day.secretary)
    old.refresh_from_db()
    assert old.status == "closed"


@pytest.mark.django_db
def test_no_voiding_a_vote_a_resolution_was_adopted_on(day):
    resolution = services_tasks.resolution_for_meeting(meeting=day.meeting, by=day.secretary)
    make_meeting(day.cell_a1, when=timezone.now() + timedelta(days=28))
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    services_votes.vote_record_counts(vote=vote, approving=7, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    services_tasks.resolution_adopt(resolution=resolution, by=day.secretary)
    with pytest.raises(ValidationError, match="resolution was adopted"):
        services_votes.vote_void(vote=vote, reason="Nhầm", by=day.secretary)
    vote.refresh_from_db()
    assert vote.status == "closed"


@pytest.mark.django_db
def test_minutes_write_a_secret_vote_with_its_paper_and_phone_ballots(day):
    vote = secret(day, question="Tín nhiệm bí thư")
    for member in day.present[:3]:
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    services_votes.vote_record_paper(vote=vote, **paper(4, 4, 3, 1, 2, 1, 0))
    services_votes.vote_close(vote=vote)
    empty = services_votes.vote_open(meeting=day.meeting, question="Câu hỏi không ai bỏ phiếu", method="secret")
    services_votes.vote_close(vote=empty, confirm=True)
    services_live.meeting_end(meeting=day.meeting)
    text = minutes_text.render_minutes(queries_minutes.minutes_data(day.meeting))
    assert (
        "- Tín nhiệm bí thư (bỏ phiếu kín) (phiếu giấy: phát ra 4, thu về 4, hợp lệ 3, không hợp lệ 1; "
        "3 phiếu bỏ trên điện thoại): 5/8 tán thành (62,5%), 1 không tán thành, 0 không biểu quyết. "
        "Kết quả: được thông qua."
    ) in text
    # Nobody voted: nothing was withheld, there was simply no ballot.
    assert "- Câu hỏi không ai bỏ phiếu (bỏ phiếu kín): không có phiếu nào. Kết quả: không được thông qua." in text
    assert "chưa đủ ba phiếu" not in text
    minutes = services_minutes.minutes_generate(meeting=day.meeting)
    assert "Tín nhiệm bí thư" in minutes.text
