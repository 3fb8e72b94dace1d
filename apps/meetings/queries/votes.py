"""Reads of the votes of a meeting: the one lookup of votes, what has been entered so far, and the votes section of
the meeting screen (drawn by the ``meeting_votes`` tag library over what the screen already read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from apps.common.scoping import VIEW
from apps.meetings.models import BallotReceipt, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import votes as rules_votes


def votes_for(user, action: str = VIEW) -> QuerySet[Vote]:
    """The one lookup of votes for views: those ``user`` may ``action``, with their meeting and its cell."""
    return Vote.objects.visible_to(user, action).select_related("meeting__cell")


def has_voted(vote: Vote, member) -> bool:
    """Whether the member has cast their secret ballot on the vote (the receipt, never the choice). A receipt left
    unsealed (the cast stopped half way) does not count: the ballot is offered again, and casting it tells whether
    it was stored after all (services.votes.ballot_cast)."""
    return BallotReceipt.objects.filter(vote=vote, member=member, sealed=True).exists()


def counted(vote: Vote) -> int:
    """How many hands or ballots have been entered so far (paper returned and phone ballots of a secret vote: while
    it is open, the receipts — queries.meeting.phone_ballots)."""
    if vote.method == Vote.Method.SECRET:
        return vote.paper_returned + queries.phone_ballots(vote)
    return vote.votes_for + vote.votes_against + vote.votes_abstain


@dataclass(frozen=True)
class VoteLine:
    vote: Vote
    result: rules_votes.VoteResult
    counted: int  # hands or ballots entered so far
    voided_by: str = ""
    close_blocked: tuple[str, ...] = ()  # why an open secret vote cannot close yet (rules_votes.secret_close_errors)


@dataclass(frozen=True)
class VotesSection:
    lines: list[VoteLine]
    voters_present: int  # official members present who may vote: the bound of every count entered
    resolution_voted: bool  # the resolution is being voted or passed: the next question is another one


def votes_section(
    votes: Sequence[tuple[Vote, rules_votes.VoteResult]], rows: list[queries.RollCallRow]
) -> VotesSection:
    """The votes section from what the meeting screen read (its votes with their results, its roll call): at most
    one query, the names of those who voided votes."""
    voider_ids = {v.voided_by_id for v, _r in votes if v.voided_by_id}
    voiders = {u.pk: u for u in get_user_model().objects.filter(pk__in=voider_ids)} if voider_ids else {}
    lines = []
    for vote, result in votes:
        voider = voiders.get(vote.voided_by_id) if vote.voided_by_id is not None else None
        lines.append(
            VoteLine(
                vote=vote,
                result=result,
                counted=counted(vote),
                voided_by=(voider.get_full_name() or voider.username) if voider else "",
                close_blocked=tuple(
                    rules_votes.secret_close_errors(
                        paper_returned=vote.paper_returned, electronic=queries.phone_ballots(vote)
                    )
                )
                if vote.status == Vote.Status.OPEN and vote.method == Vote.Method.SECRET
                else (),
            )
        )
    return VotesSection(
        lines=lines,
        voters_present=queries.voters_present(rows),
        # A later question left on "adopt the resolution" and failing would stand in the way of its adoption.
        resolution_voted=any(
            v.purpose == Vote.Purpose.RESOLUTION and (v.status == Vote.Status.OPEN or r.passed) for v, r in votes
        ),
    )
