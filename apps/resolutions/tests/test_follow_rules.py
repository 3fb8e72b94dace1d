"""How a cell's assignments from above combine into one status for "x/y cells done (z%)" (a plain function)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.resolutions.queries.follow import combined_status
from apps.resolutions.rules.follow import DONE, DROPPED, IN_PROGRESS, LATE, OPEN


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], (OPEN, False)),
        ([(DONE, False)], (DONE, False)),
        ([(DONE, False), (DONE, True)], (DONE, True)),
        ([(DONE, False), (DROPPED, False)], (DONE, False)),  # a dropped task does not hold the cell back
        ([(DROPPED, False), (DROPPED, False)], (DROPPED, False)),
        ([(DONE, False), (LATE, False)], (LATE, False)),
        ([(DONE, False), (OPEN, False)], (IN_PROGRESS, False)),  # part done: moving
        ([(OPEN, False), (IN_PROGRESS, False)], (IN_PROGRESS, False)),
        ([(OPEN, False), (OPEN, False)], (OPEN, False)),
        ([(LATE, False), (IN_PROGRESS, False)], (LATE, False)),
    ],
)
def test_combined_status_table(pairs, expected):
    assert combined_status(pairs) == expected


statuses = st.lists(st.tuples(st.sampled_from([OPEN, IN_PROGRESS, DONE, LATE, DROPPED]), st.booleans()), max_size=8)


@given(statuses)
def test_combined_status_properties(pairs):
    status, late = combined_status(pairs)
    live = [s for s, _ in pairs if s != DROPPED]
    assert (status == DONE) == (bool(live) and all(s == DONE for s in live))
    assert (status == LATE) == (LATE in live)
    assert (status == DROPPED) == (bool(pairs) and not live)
    assert not late or status == DONE


@given(statuses)
def test_a_single_assignment_keeps_its_status(pairs):
    for pair in pairs:
        status, late = combined_status([pair])
        assert status == pair[0] and late == (pair[0] == DONE and pair[1])
