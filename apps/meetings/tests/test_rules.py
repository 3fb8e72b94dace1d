"""Meeting rules from DOMAIN.md §5: attendance with exempted members excluded, the eligible-members rule, votes."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.rules import calendar as rules_calendar
from apps.meetings.rules import docs as rules_docs
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import votes as rules_votes
from apps.meetings.rules.votes import Voter


def test_attendance_rate_excludes_exempted_members_who_did_not_come():
    s = rules_live.summarise_attendance(["present"] * 14 + ["excused", "unexcused"] + ["exempt"] * 2)
    assert (s.total, s.expected, s.present) == (18, 16, 14)
    assert s.rate_percent == 87.5


def test_an_exempted_member_who_comes_counts():
    s = rules_live.summarise_attendance(["present", "present", "exempt"])
    assert s.rate_percent == 100.0 and s.expected == 2


def test_everyone_exempt_but_one():
    s = rules_live.summarise_attendance(["exempt"] * 5 + ["present"])
    assert s.expected == 1 and s.rate_percent == 100.0
    assert rules_live.summarise_attendance(["exempt"] * 3).rate is None


def test_late_counts_as_present():
    s = rules_live.summarise_attendance(["present", "late", "unexcused", None])
    assert (s.present, s.late, s.unmarked) == (2, 1, 1)


def test_eligible_members_not_the_present_ones():
    voters = (
        [Voter(official=True, attended=True)] * 10
        + [Voter(official=True)] * 2  # absent without reason: still counted
        + [Voter(official=True, excused_all_session=True)] * 2  # absent with accepted reason: not counted
        + [Voter(official=True, exempt=True)]  # exempted, did not come: not counted
        + [Voter(official=True, exempt=True, attended=True)]  # exempted but came: counted
        + [Voter(official=False, attended=True)] * 3  # probationary: never
        + [Voter(official=True, attached_elsewhere=True), Voter(official=True, suspended=True)]
    )
    assert rules_votes.eligible_count(voters) == 13


@pytest.mark.parametrize(
    ("approving", "eligible", "passed", "percent"),
    [
        (7, 13, True, 53.8),
        (6, 12, False, 50.0),
        (7, 12, True, 58.3),
        (2, 3, True, 66.7),
        (1, 3, False, 33.3),
        (0, 0, False, 0.0),
        (1, 1, True, 100.0),
    ],
)
def test_more_than_half_of_the_eligible_members(approving, eligible, passed, percent):
    result = rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
    assert result.passed is passed and result.percent == percent


def test_a_cell_of_three():
    voters = [Voter(official=True, attended=True), Voter(official=True, attended=True), Voter(official=True)]
    eligible = rules_votes.eligible_count(voters)
    assert eligible == 3
    assert rules_votes.VoteResult(approving=2, against=0, abstain=0, eligible=eligible).passed
    assert not rules_votes.VoteResult(approving=1, against=1, abstain=0, eligible=eligible).passed  # a tie never passes


@given(st.integers(0, 200), st.integers(0, 200))
def test_pass_iff_strictly_more_than_half(approving, eligible):
    result = rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
    assert result.passed == (eligible > 0 and approving > eligible / 2)


def test_counts_cannot_exceed_the_voters_present():
    assert rules_votes.vote_errors(approving=5, against=3, abstain=1, voters_present=8)
    assert not rules_votes.vote_errors(approving=5, against=2, abstain=1, voters_present=8)


def test_probationary_and_absent_members_cannot_vote():
    assert rules_votes.may_vote(Voter(official=True, attended=True))
    assert not rules_votes.may_vote(Voter(official=False, attended=True))
    assert not rules_votes.may_vote(Voter(official=True, attended=False))


HOLIDAYS = {
    date(2026, 1, 1),
    date(2026, 2, 16),
    date(2026, 2, 17),
    date(2026, 2, 18),
    date(2026, 2, 19),
    date(2026, 2, 20),
    date(2026, 9, 1),
    date(2026, 9, 2),
}


@pytest.mark.parametrize(
    ("planned", "held"),
    [
        (date(2026, 3, 5), date(2026, 3, 5)),  # Thursday
        (date(2026, 12, 5), date(2026, 12, 7)),  # Saturday → Monday
        (date(2026, 2, 17), date(2026, 2, 23)),  # Tết → the Monday after
        (date(2026, 9, 1), date(2026, 9, 3)),  # National Day
        (date(2026, 1, 1), date(2026, 1, 2)),
    ],
)
def test_weekends_and_holidays_move_to_the_next_working_day(planned, held):
    assert rules_calendar.next_working_day(planned, HOLIDAYS.__contains__) == held


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_next_working_day_is_a_weekday_within_two_weeks(day):
    held = rules_calendar.next_working_day(day, HOLIDAYS.__contains__)
    assert held.weekday() < 5 and held not in HOLIDAYS and timedelta(0) <= held - day < timedelta(days=14)


def test_thematic_meeting_every_quarter():
    assert rules_calendar.thematic_months(2) == [2, 5, 8, 11]
    assert rules_calendar.quarters_without_thematic([date(2026, 2, 5), date(2026, 8, 5)], 2026) == [2, 4]


def test_terms_and_numbers():
    assert rules_docs.term_start_year(date(2026, 3, 5)) == 2025
    assert rules_docs.term_start_year(date(2030, 1, 2)) == 2030
    assert rules_docs.document_number(number=5, doc_type="NQ") == "05-NQ/CB"


def test_documents_one_day_before():
    meeting = datetime(2026, 3, 5, 19, 30)
    assert rules_docs.documents_available_in_time(published_at=datetime(2026, 3, 4, 19, 30), meeting_at=meeting)
    assert not rules_docs.documents_available_in_time(published_at=datetime(2026, 3, 5, 8, 0), meeting_at=meeting)
    assert not rules_docs.documents_available_in_time(published_at=None, meeting_at=meeting)
