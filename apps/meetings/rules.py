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


@dataclass(frozen=True)
class AttendanceSummary:
    total: int  # members of the cell summoned, exempted included
    present: int  # present or late
    late: int
    excused: int
    unexcused: int
    exempt_absent: int  # exempted members who did not come
    unmarked: int

    @property
    def expected(self) -> int:
        """The base of the attendance rate: exempted members are excluded unless they came."""
        return self.total - self.exempt_absent

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

    An exempted member who comes is marked present and then counts like everyone else (DOMAIN.md §9)."""
    counts = {PRESENT: 0, LATE: 0, EXCUSED: 0, UNEXCUSED: 0, EXEMPT: 0, None: 0}
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


def eligible_count(voters: Iterable[Voter]) -> int:
    """Members whose approval counts towards a resolution (DOMAIN.md §5, Charter art. 3).

    Official members summoned, minus those temporarily attached elsewhere, exempted members who did not come,
    suspended or detained members, and those absent all session with an accepted reason. Probationary members
    never vote. The base is *not* the members present."""
    count = 0
    for v in voters:
        if not v.official or v.attached_elsewhere or v.suspended:
            continue
        if v.exempt and not v.attended:
            continue
        if v.excused_all_session and not v.attended:
            continue
        count += 1
    return count


def may_vote(voter: Voter) -> bool:
    """Only official members who are at the meeting cast a ballot."""
    return voter.official and voter.attended and not voter.suspended


@dataclass(frozen=True)
class VoteResult:
    approving: int
    against: int
    abstain: int
    eligible: int

    @property
    def passed(self) -> bool:
        """Valid only when more than half of the eligible members approve."""
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
