"""Parallel writers on PostgreSQL: agenda edits from several devices keep positions 1..n, concurrent saves of
the same draft minutes let exactly one through (the others are told, nothing is lost), corrections get
distinct version numbers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.common.testing import WORKERS, in_threads
from apps.meetings.models import AgendaItem, Minutes, MinutesVersion
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import prep as services_prep
from apps.meetings.services.minutes import StaleMinutes
from apps.meetings.testing import make_meeting
from apps.members.testing import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL only"),
]


@pytest.fixture
def meeting(transactional_db):
    world = build_world()
    return world, make_meeting(world.cell_a1)


def positions(meeting) -> list[int]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("position", flat=True))


def test_parallel_agenda_adds_get_consecutive_positions(meeting):
    world, meeting = meeting
    titles = [f"Mục bổ sung {i:02d}" for i in range(16)]
    in_threads(lambda t: services_prep.agenda_item_add(meeting=meeting, title=t, section="body"), titles)
    assert positions(meeting) == list(range(1, 13 + 16 + 1))
    body = AgendaItem.objects.filter(meeting=meeting, title__in=titles).values_list("position", flat=True)
    assert sorted(body) == list(range(10, 10 + 16))  # after the 9 items of the template's opening and body


def test_parallel_moves_adds_and_removals_keep_positions_consistent(meeting):
    world, meeting = meeting
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))

    def work(i):
        try:
            if i % 3 == 0:
                services_prep.agenda_item_add(meeting=meeting, title=f"Mới {i}", section="opening")
            elif i % 3 == 1:
                services_prep.agenda_item_move(item=items[i % len(items)], offset=1)
            else:
                services_prep.agenda_item_delete(item=items[i % len(items)])
        except ValidationError:
            pass  # the item was removed by someone else meanwhile

    in_threads(work, list(range(24)))
    rows = list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("position", "section"))
    assert [p for p, _s in rows] == list(range(1, len(rows) + 1))
    order = ["opening", "body", "closing"]
    assert [s for _p, s in rows] == sorted((s for _p, s in rows), key=order.index)


def test_parallel_saves_of_the_same_revision_let_one_through(meeting):
    world, meeting = meeting
    services_minutes.minutes_generate(meeting=meeting)

    def save(i):
        try:
            services_minutes.minutes_save(meeting=meeting, text=f"Bản {i}", revision=1)
            return "saved"
        except StaleMinutes as exc:
            return exc.current_text

    results = in_threads(save, list(range(WORKERS)))
    minutes = Minutes.objects.get(meeting=meeting)
    assert results.count("saved") == 1 and minutes.revision == 2
    assert all(r == minutes.text for r in results if r != "saved")  # everyone else sees the text that won


def test_parallel_corrections_get_distinct_version_numbers(meeting):
    world, meeting = meeting
    services_live.meeting_start(meeting=meeting)
    minutes = services_minutes.minutes_generate(meeting=meeting)
    services_minutes.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
    in_threads(
        lambda i: services_minutes.minutes_correct(
            meeting=meeting, text=f"Sửa {i}", reason=f"Lý do {i}", by=world.staff
        ),
        list(range(WORKERS)),
    )
    numbers = sorted(MinutesVersion.objects.filter(minutes=minutes).values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS + 2))
    latest = MinutesVersion.objects.get(minutes=minutes, number=WORKERS + 1)
    assert Minutes.objects.get(pk=minutes.pk).text == latest.text
