"""Calendar rules (DOMAIN.md §4) with the real Vietnamese holiday table, and the iCalendar serializer."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.queries.feed import FeedEvent, ical_calendar
from apps.meetings.rules import calendar as rules_calendar
from apps.meetings.rules.holidays import holiday_checker, holiday_name, is_holiday
from apps.meetings.tests.ical import ical_datetime, ical_fold, ical_text

# ---------------------------------------------------------------------------------------------- holidays


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2026, 1, 1), True),  # New Year
        (date(2026, 2, 16), True),  # Tết 2026: 16–20/02
        (date(2026, 2, 17), True),
        (date(2026, 2, 20), True),
        (date(2026, 2, 23), False),
        (date(2026, 4, 26), True),  # Hùng Kings (10/3 lunar), a Sunday…
        (date(2026, 4, 27), True),  # …observed on Monday
        (date(2026, 4, 30), True),
        (date(2026, 5, 1), True),
        (date(2026, 9, 2), True),
        (date(2027, 2, 8), True),  # Tết 2027
        (date(2026, 3, 5), False),
    ],
)
def test_vietnamese_holidays_from_the_library(day, holiday):
    assert is_holiday(day) is holiday


def test_holiday_names_and_the_year_checker():
    assert "Lunar New Year" in holiday_name(date(2026, 2, 17))
    assert holiday_name(date(2026, 3, 5)) is None
    check = holiday_checker(2026)
    assert check(date(2026, 2, 17)) and not check(date(2026, 2, 23))
    assert check(date(2027, 1, 1))  # a date pushed past 31 December uses the next year's table


# ---------------------------------------------------------------------------------------------- next working day


@pytest.mark.parametrize(
    ("planned", "held"),
    [
        (date(2026, 2, 17), date(2026, 2, 23)),  # Tết: Tue 17 → (18–20 holidays, 21–22 weekend) → Mon 23
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday → Monday
        (date(2026, 1, 1), date(2026, 1, 2)),  # New Year (Thu) → Fri
        (date(2026, 4, 26), date(2026, 4, 28)),  # Hùng Kings on Sunday, observed Monday → Tuesday
        (date(2026, 4, 30), date(2026, 5, 4)),  # 30/4, 1/5, weekend → Monday 4/5
        (date(2026, 9, 1), date(2026, 9, 3)),  # National Day 1–2/9 → Thursday
        (date(2027, 2, 5), date(2027, 2, 11)),  # Tết 2027 → Thursday 11/02
        (date(2026, 3, 5), date(2026, 3, 5)),  # an ordinary Thursday stays
    ],
)
def test_weekends_and_vietnamese_holidays_move_to_the_next_working_day(planned, held):
    assert rules_calendar.next_working_day(planned, is_holiday) == held


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    holidays=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 1, 31)), max_size=40),
)
def test_next_working_day_properties(day, holidays):
    held = rules_calendar.next_working_day(day, holidays.__contains__)
    assert held >= day and held.weekday() < 5 and held not in holidays
    skipped = [day + timedelta(days=i) for i in range((held - day).days)]
    assert all(d.weekday() >= 5 or d in holidays for d in skipped)  # nothing earlier was a working day


@given(year=st.integers(min_value=2024, max_value=2035), day_of_month=st.integers(min_value=1, max_value=28))
def test_monthly_dates_with_real_holidays(year, day_of_month):
    dates = rules_calendar.monthly_dates(year, day_of_month, is_holiday)
    assert len(dates) == 12
    for month, held in enumerate(dates, start=1):
        planned = date(year, month, day_of_month)
        assert planned <= held < planned + timedelta(days=14)
        assert held.weekday() < 5 and not is_holiday(held)
    assert dates == sorted(dates)


def test_the_2026_calendar_on_the_5th():
    got = rules_calendar.monthly_dates(2026, 5, is_holiday)
    assert [d.strftime("%d/%m") for d in got] == [
        "05/01",
        "05/02",
        "05/03",
        "06/04",  # Sunday
        "05/05",
        "05/06",
        "06/07",  # Sunday
        "05/08",
        "07/09",  # Saturday
        "05/10",
        "05/11",
        "07/12",  # Saturday
    ]


# ---------------------------------------------------------------------------------------------- thematic meetings


@pytest.mark.parametrize(("month_of_quarter", "months"), [(1, [1, 4, 7, 10]), (2, [2, 5, 8, 11]), (3, [3, 6, 9, 12])])
def test_thematic_months(month_of_quarter, months):
    assert rules_calendar.thematic_months(month_of_quarter) == months


@pytest.mark.parametrize("bad", [0, 4, -1])
def test_thematic_month_out_of_range(bad):
    with pytest.raises(ValueError):
        rules_calendar.thematic_months(bad)


@given(st.integers(min_value=1, max_value=3))
def test_one_thematic_month_in_each_quarter(month_of_quarter):
    months = rules_calendar.thematic_months(month_of_quarter)
    assert sorted(rules_calendar.quarter_of(date(2026, m, 1)) for m in months) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), 1),
        (date(2026, 3, 31), 1),
        (date(2026, 4, 1), 2),
        (date(2026, 9, 30), 3),
        (date(2026, 12, 31), 4),
    ],
)
def test_quarter_of(day, quarter):
    assert rules_calendar.quarter_of(day) == quarter


def test_quarters_without_thematic_ignores_other_years():
    held = [date(2026, 2, 5), date(2026, 2, 20), date(2026, 8, 5), date(2025, 5, 5)]
    assert rules_calendar.quarters_without_thematic(held, 2026) == [2, 4]
    assert rules_calendar.quarters_without_thematic([], 2026) == [1, 2, 3, 4]


@given(st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), max_size=8))
def test_quarters_without_thematic_is_the_complement(held):
    missing = rules_calendar.quarters_without_thematic(held, 2026)
    assert set(missing) | {rules_calendar.quarter_of(d) for d in held} == {1, 2, 3, 4}
    assert not set(missing) & {rules_calendar.quarter_of(d) for d in held}


# ---------------------------------------------------------------------------------------------- iCalendar


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space or tab continues the previous line."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines: list[str] = []
    for raw in text.split("\r\n")[:-1]:
        assert len(raw.encode()) <= 75, raw
        if raw.startswith((" ", "\t")):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def test_text_escaping():
    assert ical_text("Hội trường, tầng 2; phòng A\\B\nlối vào") == "Hội trường\\, tầng 2\\; phòng A\\\\B\\nlối vào"


@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=400))
def test_folding_keeps_the_text_and_75_octets(value):
    line = "DESCRIPTION:" + ical_text(value)
    folded = ical_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_folding_never_splits_a_vietnamese_character():
    line = "SUMMARY:" + "Sinh hoạt chuyên đề quý một của chi bộ, học tập tư tưởng Hồ Chí Minh " * 3
    for part in ical_fold(line).split("\r\n"):
        part.encode().decode()  # every part is whole characters
        assert len(part.encode()) <= 75


def test_datetime_in_utc():
    local = datetime(2026, 3, 5, 19, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert ical_datetime(local) == "20260305T123000Z"


def test_calendar_structure():
    start = datetime(2026, 3, 5, 12, 30, tzinfo=UTC)
    events = [
        FeedEvent(
            uid="meeting-1@chibo",
            start=start,
            end=start + timedelta(hours=2),
            summary="Sinh hoạt thường kỳ · Chi bộ 21",
            location="Nhà văn hóa khu 1, tổ 3",
            description="Chuyên đề; quý 1",
        ),
        FeedEvent(uid="meeting-2@chibo", start=start, end=start, summary="X", cancelled=True),
    ]
    lines = unfold(ical_calendar(events, name="Lịch sinh hoạt", stamp=start))
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 2 == lines.count("END:VEVENT")
    first = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    assert "UID:meeting-1@chibo" in first and "DTSTART:20260305T123000Z" in first
    assert "DTEND:20260305T143000Z" in first and "DTSTAMP:20260305T123000Z" in first
    assert "LOCATION:Nhà văn hóa khu 1\\, tổ 3" in first and "DESCRIPTION:Chuyên đề\\; quý 1" in first
    assert "STATUS:CONFIRMED" in first and "STATUS:CANCELLED" in lines
    for line in lines:  # every content line is NAME:VALUE
        assert ":" in line and line.split(":", 1)[0].replace("-", "").isalnum()
