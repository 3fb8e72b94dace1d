"""The rules of votes held on paper and on phones: the board's figures must add up and stay within the official members
present who may vote; no secret result is shown, nor closed on, while it would tell how someone voted; a voided vote
never passes."""

import pytest
from django.utils import translation

from apps.meetings.rules import votes as rules_votes
from apps.meetings.rules.votes import PaperBallots, VoteResult


def too_many(issued, electronic, present):
    return (
        f"{issued} paper ballots issued and {electronic} cast on phones make more than the {present} official members "
        "present who may vote."
    )


def paper(issued=20, returned=20, valid=19, invalid=1, approving=15, against=3, abstain=1):
    return PaperBallots(issued, returned, valid, invalid, approving, against, abstain)


@pytest.mark.parametrize(
    ("figures", "electronic", "present", "expected"),
    [
        (paper(), 0, 20, []),
        (paper(), 0, 23, []),  # fewer ballots than members present: some left before the vote
        (paper(issued=0, returned=0, valid=0, invalid=0, approving=0, against=0, abstain=0), 0, 5, []),
        (paper(issued=18, returned=18, valid=18, invalid=0, approving=18, against=0, abstain=0), 3, 21, []),
        # returned ≤ issued
        (paper(issued=19), 0, 20, ["20 ballots were returned but only 19 were issued."]),
        # valid + invalid = returned
        (
            paper(valid=18),
            0,
            20,
            [
                "Valid (18) and invalid (1) ballots must add up to the ballots returned (20).",
                "For, against and abstaining (19) must add up to the valid ballots (18).",
            ],
        ),
        # for + against + abstain = valid
        (paper(abstain=0), 0, 20, ["For, against and abstaining (18) must add up to the valid ballots (19)."]),
        # issued + electronic ≤ official members present who may vote
        (
            paper(),
            0,
            19,
            [too_many(20, 0, 19)],
        ),
        (
            paper(issued=18, returned=18, valid=18, invalid=0, approving=18, against=0, abstain=0),
            3,
            20,
            [too_many(18, 3, 20)],
        ),
        (paper(approving=-1, against=4), 0, 20, ["Counts cannot be negative."]),
    ],
)
def test_paper_ballot_figures(figures, electronic, present, expected):
    with translation.override("en"):
        assert rules_votes.paper_ballot_errors(paper=figures, electronic=electronic, voters_present=present) == expected


@pytest.mark.parametrize(
    ("paper_returned", "electronic", "withheld", "close_refused"),
    [
        (0, 0, True, False),  # nothing in: nothing to tell (closing asks for confirmation instead)
        (1, 0, True, True),
        (2, 0, True, True),
        (0, 1, True, True),
        (0, 2, True, True),
        (1, 1, True, True),
        (3, 0, False, False),
        (0, 3, False, False),
        (2, 1, True, True),  # three ballots, but the board knows the two paper ones: total − paper = the phone one
        (18, 1, True, True),
        (18, 2, True, True),
        (18, 3, False, False),
        (1, 3, False, False),  # one paper ballot among phone ones: only the board, which counted it, knows it
        (20, 0, False, False),
    ],
)
def test_a_secret_result_is_never_shown_when_it_would_tell_a_choice(
    paper_returned, electronic, withheld, close_refused
):
    assert rules_votes.secret_result_withheld(paper_returned=paper_returned, electronic=electronic) is withheld
    assert bool(rules_votes.secret_close_errors(paper_returned=paper_returned, electronic=electronic)) is close_refused


def test_voided_or_withheld_results_never_pass():
    assert VoteResult(approving=9, against=0, abstain=0, eligible=10).passed
    assert not VoteResult(approving=9, against=0, abstain=0, eligible=10, void=True).passed
    assert not VoteResult(approving=9, against=0, abstain=0, eligible=10, withheld=True).passed
    assert not VoteResult(approving=5, against=0, abstain=0, eligible=10).passed  # half is not more than half


@pytest.mark.parametrize(
    ("receipts", "ballots", "unsealed", "expected"),
    [
        (1, 0, 1, True),  # the only cast stopped before its ballot: cast again
        (5, 4, 1, True),  # four complete, this one lost its ballot
        (5, 3, 2, True),  # two stopped before their ballots, this one among them
        (5, 5, 1, False),  # every receipt has its ballot: this one was stored, its mark was lost
        (5, 5, 2, False),
        (5, 4, 2, None),  # one of the two unsealed got its ballot, nobody can tell which
    ],
)
def test_a_stopped_cast_is_cast_again_only_when_the_counts_prove_the_ballot_missing(
    receipts, ballots, unsealed, expected
):
    assert rules_votes.recast_allowed(receipts=receipts, ballots=ballots, unsealed=unsealed) is expected


def test_a_vote_does_not_close_while_a_receipt_has_no_ballot():
    assert rules_votes.unsealed_errors(receipts=3, ballots=3) == []
    with translation.override("en"):
        (error,) = rules_votes.unsealed_errors(receipts=4, ballots=3)
    assert error.startswith("1 ballots cast on phones were not stored")
