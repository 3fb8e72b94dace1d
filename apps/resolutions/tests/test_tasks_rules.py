"""A task's status from its facts (rules.task_status): table tests from the issue's statuses (open / in progress /
done / late / dropped), with properties over any dates."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.resolutions.rules import follow as rules

DEADLINE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("today", "completed_on", "dropped", "has_progress", "expected"),
    [
        # Nothing logged yet, before and on the deadline: open.
        (date(2026, 3, 6), None, False, False, rules.OPEN),
        (DEADLINE, None, False, False, rules.OPEN),
        # Progress logged: in progress until the deadline.
        (date(2026, 3, 20), None, False, True, rules.IN_PROGRESS),
        (DEADLINE, None, False, True, rules.IN_PROGRESS),
        # The day after the deadline, not done: late, progress or not.
        (date(2026, 4, 1), None, False, False, rules.LATE),
        (date(2026, 4, 1), None, False, True, rules.LATE),
        # Done is a decision: done before, on or after the deadline stays done.
        (date(2026, 3, 20), date(2026, 3, 15), False, True, rules.DONE),
        (date(2026, 4, 10), DEADLINE, False, False, rules.DONE),
        (date(2026, 4, 10), date(2026, 4, 5), False, True, rules.DONE),
        # Dropped (with a reason) wins over everything.
        (date(2026, 3, 6), None, True, False, rules.DROPPED),
        (date(2026, 4, 10), None, True, True, rules.DROPPED),
        (date(2026, 4, 10), date(2026, 4, 5), True, True, rules.DROPPED),
    ],
)
def test_task_status_table(today, completed_on, dropped, has_progress, expected):
    status = rules.task_status(
        deadline=DEADLINE, today=today, completed_on=completed_on, dropped=dropped, has_progress=has_progress
    )
    assert status == expected


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [(None, False), (date(2026, 3, 30), False), (DEADLINE, False), (date(2026, 4, 1), True)],
)
def test_done_late_only_when_completed_after_the_deadline(completed_on, expected):
    assert rules.done_late(deadline=DEADLINE, completed_on=completed_on) is expected


@pytest.mark.parametrize(
    ("today", "completed_on", "dropped", "expected"),
    [
        (DEADLINE, None, False, False),
        (date(2026, 4, 1), None, False, True),
        (date(2026, 4, 1), date(2026, 4, 1), False, False),
        (date(2026, 4, 1), None, True, False),
    ],
)
def test_is_overdue(today, completed_on, dropped, expected):
    assert rules.is_overdue(deadline=DEADLINE, today=today, completed_on=completed_on, dropped=dropped) is expected


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(deadline=dates, today=dates, has_progress=st.booleans())
def test_an_undecided_task_is_late_exactly_after_its_deadline(deadline, today, has_progress):
    status = rules.task_status(deadline=deadline, today=today, has_progress=has_progress)
    assert (status == rules.LATE) == (today > deadline)
    if today <= deadline:
        assert status == (rules.IN_PROGRESS if has_progress else rules.OPEN)


@given(deadline=dates, today=dates, completed_on=st.one_of(st.none(), dates), has_progress=st.booleans())
def test_decisions_do_not_depend_on_the_calendar(deadline, today, completed_on, has_progress):
    dropped = rules.task_status(
        deadline=deadline, today=today, completed_on=completed_on, dropped=True, has_progress=has_progress
    )
    assert dropped == rules.DROPPED
    if completed_on is not None:
        done = rules.task_status(deadline=deadline, today=today, completed_on=completed_on, has_progress=has_progress)
        assert done == rules.DONE


@given(deadline=dates, days=st.integers(min_value=1, max_value=400))
def test_waiting_never_turns_a_late_task_back(deadline, days):
    late_day = deadline + timedelta(days=1)
    assert rules.task_status(deadline=deadline, today=late_day) == rules.LATE
    assert rules.task_status(deadline=deadline, today=late_day + timedelta(days=days - 1)) == rules.LATE
