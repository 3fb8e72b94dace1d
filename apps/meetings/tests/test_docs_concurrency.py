"""Two adoptions at once never get the same document number (PostgreSQL: row lock on the cell)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.common.testing import in_threads
from apps.meetings.models import DocumentNumber, Minutes
from apps.meetings.services import docs as services_docs
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.testing import make_meeting
from apps.members.testing import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL only"),
]


def test_parallel_issues_get_distinct_numbers_and_a_meeting_keeps_one(transactional_db):
    world = build_world()
    meetings = [make_meeting(world.cell_a1) for _ in range(6)]
    # Each meeting's number asked for by two adopting transactions at the same moment.
    work = [m for m in meetings for _ in range(2)]
    issued = in_threads(
        lambda m: services_docs.document_number_issue(meeting=m, doc_type="NQ"), work, workers=len(work)
    )
    by_meeting = {}
    for meeting, number in zip(work, issued, strict=True):
        by_meeting.setdefault(meeting.pk, set()).add(number.number)
    assert all(len(numbers) == 1 for numbers in by_meeting.values())
    assert sorted(n for numbers in by_meeting.values() for n in numbers) == list(range(1, 7))
    assert DocumentNumber.objects.count() == 6


def test_parallel_adoptions_get_distinct_numbers_in_one_series(transactional_db):
    """Numbers are issued when minutes are adopted: six meetings' minutes adopted at the same moment, each from two
    devices, get six distinct numbers 01..06; each meeting's second adoption is refused and issues nothing."""
    world = build_world()
    meetings = [services_live.meeting_start(meeting=make_meeting(world.cell_a1)) for _ in range(6)]
    for meeting in meetings:
        Minutes.objects.create(meeting=meeting, text="Biên bản.")

    def adopt(meeting):
        try:
            services_minutes.minutes_adopt(meeting=meeting, revision=1, by=world.secretary)
            return "adopted"
        except ValidationError:
            return "refused"

    work = [m for m in meetings for _ in range(2)]
    results = in_threads(adopt, work, workers=len(work))
    assert results.count("adopted") == 6 and results.count("refused") == 6
    numbers = dict(DocumentNumber.objects.filter(doc_type="BB").values_list("meeting_id", "number"))
    assert set(numbers) == {m.pk for m in meetings} and sorted(numbers.values()) == list(range(1, 7))
