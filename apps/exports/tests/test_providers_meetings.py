"""The meetings' tables: a meeting's roll call, a cell's register of the year and the meetings' list hold the rows
their pages show, and nothing for those the pages refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.exports.rules.tables import Unavailable
from apps.exports.testing import column, rows, sheet, table
from apps.meetings.models import Attendance
from apps.meetings.queries.calendar import calendar_meetings
from apps.meetings.queries.meeting import roll_call, summary
from apps.meetings.testing import make_meeting

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- a meeting's roll call


def test_roll_call_rows_are_the_printed_sheets(history_world, client_for):
    world = history_world
    meeting = world.history.meetings[-1]
    made = table(world.secretary, "attendance", meeting=meeting.pk)
    lines = list(made.rows)
    expected = roll_call(meeting)
    assert made.count == len(lines) == len(expected)
    assert column(lines, 1) == [r.member.full_name for r in expected]
    page = client_for(world.secretary).get(reverse("meetings:print_attendance", args=[meeting.pk])).content.decode()
    assert all(name in page for name in column(lines, 1))
    counted = summary(expected)
    assert list(made.totals)[4:7] == [counted.present, counted.excused, counted.unexcused]
    assert sum(v or 0 for v in column(lines, 4)) == counted.present  # the marks add up to the summary
    exempted = next(line for line in lines if line[1] == world.history.exempted.full_name)
    assert (exempted[3], exempted[4:7]) == ("Miễn sinh hoạt", [None, None, None])  # not in the counts
    assert made.organisation == "Chi bộ 21" and meeting.get_kind_display() in made.period


def test_roll_call_sheet_has_the_summary_under_it(history_world):
    world = history_world
    meeting = world.history.meetings[-1]
    ws = sheet(table(world.staff, "attendance", meeting=meeting.pk))
    counted = summary(roll_call(meeting))
    first_cells = [row[0] for row in ws.iter_rows(values_only=True)]
    assert first_cells[-1].startswith(f"Tổng số đảng viên: {counted.total}; có mặt: {counted.present};")
    totals = [c.value for c in ws[ws.max_row - 1]]
    assert totals[0] == "Tổng cộng" and totals[4:7] == [counted.present, counted.excused, counted.unexcused]


def test_the_roll_call_is_not_a_plain_members_nor_an_outsiders(history_world, client_for):
    world = history_world
    meeting = world.history.meetings[-1]
    for user in (world.member_user, world.outsider, world.supervisor):  # the supervisor follows A2, not A1
        with pytest.raises(Unavailable):
            table(user, "attendance", meeting=meeting.pk)
        url = reverse("exports:start", args=["attendance"]) + f"?meeting={meeting.pk}"
        assert client_for(user).get(url).status_code == 404
    assert table(world.inspector, "attendance", meeting=meeting.pk).count == len(roll_call(meeting))


# ---------------------------------------------------------------------------------------------- a cell's register


def test_register_counts_each_members_marks_of_the_year(history_world):
    world = history_world
    lines = rows(world.secretary, "register", cell=world.cell_a1.pk, year=2026)
    by_name = {line[1]: line for line in lines}
    marks = Attendance.objects.filter(
        meeting__cell=world.cell_a1, meeting__scheduled_at__year=2026, member=world.plain_member
    )
    present = marks.filter(status__in=["present", "late"]).count()
    line = by_name[world.plain_member.full_name]
    assert line[14] == present and line[14] + line[15] + line[16] == marks.exclude(status="exempt").count()
    assert sorted(by_name) == sorted(
        {a.member.full_name for a in Attendance.objects.filter(meeting__in=world.history.meetings[1:])}
    )
    months = line[2:14]
    assert months[11] == ""  # December's meeting is not held yet
    assert all(months[:11])  # a mark every month from January to November
    exempted = by_name[world.history.exempted.full_name]
    assert exempted[2 + 10] == "MS"  # exempted in November
    assert table(world.secretary, "register", cell=world.cell_a1.pk, year=2026).notes[0].startswith("x: Có mặt; ")


def test_register_for_a_year_without_meetings_is_empty_and_bad_years_are_refused(history_world):
    world = history_world
    assert table(world.secretary, "register", cell=world.cell_a1.pk, year=2020).count == 0
    with pytest.raises(Unavailable):
        table(world.secretary, "register", cell=world.cell_a1.pk, year=1900)


def test_register_is_not_a_plain_members_nor_an_outsiders(history_world):
    world = history_world
    for user in (world.member_user, world.outsider):
        with pytest.raises(Unavailable):
            table(user, "register", cell=world.cell_a1.pk, year=2026)
    assert table(world.staff, "register", cell=world.cell_a1.pk, year=2026).count >= 10


# ---------------------------------------------------------------------------------------------- the meetings' list


def test_meetings_list_is_the_calendar_pages(history_world):
    world = history_world
    make_meeting(world.cell_a1)  # a planned one, on the page too
    lines = rows(world.secretary, "meetings", org=world.cell_a1.pk, year=2026)
    page = list(calendar_meetings(world.secretary, cell=world.cell_a1, year=2026))
    assert len(lines) == len(page) == 12
    assert column(lines, 1) == [m.scheduled_at.astimezone().date() for m in page]
    assert set(column(lines, 3)) == {"Chi bộ 21"}


def test_meetings_of_a_commune_cover_its_cells_and_nothing_else(history_world):
    world = history_world
    make_meeting(world.cell_b1)
    lines = rows(world.staff, "meetings", org=world.commune_a.pk, year=2026)
    assert set(column(lines, 3)) == {"Chi bộ 21", "Chi bộ Thôn Đông"}
    with pytest.raises(Unavailable):
        table(world.outsider, "meetings", org=world.commune_a.pk, year=2026)
    assert set(column(rows(world.outsider, "meetings", org=world.cell_b1.pk, year=2026), 3)) <= {"Chi bộ Khu 3"}


def test_a_plain_member_lists_their_own_cells_meetings(history_world):
    world = history_world
    assert len(rows(world.member_user, "meetings", org=world.cell_a1.pk, year=2026)) == 11
    with pytest.raises(Unavailable):
        table(world.member_user, "meetings", org=world.cell_a2.pk, year=2026)
