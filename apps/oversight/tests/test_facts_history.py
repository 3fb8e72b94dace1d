"""The facts rebuilt on a world with a year of history agree with what the meeting pages and the score show, and the
rebuild command replaces the table in place."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.meetings.queries import meeting as meeting_queries
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, StaleCellMonth
from apps.oversight.queries.facts import compute_cell_months
from apps.oversight.rules.periods import month_of
from apps.oversight.services import facts
from apps.quality.queries.metrics import metrics_for_meetings

COLUMNS = (*FLOW_FIELDS, *STOCK_FIELDS)


def table() -> dict:
    return {(r.cell_id, r.month): tuple(getattr(r, n) for n in COLUMNS) for r in CellMonth.objects.all()}


def test_each_month_says_what_the_meeting_pages_say(history_world, django_assert_max_num_queries):
    world, history = history_world, history_world.history
    assert StaleCellMonth.objects.exists()  # the history's writes marked their months
    with django_assert_max_num_queries(40):  # 3 cells × 13 months: one batch
        stored = facts.rebuild()
    assert stored == 3 * 13 and not StaleCellMonth.objects.exists()
    rows = {(r.cell_id, r.month): r for r in CellMonth.objects.all()}
    assert min(month for _, month in rows) == date(2025, 12, 1)  # the first meeting's month
    metrics = metrics_for_meetings([*history.meetings, *history.a2_meetings])
    for meeting in [*history.meetings, *history.a2_meetings]:
        row = rows[(meeting.cell_id, month_of(timezone.localdate(meeting.scheduled_at)))]
        page = meeting_queries.summary(meeting_queries.roll_call(meeting))  # the meeting page's attendance
        score = metrics[meeting.pk]
        assert (row.regular_planned, row.regular_held, row.regular_on_time, row.sittings_held) == (1, 1, 1, 1)
        assert (row.attendance_expected, row.attendance_present) == (page.expected, page.present)
        assert (row.unexcused_absences, row.excused_absences) == (page.unexcused, page.excused)
        assert (row.attendees, row.speakers) == (score["attendees"], score["speakers"])
        assert (row.quality_unscored, row.scores_unconfirmed) == (1, 0)
    a1 = {month: row for (cell, month), row in rows.items() if cell == world.cell_a1.pk}
    a2 = {month: row for (cell, month), row in rows.items() if cell == world.cell_a2.pk}
    december, july = date(2026, 12, 1), date(2026, 7, 1)
    assert a1[december].regular_planned == 0
    stock = (a1[december].members_official, a1[december].members_probationary, a1[december].members_exempt)
    assert stock == (10, 1, 1)
    assert (a1[july].transferred_in, a2[july].transferred_out) == (1, 1)  # moved from A2 on 3 July
    assert (a1[date(2026, 6, 1)].members_official, a1[july].members_official) == (9, 10)
    assert a1[date(2026, 3, 1)].admitted == 1  # the probationary member
    assert [a1[m].members_exempt for m in sorted(a1)][-6:] == [0, 1, 1, 1, 1, 1]  # exempted since 1 August
    # The kept table is the computation from scratch.
    assert table() == {(r.cell_id, r.month): tuple(getattr(r, n) for n in COLUMNS) for r in compute_cell_months(rows)}


def test_a_whole_history_is_computed_in_one_batch_of_queries(history_world, django_assert_max_num_queries):
    pairs = [
        (cell.pk, month)
        for cell in (history_world.cell_a1, history_world.cell_a2)
        for month in facts.months_between(date(2025, 12, 1), date(2026, 12, 1))
    ]
    with django_assert_max_num_queries(25):
        rows = compute_cell_months(pairs)
    assert sum(row.regular_held for row in rows) == 12 + 7


def test_the_command_rebuilds_in_place(history_world):
    out = StringIO()
    call_command("rebuild_facts", stdout=out)
    first = table()
    assert "39/39 cell-months" in out.getvalue() and "Rebuilt 39 cell-months from 12/2025 to 12/2026" in out.getvalue()
    CellMonth.objects.filter(month=date(2026, 11, 1)).update(attendance_present=999)  # spoilt
    call_command("rebuild_facts", stdout=StringIO())
    assert table() == first and CellMonth.objects.count() == 39
    out = StringIO()
    call_command("rebuild_facts", "--since", "2026-11", stdout=out)
    assert "6/6 cell-months" in out.getvalue() and table() == first
    for bad in ("2026/11", "2027-01", "11-2026x"):
        with pytest.raises(CommandError):
            call_command("rebuild_facts", "--since", bad, stdout=StringIO())
