"""The preparation checklist as a pure rule over plain facts (DOMAIN.md §5, Hướng dẫn 42)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.queries.prep import DocumentFact, PreparationFacts, documents_available_at, preparation_checklist

MEETING = datetime(2026, 3, 5, 12, 30, tzinfo=UTC)  # 19:30 in Hà Nội
EARLY = MEETING - timedelta(days=3)


def checklist(**facts) -> dict:
    return {item.key: item for item in preparation_checklist(PreparationFacts(scheduled_at=MEETING, **facts))}


def complete(kind="regular", **overrides) -> dict:
    documents = [
        DocumentFact("draft_report", uploaded_at=EARLY, published_at=EARLY),
        DocumentFact("draft_resolution", uploaded_at=EARLY, published_at=EARLY),
    ]
    if kind == "thematic":
        documents.append(DocumentFact("lead_paper", uploaded_at=EARLY, published_at=EARLY, approved_at=EARLY))
    facts = {
        "kind": kind,
        "topic": "Học tập và làm theo Bác" if kind == "thematic" else "",
        "preparer": "Trần Thị Bí Thư",
        "documents": tuple(documents),
        "board_at": MEETING - timedelta(days=2),
        "board_minutes_at": MEETING - timedelta(days=2),
        "members_notified_at": EARLY,
        "supervisor_notified_at": EARLY,
    }
    facts.update(overrides)
    return checklist(**facts)


def test_a_complete_regular_preparation_ticks_every_item_with_its_time():
    items = complete()
    assert list(items) == [
        "preparer",
        "draft_report",
        "draft_resolution",
        "documents_in_time",
        "board_meeting",
        "members_notified",
        "supervisor_notified",
    ]
    assert all(item.done for item in items.values())
    assert items["documents_in_time"].at == EARLY
    assert items["board_meeting"].at == MEETING - timedelta(days=2)
    assert items["preparer"].at is None
    assert str(items["members_notified"].label)


def test_a_thematic_meeting_also_needs_its_topic_and_an_approved_lead_paper():
    items = complete("thematic")
    assert items["topic"].done and items["lead_paper"].done and items["lead_paper"].at == EARLY
    assert not complete("thematic", topic="  ")["topic"].done
    unapproved = (
        DocumentFact("draft_report", uploaded_at=EARLY, published_at=EARLY),
        DocumentFact("draft_resolution", uploaded_at=EARLY, published_at=EARLY),
        DocumentFact("lead_paper", uploaded_at=EARLY, published_at=EARLY),
    )
    assert not complete("thematic", documents=unapproved)["lead_paper"].done


def test_nothing_prepared():
    items = checklist(kind="regular")
    assert not any(item.done for item in items.values())
    assert all(item.at is None for item in items.values())


@pytest.mark.parametrize(
    ("published_hours_before", "done"),
    [(72, True), (24, True), (23, False), (1, False), (None, False)],
)
def test_documents_must_be_available_one_day_before(published_hours_before, done):
    published = None if published_hours_before is None else MEETING - timedelta(hours=published_hours_before)
    documents = (
        DocumentFact("draft_report", uploaded_at=EARLY, published_at=EARLY),
        DocumentFact("draft_resolution", uploaded_at=EARLY, published_at=published),
    )
    assert complete(documents=documents)["documents_in_time"].done is done


def test_every_required_kind_must_be_published_and_the_first_publication_of_each_counts():
    documents = (
        DocumentFact("draft_report", uploaded_at=EARLY, published_at=MEETING - timedelta(hours=30)),
        DocumentFact("draft_report", uploaded_at=EARLY, published_at=MEETING - timedelta(hours=2)),  # a later copy
        DocumentFact("draft_resolution", uploaded_at=EARLY, published_at=None),
    )
    facts = PreparationFacts(kind="regular", scheduled_at=MEETING, documents=documents)
    assert documents_available_at(facts) is None
    published = (*documents[:2], DocumentFact("draft_resolution", uploaded_at=EARLY, published_at=EARLY))
    facts = PreparationFacts(kind="regular", scheduled_at=MEETING, documents=published)
    assert documents_available_at(facts) == MEETING - timedelta(hours=30)


def test_other_documents_do_not_count():
    documents = (DocumentFact("other", uploaded_at=EARLY, published_at=EARLY),)
    items = complete(documents=documents)
    assert not items["draft_report"].done and not items["documents_in_time"].done


@pytest.mark.parametrize(
    ("board_at", "minutes_at", "ended", "done"),
    [
        (MEETING - timedelta(days=2), MEETING - timedelta(days=2), False, True),
        (MEETING - timedelta(days=2), None, True, True),  # held through the live record
        (MEETING - timedelta(days=2), None, False, False),  # scheduled, never recorded
        (MEETING + timedelta(hours=1), MEETING + timedelta(hours=2), False, False),  # after the meeting
        (None, None, False, False),
    ],
)
def test_the_board_pre_meeting_is_held_before_the_meeting(board_at, minutes_at, ended, done):
    items = complete(board_at=board_at, board_minutes_at=minutes_at, board_ended=ended)
    assert items["board_meeting"].done is done


def test_notices_after_the_meeting_do_not_count():
    late = MEETING + timedelta(minutes=5)
    items = complete(members_notified_at=late, supervisor_notified_at=None)
    assert not items["members_notified"].done and items["members_notified"].at == late
    assert not items["supervisor_notified"].done


@given(minutes_before=st.integers(min_value=-3 * 24 * 60, max_value=5 * 24 * 60))
def test_in_time_exactly_when_published_at_least_a_day_ahead(minutes_before):
    published = MEETING - timedelta(minutes=minutes_before)
    documents = tuple(
        DocumentFact(kind, uploaded_at=published, published_at=published)
        for kind in ("draft_report", "draft_resolution")
    )
    item = checklist(kind="regular", documents=documents)["documents_in_time"]
    assert item.done is (minutes_before >= 24 * 60)
    assert item.at == published
