"""A member's notice state and the checklist item, as pure rules over plain facts."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.meetings.queries.notices import NoticeFact, notice_state
from apps.meetings.queries.prep import PreparationFacts, preparation_checklist

MEETING = datetime(2026, 3, 5, 12, 30, tzinfo=UTC)
T1, T2 = MEETING - timedelta(days=3), MEETING - timedelta(days=2)


@pytest.mark.parametrize(
    ("facts", "state", "channel"),
    [
        ([], "unreached", None),
        ([NoticeFact("email", "queued")], "pending", "email"),
        ([NoticeFact("email", "failed", attempts=4, last_error="SMTPException")], "failed", "email"),
        ([NoticeFact("email", "failed"), NoticeFact("email", "queued")], "pending", "email"),
        ([NoticeFact("email", "failed"), NoticeFact("in_person", "sent", T2)], "reached", "in_person"),
        ([NoticeFact("sms", "sent", T2), NoticeFact("email", "sent", T1)], "reached", "email"),  # the first counts
    ],
)
def test_a_members_notice(facts, state, channel):
    got, fact = notice_state(facts)
    assert got == state and (fact.channel if fact else None) == channel


@pytest.mark.parametrize(
    ("reached", "total", "last", "done"),
    [
        (0, 2, None, False),  # the reported defect: nobody reached
        (24, 25, None, False),
        (25, 25, T2, True),
        (25, 25, MEETING + timedelta(minutes=1), False),  # the last member was told after the meeting started
        (0, 0, None, False),  # a cell without members has nobody notified
    ],
)
def test_members_notified_is_done_when_everyone_received_it_before_the_meeting(reached, total, last, done):
    facts = PreparationFacts(
        kind="regular",
        scheduled_at=MEETING,
        members_notified_at=last,
        members_to_notify=total,
        members_reached=reached,
    )
    item = next(i for i in preparation_checklist(facts) if i.key == "members_notified")
    assert item.done is done and item.progress == (reached, total)
