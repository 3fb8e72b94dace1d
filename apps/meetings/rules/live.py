"""Rules of the meeting itself (DOMAIN.md §5): attendance and its summary, the duration norm. No ORM, no request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

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
