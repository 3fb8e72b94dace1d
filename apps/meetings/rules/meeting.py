"""Meeting rules as plain functions over plain values (DOMAIN.md §4–§5). No ORM, no request."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

# ---------------------------------------------------------------------------------------------- calendar


def next_working_day(day: date, is_holiday: Callable[[date], bool]) -> date:
    """A meeting that falls on a weekend or a public holiday moves to the next working day."""
    while day.weekday() >= 5 or is_holiday(day):
        day += timedelta(days=1)
    return day


def monthly_dates(year: int, day_of_month: int, is_holiday: Callable[[date], bool]) -> list[date]:
    """The twelve regular meeting dates of a year under a cell's local rule."""
    return [next_working_day(date(year, month, day_of_month), is_holiday) for month in range(1, 13)]


def thematic_months(month_of_quarter: int) -> list[int]:
    """At least one thematic meeting per quarter: the given month (1–3) of each quarter."""
    if not 1 <= month_of_quarter <= 3:
        raise ValueError(month_of_quarter)
    return [quarter * 3 + month_of_quarter for quarter in range(4)]


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarters_without_thematic(thematic_dates: Iterable[date], year: int) -> list[int]:
    held = {quarter_of(d) for d in thematic_dates if d.year == year}
    return [q for q in (1, 2, 3, 4) if q not in held]


# ---------------------------------------------------------------------------------------------- attendance

PRESENT = "present"
LATE = "late"
EXCUSED = "excused"
UNEXCUSED = "unexcused"
EXEMPT = "exempt"
ATTACHED = "attached"  # not a mark: an unmarked member temporarily attached to another cell on the meeting's day


@dataclass(frozen=True)
class AttendanceSummary:
    total: int  # members of the cell summoned, exempted included
    present: int  # present or late
    late: int
    excused: int
    unexcused: int
    exempt_absent: int  # exempted members who did not come
    unmarked: int
    attached_absent: int = 0  # members meeting with another cell for a while (sinh hoạt tạm thời) who did not come

    @property
    def expected(self) -> int:
        """The base of the attendance rate: exempted and temporarily attached members are excluded unless they came."""
        return self.total - self.exempt_absent - self.attached_absent

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.expected) if self.expected else None

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else round(float(self.rate) * 100, 1)

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused


def summarise_attendance(statuses: Iterable[str | None]) -> AttendanceSummary:
    """Counts from one status per member of the cell (None while not yet marked).

    An exempted or temporarily attached member who comes is marked present and then counts like everyone else
    (DOMAIN.md §5, §9). Members of other cells attending while attached here are not the cell's: leave them out."""
    counts = {PRESENT: 0, LATE: 0, EXCUSED: 0, UNEXCUSED: 0, EXEMPT: 0, ATTACHED: 0, None: 0}
    total = 0
    for status in statuses:
        counts[status] += 1
        total += 1
    return AttendanceSummary(
        total=total,
        present=counts[PRESENT] + counts[LATE],
        late=counts[LATE],
        excused=counts[EXCUSED],
        unexcused=counts[UNEXCUSED],
        exempt_absent=counts[EXEMPT],
        unmarked=counts[None],
        attached_absent=counts[ATTACHED],
    )


def duration_norm_minutes(*, members: int, combined_session: bool = False) -> int:
    """Minimum duration: 90 minutes, 120 when thematic and regular meetings share a session (HD 42).

    Committees may set other norms (e.g. one ward: ≥30 members → 120); those come as rule data with scoring."""
    return 120 if combined_session else 90


# ---------------------------------------------------------------------------------------------- votes


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
    from django.utils.translation import gettext as _

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


def paper_ballot_errors(*, paper: PaperBallots, electronic: int, voters_present: int) -> list[str]:
    """The board's figures must add up, and no more ballots may be out than official members present who vote."""
    from django.utils.translation import gettext as _

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
    from django.utils.translation import gettext as _

    errors = []
    if min(approving, against, abstain) < 0:
        errors.append(_("Counts cannot be negative."))
    if approving + against + abstain > voters_present:
        errors.append(
            _("%(cast)s votes were entered but only %(present)s official members are present.")
            % {"cast": approving + against + abstain, "present": voters_present}
        )
    return errors


# ---------------------------------------------------------------------------------------------- documents


def documents_available_in_time(*, published_at, meeting_at, days: int = 1) -> bool:
    """Documents must be available to members at least ``days`` before the meeting."""
    return published_at is not None and published_at <= meeting_at - timedelta(days=days)


def term_start_year(day: date, *, first_term_year: int = 2025, term_years: int = 5) -> int:
    """The party term (nhiệm kỳ) a date falls in; cell terms run 2025–2030, 2030–2035, …"""
    return first_term_year + ((day.year - first_term_year) // term_years) * term_years


def document_number(*, number: int, doc_type: str, issuer_abbrev: str = "CB") -> str:
    """ "05-NQ/CB": two digits from 01 within the term, the type, the issuer (DOMAIN.md §10)."""
    return f"{number:02d}-{doc_type}/{issuer_abbrev}"
