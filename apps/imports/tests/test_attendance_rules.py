"""Reading a past attendance register: the month headers, the marks (one unambiguous table), the meeting's day."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.imports.rules import attendance as rules
from apps.imports.rules.attendance import EXCUSED, EXEMPT, LATE, PRESENT, UNEXCUSED, Mark


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("có mặt", PRESENT),
        ("CÓ MẶT", PRESENT),
        ("co mat", PRESENT),
        ("x", PRESENT),
        ("X", PRESENT),
        ("c", PRESENT),
        ("+", PRESENT),
        ("✓", PRESENT),
        (" ✔ ", PRESENT),
        ("muộn", LATE),
        ("Đi muộn", LATE),
        ("vắng có lý do", EXCUSED),
        ("Vắng  có lý do", EXCUSED),
        ("có lý do", EXCUSED),
        ("P", EXCUSED),
        ("CL", EXCUSED),
        ("cl", EXCUSED),
        ("vắng không lý do", UNEXCUSED),
        ("không lý do", UNEXCUSED),
        ("K", UNEXCUSED),
        ("KL", UNEXCUSED),
        ("miễn", EXEMPT),
        ("MSH", EXEMPT),
        ("Miễn sinh hoạt", EXEMPT),
    ],
)
def test_marks_read_as_their_status(typed, status):
    assert rules.parse_mark(typed) == Mark(status)


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_a_blank_cell_is_no_record(blank):
    assert rules.parse_mark(blank) is None


@pytest.mark.parametrize("ambiguous", ["M", "V", "vắng", "-", "1", "0", "?", "có mặt?", True, 1])
def test_a_mark_that_could_mean_two_things_is_refused_not_guessed(ambiguous):
    with pytest.raises(rules.UnreadableMark):
        rules.parse_mark(ambiguous)


def test_an_absence_with_reason_keeps_the_reason_typed_after_it():
    assert rules.parse_mark("P (ốm)") == Mark(EXCUSED, "ốm")
    assert rules.parse_mark("CL: đi công tác") == Mark(EXCUSED, "đi công tác")
    assert rules.parse_mark("vắng có lý do (con ốm)") == Mark(EXCUSED, "con ốm")
    assert rules.parse_mark("K - bỏ họp") == Mark(UNEXCUSED)  # only an excused absence has a reason


def test_the_table_is_one_place_and_every_code_says_one_status():
    legend = rules.codes_legend()
    assert [status for status, _label, _marks in legend] == [PRESENT, LATE, EXCUSED, UNEXCUSED, EXEMPT]
    for status, _label, marks in legend:
        for mark in marks:
            assert rules.parse_mark(mark).status == status
    message = rules.unreadable_message("M")
    assert "«M»" in message and "CL" in message


@given(st.text(max_size=30))
def test_any_cell_is_a_mark_blank_or_refused(text):
    try:
        found = rules.parse_mark(text)
    except rules.UnreadableMark:
        return
    assert found is None or found.status in rules.CODES


# ---------------------------------------------------------------------------------------------- month headers


@pytest.mark.parametrize(
    ("label", "named"),
    [
        ("T1", (None, 1)),
        ("t12", (None, 12)),
        ("Th1", (None, 1)),
        ("Th.3", (None, 3)),
        ("Tháng 1", (None, 1)),
        ("THÁNG 01", (None, 1)),
        ("Tháng – 4", (None, 4)),  # "Tháng" merged over the month numbers, joined by the layout
        ("Tháng 01 năm 2026", (2026, 1)),
        ("Tháng 1/2026", (2026, 1)),
        ("T2/2025", (2025, 2)),
        ("1/2026", (2026, 1)),
        ("01/2026", (2026, 1)),
        ("01-2026", (2026, 1)),
        ("2026-03", (2026, 3)),
        ("01/05/2026", (2026, 5)),
        ("2026-05-01 00:00:00", (2026, 5)),
        (date(2026, 7, 1), (2026, 7)),
        (datetime(2026, 8, 1), (2026, 8)),
    ],
)
def test_month_headers(label, named):
    assert rules.month_of_label(label) == named


@pytest.mark.parametrize(
    "label", ["STT", "Họ và tên", "Số thẻ đảng viên", "Ngày sinh", "Tổ 1", "Thôn 3", "Quý I", "Cả năm", "T13", "", None]
)
def test_other_headers_are_not_months(label):
    assert rules.month_of_label(label) is None


@dataclass
class Column:
    index: int
    label: str


def test_month_columns_of_the_registers_year():
    columns = [(0, "STT"), (1, "Họ và tên"), (2, "Số thẻ đảng viên"), *[(2 + m, f"T{m}") for m in range(1, 13)]]
    found = rules.month_columns(columns, 2025)
    assert found == {2 + m: date(2025, m, 1) for m in range(1, 13)}
    as_objects = rules.month_columns([Column(i, label) for i, label in columns], 2025)
    assert as_objects == found


def test_months_of_another_year_are_not_this_registers_and_are_told():
    columns = [(0, "Họ và tên"), (1, "01/2024"), (2, "02/2024"), (3, "Tháng 3 năm 2024")]
    assert rules.month_columns(columns, 2025) == {}
    assert rules.other_years(columns, 2025) == [2024]


def test_a_month_twice_keeps_its_first_column():
    assert rules.month_columns([(3, "T1"), (4, "Tháng 1"), (5, "T2")], 2025) == {
        3: date(2025, 1, 1),
        5: date(2025, 2, 1),
    }


def test_bare_numbers_are_months_only_in_a_run():
    run = [(0, "TT"), (1, "Họ và tên"), *[(1 + m, str(m)) for m in range(1, 13)]]
    assert rules.month_columns(run, 2025) == {1 + m: date(2025, m, 1) for m in range(1, 13)}
    assert rules.month_columns([(0, "1"), (1, "Họ và tên")], 2025) == {}


def test_cell_names():
    assert [rules.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
    assert rules.cell_name(4, 12) == "E12"


def test_read_marks_of_a_row():
    months = {3: date(2025, 1, 1), 4: date(2025, 2, 1), 5: date(2025, 3, 1), 9: date(2025, 4, 1)}
    marks = rules.read_marks(("1", "Nguyễn Văn An", "48012345", "x", None, "M"), months)
    assert [(m.month.month, m.mark, bool(m.error)) for m in marks] == [
        (1, Mark(PRESENT), False),
        (2, None, False),
        (3, None, True),
        (4, None, False),  # beyond the row's last cell: blank
    ]


# ---------------------------------------------------------------------------------------------- the meeting's day


def no_holiday(day: date) -> bool:
    return False


def test_the_rule_day_moves_to_the_next_working_day():
    assert rules.meeting_day(2025, 1, 5, no_holiday) == date(2025, 1, 6)  # Sunday 5 → Monday 6
    assert rules.meeting_day(2025, 3, 5, no_holiday) == date(2025, 3, 5)  # a Wednesday
    assert rules.meeting_day(2025, 4, 30, lambda d: d == date(2025, 4, 28)) == date(2025, 4, 29)  # 28 at most


def test_a_meeting_day_never_leaves_its_month():
    # 28 February 2026 is a Saturday: the next working day is in March, so the last working day before it is taken.
    assert rules.meeting_day(2026, 2, 28, no_holiday) == date(2026, 2, 27)
    assert rules.meeting_day(2026, 2, 28, lambda d: d == date(2026, 2, 27)) == date(2026, 2, 26)
    # 28 June 2025 is a Saturday too, but Monday 30 June is still June's.
    assert rules.meeting_day(2025, 6, 28, no_holiday) == date(2025, 6, 30)


def test_the_cell_of_a_day_from_membership_periods():
    periods = [(1, date(2020, 1, 1), date(2025, 5, 10)), (2, date(2025, 5, 10), None)]
    assert rules.member_on(periods, date(2025, 5, 9)) == 1
    assert rules.member_on(periods, date(2025, 5, 10)) == 2  # a transfer's day is the new cell's
    assert rules.member_on(periods, date(2019, 12, 31)) is None
    assert rules.covers([(date(2025, 1, 1), None)], date(2025, 6, 1))
    assert not rules.covers([(date(2025, 1, 1), date(2025, 3, 1))], date(2025, 6, 1))


@pytest.mark.parametrize(
    ("status", "exempted", "consistent"),
    [
        (EXEMPT, True, True),
        (PRESENT, True, True),  # an exempted member may come, and then counts
        (LATE, True, True),
        (EXCUSED, True, False),
        (UNEXCUSED, True, False),
        (EXEMPT, False, False),
        (PRESENT, False, True),
        (UNEXCUSED, False, True),
    ],
)
def test_exempt_marks_and_exemptions(status, exempted, consistent):
    assert rules.exempt_consistent(status, exempted) is consistent
