"""Rules of votes (DOMAIN.md §5): who may vote, paper ballots, secret results, counts. No ORM, no request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Voter:
    """What the eligible-members rule needs to know about one member of the cell at the meeting."""

    official: bool
    exempt: bool = False
    attended: bool = False
    excused_all_session: bool = False
    attached_elsewhere: bool = False
    suspended: bool = False
    visiting: bool = False  # a member of another cell attending while temporarily attached here: no vote here


def eligible_count(voters: Iterable[Voter]) -> int:
    """Members whose approval counts towards a resolution (DOMAIN.md §5, Charter art. 3).

    Official members summoned, minus those temporarily attached elsewhere, exempted members who did not come,
    suspended or detained members, and those absent all session with an accepted reason; an exempted or attached
    member who does come counts again. Probationary members never vote, nor do members of other cells attending while
    attached here. The base is *not* the members present."""
    count = 0
    for v in voters:
        if not v.official or v.suspended or v.visiting:
            continue
        if (v.exempt or v.attached_elsewhere) and not v.attended:
            continue
        if v.excused_all_session and not v.attended:
            continue
        count += 1
    return count


def may_vote(voter: Voter) -> bool:
    """Only official members of the cell who are at the meeting cast a ballot."""
    return voter.official and voter.attended and not voter.suspended and not voter.visiting


@dataclass(frozen=True)
class PaperBallots:
    """The vote-counting board's figures for the paper ballots of a secret vote (biên bản kiểm phiếu).

    A paper ballot has three boxes, "Tán thành", "Không tán thành" and "Không biểu quyết"; a valid ballot has exactly
    one of them ticked, so an abstention is a ballot with "Không biểu quyết" ticked (valid, and not approving). A
    blank ballot, one with more than one box ticked, or a spoiled one is invalid: it counts among the returned
    ballots and, like every ballot that does not approve, against the majority of the eligible members."""

    issued: int = 0
    returned: int = 0
    valid: int = 0
    invalid: int = 0
    approving: int = 0
    against: int = 0
    abstain: int = 0


MIN_BALLOTS_SHOWN = 3  # fewer ballots than this and a result would tell how someone voted


def secret_result_withheld(*, paper_returned: int, electronic: int) -> bool:
    """No figure of a secret vote is shown while fewer than three ballots are in (paper returned + electronic), nor
    when one or two electronic ballots are counted with paper ones: the board knows the paper figures, so the total
    minus them would tell those one or two members' choices."""
    if paper_returned + electronic < MIN_BALLOTS_SHOWN:
        return True
    return paper_returned > 0 and 0 < electronic < MIN_BALLOTS_SHOWN


def secret_close_errors(*, paper_returned: int, electronic: int) -> list[str]:
    """A secret vote closes only with a result that can be announced (or with no ballot at all, after confirming):
    otherwise the remaining ballots are collected, or the vote is voided and held again."""
    total = paper_returned + electronic
    if 0 < total < MIN_BALLOTS_SHOWN:
        return [
            _(
                "Only %(n)s ballots are in: announcing the result would tell how they voted. Collect the other "
                "ballots, or void this vote and hold it again."
            )
            % {"n": total}
        ]
    if paper_returned > 0 and 0 < electronic < MIN_BALLOTS_SHOWN:
        return [
            _(
                "%(n)s ballots were cast on phones besides the paper ones: counted together, the board could work "
                "out how they voted. At least three are needed, or void this vote and hold it on paper only."
            )
            % {"n": electronic}
        ]
    return []


def recast_allowed(*, receipts: int, ballots: int, unsealed: int) -> bool | None:
    """Whether a member whose receipt was left unsealed (their cast stopped between the receipt and the ballot) may
    cast again, from the vote's counts alone — a receipt says nothing of which ballot is its own.

    Casts of a vote are taken one at a time, so no other cast is under way. Every receipt has at most one ballot.
    ``receipts - ballots`` receipts have none. When that is all the unsealed receipts, this one has none either: cast
    again (True). When every receipt has its ballot, this one has too: it was counted (False). Otherwise some unsealed
    receipts have a ballot and some have not, and nobody can tell which: None (the vote is voided and held again)."""
    missing = receipts - ballots
    if missing <= 0:
        return False
    if missing == unsealed:
        return True
    return None


def unsealed_errors(*, receipts: int, ballots: int) -> list[str]:
    """A secret vote closes only when every receipt has its sealed ballot: a receipt without one is a member whose
    ballot was lost half way, who may cast it again (recast_allowed)."""
    if receipts <= ballots:
        return []
    return [
        _(
            "%(n)s ballots cast on phones were not stored (the server stopped while they were cast): the members "
            "concerned see the ballot again on their phone and can cast it. Otherwise void this vote and hold it again."
        )
        % {"n": receipts - ballots}
    ]


def paper_ballot_errors(*, paper: PaperBallots, electronic: int, voters_present: int) -> list[str]:
    """The board's figures must add up, and no more ballots may be out than official members present who vote."""
    p = paper
    if min(p.issued, p.returned, p.valid, p.invalid, p.approving, p.against, p.abstain) < 0:
        return [_("Counts cannot be negative.")]
    errors = []
    if p.returned > p.issued:
        errors.append(
            _("%(returned)s ballots were returned but only %(issued)s were issued.")
            % {"returned": p.returned, "issued": p.issued}
        )
    if p.valid + p.invalid != p.returned:
        errors.append(
            _("Valid (%(valid)s) and invalid (%(invalid)s) ballots must add up to the ballots returned (%(returned)s).")
            % {"valid": p.valid, "invalid": p.invalid, "returned": p.returned}
        )
    if p.approving + p.against + p.abstain != p.valid:
        errors.append(
            _("For, against and abstaining (%(counted)s) must add up to the valid ballots (%(valid)s).")
            % {"counted": p.approving + p.against + p.abstain, "valid": p.valid}
        )
    if p.issued + electronic > voters_present:
        errors.append(
            _(
                "%(issued)s paper ballots issued and %(electronic)s cast on phones make more than the %(present)s "
                "official members present who may vote."
            )
            % {"issued": p.issued, "electronic": electronic, "present": voters_present}
        )
    return errors


@dataclass(frozen=True)
class VoteResult:
    """A vote's figures as they may be shown. A voided vote and a secret vote whose figures are withheld (see
    ``secret_result_withheld``) never pass; a withheld one carries no count at all."""

    approving: int
    against: int
    abstain: int
    eligible: int
    void: bool = False
    withheld: bool = False
    paper: PaperBallots | None = None  # a secret vote's paper ballots, when the board entered them
    electronic: int = 0  # a secret vote's ballots cast on phones

    @property
    def passed(self) -> bool:
        """Valid only when more than half of the eligible members approve."""
        if self.void or self.withheld:
            return False
        return self.eligible > 0 and self.approving * 2 > self.eligible

    @property
    def percent(self) -> float:
        return round(self.approving * 100 / self.eligible, 1) if self.eligible else 0.0

    @property
    def cast(self) -> int:
        return self.approving + self.against + self.abstain


def vote_errors(*, approving: int, against: int, abstain: int, voters_present: int) -> list[str]:
    """Counts entered for an open vote cannot exceed the official members present."""
    errors = []
    if min(approving, against, abstain) < 0:
        errors.append(_("Counts cannot be negative."))
    if approving + against + abstain > voters_present:
        errors.append(
            _("%(cast)s votes were entered but only %(present)s official members are present.")
            % {"cast": approving + against + abstain, "present": voters_present}
        )
    return errors
