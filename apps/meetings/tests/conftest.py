"""Fixtures the meetings' tests share (the personas' world and its history are in the root conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.meetings.queries import meeting as queries
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting


@pytest.fixture
def day(history_world):
    """Today's meeting of A1 (members with a year of meetings behind them), in progress. Ten official members: the
    exempted one stays home, one is excused, one absent without reason, seven present, and the probationary member
    present: 8 eligible members (the base of the result), 7 official members present who may vote."""
    h = history_world.history
    meeting = services_live.meeting_start(
        meeting=make_meeting(history_world.cell_a1, when=timezone.now() + timedelta(minutes=30))
    )
    officials = [m for m in h.members if m not in (h.exempted, h.probationary)]
    excused, unexcused, *present = officials
    services_live.attendance_mark(meeting=meeting, member=excused, status="excused", reason="Ốm")
    services_live.attendance_mark(meeting=meeting, member=unexcused, status="unexcused")
    for member in [*present, h.probationary]:
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    rows = queries.roll_call(meeting)
    assert (queries.eligible(rows), queries.voters_present(rows)) == (8, 7)
    history_world.meeting, history_world.present = meeting, present
    return history_world
