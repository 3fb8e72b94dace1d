"""The arithmetic of the meetings' metrics (docs/scoring.md §Metrics) over plain values; the metrics themselves are
read from the record by apps/quality/queries/metrics.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def max_streak(meeting_ids: Sequence[int], excused: Iterable[tuple[int, int]]) -> int:
    """The longest run of consecutive meetings (in the given order) any member missed with a reason.

    ``excused``: (member_id, meeting_id) pairs of absences with reason; any other status, or no row, breaks the run."""
    by_member: dict[int, set[int]] = defaultdict(set)
    for member_id, meeting_id in excused:
        by_member[member_id].add(meeting_id)
    longest = 0
    for missed in by_member.values():
        run = 0
        for meeting_id in meeting_ids:
            run = run + 1 if meeting_id in missed else 0
            longest = max(longest, run)
    return longest


def results_share(*, tasks_done: int, tasks_due: int, targets_met: int, targets_due: int) -> float | None:
    """Share of last month's tasks done and targets met, together (percent)."""
    return percent(tasks_done + targets_met, tasks_due + targets_due)
