"""The early warnings' rules, as plain functions: falls over months, the quarter checked for a thematic meeting, the
thresholds in force at a node, overdue calendars, scores and probations, and the reasons they give."""

from datetime import date
from decimal import Decimal

import pytest

from apps.oversight.rules import warnings as rules
from apps.oversight.rules.periods import QUARTER, Period


@pytest.mark.parametrize(
    ("values", "months", "expected"),
    [
        ([90, 85, 80, 75], 3, True),  # three falls running
        ([90, 85, 85, 75], 3, False),  # a flat month breaks the run
        ([90, 85, 86, 75], 3, False),  # a rise breaks it
        ([85, 80, 75], 3, False),  # not enough months
        ([99, 90, 85, 80, 75], 3, True),  # only the last four count
        ([70, 90, 85, 80], 3, False),  # a rise at the start of the window
        ([90, None, 80, 75], 3, False),  # a month without a base breaks the run
        ([90.5, 90.4], 1, True),
        ([90, 80], 0, False),  # zero months: never
        ([], 3, False),
    ],
)
def test_falling_means_strictly_down_month_after_month(values, months, expected):
    assert rules.falling(values, months) is expected


def test_average_level_weighs_the_scored_meetings():
    assert rules.average_level({"quality_tot": 1, "quality_kha": 1}) == 3.5
    assert rules.average_level({"quality_kem": 2, "quality_unscored": 3}) == 1.0
    assert rules.average_level({"quality_unscored": 2}) is None
    assert rules.average_level({}) is None


def test_the_window_ends_with_last_month():
    months = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert rules.window(date(2026, 12, 1), 3) == months
    assert rules.window(date(2027, 1, 15), 1) == [date(2026, 11, 1), date(2026, 12, 1)]


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (date(2026, 12, 1), Period(QUARTER, 2026, 4)),  # the quarter's last month has begun
        (date(2026, 11, 30), Period(QUARTER, 2026, 3)),  # not yet: the last quarter is checked
        (date(2026, 10, 1), Period(QUARTER, 2026, 3)),
        (date(2027, 1, 5), Period(QUARTER, 2026, 4)),
        (date(2027, 3, 1), Period(QUARTER, 2027, 1)),
    ],
)
def test_the_thematic_quarter(today, quarter):
    assert rules.thematic_quarter(today) == quarter


def test_the_nearest_issuer_wins_then_its_latest_version():
    province, commune, cell = "0001", "00010001", "000100010001"
    candidates = [
        (province, date(2026, 6, 1), "province June"),
        (commune, date(2025, 1, 1), "commune 2025"),
        (commune, date(2026, 1, 1), "commune 2026"),
        (commune, date(2027, 1, 1), "commune 2027"),  # not in force yet
        ("00010002", date(2026, 1, 1), "other commune"),
    ]
    assert rules.rule_in_force(candidates, path=cell, day=date(2026, 12, 1)) == "commune 2026"
    assert rules.rule_in_force(candidates, path=commune, day=date(2027, 1, 1)) == "commune 2027"
    assert rules.rule_in_force(candidates, path=province, day=date(2026, 12, 1)) == "province June"
    assert rules.rule_in_force(candidates, path=cell, day=date(2024, 12, 1)) is None
    # Before the commune issued any, the province's applies.
    assert rules.rule_in_force(candidates[:1], path=cell, day=date(2026, 12, 1)) == "province June"


@pytest.mark.parametrize(
    ("today", "due_month", "status", "expected"),
    [
        (date(2026, 1, 31), 1, None, False),  # due by the end of January
        (date(2026, 2, 1), 1, None, True),
        (date(2026, 2, 1), 1, "draft", True),
        (date(2026, 2, 1), 1, "submitted", False),
        (date(2026, 12, 1), 1, "registered", False),
        (date(2026, 3, 10), 3, None, False),
    ],
)
def test_a_calendar_is_overdue_after_its_month(today, due_month, status, expected):
    assert rules.calendar_overdue(today=today, due_month=due_month, status=status) is expected


def test_scores_and_probations_overdue_after_their_days():
    assert not rules.score_overdue(proposed_on=date(2026, 11, 24), today=date(2026, 12, 1), days=7)
    assert rules.score_overdue(proposed_on=date(2026, 11, 23), today=date(2026, 12, 1), days=7)
    assert not rules.probation_overdue(due_on=date(2026, 11, 1), today=date(2026, 12, 1), grace_days=30)
    assert rules.probation_overdue(due_on=date(2026, 10, 31), today=date(2026, 12, 1), grace_days=30)
    assert rules.days_after(date(2026, 10, 31), 30) == date(2026, 12, 1)


def test_below_compares_with_a_decimal_threshold():
    assert rules.below(84.9, Decimal("85.0"))
    assert not rules.below(85.0, Decimal("85.0"))
    assert not rules.below(None, Decimal("85.0"))


def test_reasons_are_vietnamese_sentences_with_their_facts():
    assert rules.no_meeting_reason(date(2026, 11, 1), planned=1) == (
        "Tháng 11/2026 chi bộ không sinh hoạt thường kỳ, dù đã có kế hoạch."
    )
    text = rules.low_attendance_reason(date(2026, 11, 1), rate=80.0, threshold=85)
    assert "80,0%" in text and "85,0%" in text and "11/2026" in text
    text = rules.attendance_falling_reason(
        [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)], [95.0, 90.0, 85.5, 80.0]
    )
    assert "3 tháng" in text and "08/2026: 95,0%" in text and "11/2026: 80,0%" in text
    text = rules.removal_watch_reason("Lê Văn A", absence_months=[3, 5], unpaid_months=[], year=2026)
    assert text.startswith("Lê Văn A") and "2 tháng (3, 5)" in text and "2026" in text
    text = rules.no_thematic_reason(Period(QUARTER, 2026, 4), current=True)
    assert "IV/2026" in text
