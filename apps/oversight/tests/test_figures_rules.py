"""The figures' definitions on sums worked out by hand (apps/oversight/rules/figures.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS
from apps.oversight.rules import figures as rules


def sums(**columns):
    return rules.empty_sums() | columns


def test_the_rules_read_the_columns_of_the_fact_table():
    assert rules.FLOW_COLUMNS == FLOW_FIELDS
    assert rules.STOCK_COLUMNS == STOCK_FIELDS
    assert set(rules.empty_sums()) == set(FLOW_FIELDS) | set(STOCK_FIELDS)


def test_the_codes_are_the_designs_and_each_has_a_vietnamese_label():
    assert [f.code for f in rules.FIGURES] == [
        "meetings_planned",
        "meetings_held",
        "regular_held",
        "thematic_held",
        "sittings_held",
        "held_share",
        "on_time_share",
        "attendance_rate",
        "speaking_share",
        "unexcused_absences",
        "excused_absences",
        "quality_tot",
        "quality_kha",
        "quality_tb",
        "quality_kem",
        "quality_unscored",
        "good_share",
        "scores_unconfirmed",
        "tasks_due",
        "tasks_done",
        "tasks_late",
        "tasks_done_share",
        "targets_exceeded",
        "targets_met",
        "targets_missed",
        "targets_achieved_share",
        "admitted",
        "confirmed",
        "transferred_in",
        "transferred_out",
        "removed",
        "members_total",
        "members_official",
        "members_probationary",
        "members_exempt",
        "dues_paid_share",
        "dues_collected",
    ]
    for figure in (*rules.FIGURES, *rules.GRADE_FIGURES):
        assert figure.unit in (rules.COUNT, rules.PERCENT, rules.MONEY)
        assert figure.better in (rules.UP, rules.DOWN, None)
        assert figure.group in (*rules.GROUPS, "grades")
        assert figure.compute.__name__ == figure.code  # one named function per figure
        with translation.override("en"):
            english = str(figure.label)
        with translation.override("vi"):
            assert str(figure.label) != english, figure.code  # translated
    assert rules.BY_CODE["attendance_rate"].unit == rules.PERCENT
    assert rules.BY_CODE["dues_collected"].unit == rules.MONEY
    assert rules.BY_CODE["unexcused_absences"].better == rules.DOWN


def test_empty_sums_give_zero_counts_and_no_percent():
    values = rules.compute_all(rules.empty_sums(), closed=True)
    for figure in rules.FIGURES:
        if figure.unit == rules.PERCENT:
            assert values[figure.code] is None, figure.code
        else:
            assert values[figure.code] == 0, figure.code
    assert values["dues_collected"] == Decimal(0)


def test_meetings():
    s = sums(
        regular_planned=3,
        regular_held=2,
        regular_on_time=1,
        thematic_planned=1,
        thematic_held=1,
        thematic_on_time=1,
        sittings_held=2,  # the thematic meeting shared a sitting with a regular one
    )
    v = rules.compute_all(s, closed=True)
    assert (v["meetings_planned"], v["meetings_held"], v["regular_held"], v["thematic_held"]) == (4, 3, 2, 1)
    assert v["sittings_held"] == 2
    assert v["held_share"] == 75.0  # 3 of 4
    assert v["on_time_share"] == 66.7  # 2 of 3, rounded half up


def test_attendance_is_present_over_expected_and_speaking_is_speakers_over_attendees():
    v = rules.compute_all(
        sums(
            attendance_expected=60,
            attendance_present=51,
            attendees=52,
            speakers=48,
            unexcused_absences=1,
            excused_absences=8,
        ),
        closed=False,
    )
    assert v["attendance_rate"] == 85.0
    assert v["speaking_share"] == 92.3  # 48 / 52 = 92.307…
    assert (v["unexcused_absences"], v["excused_absences"]) == (1, 8)


def test_good_share_leaves_unscored_meetings_out_of_the_base():
    v = rules.compute_all(
        sums(quality_tot=3, quality_kha=2, quality_tb=2, quality_kem=1, quality_unscored=4, scores_unconfirmed=2),
        closed=True,
    )
    assert v["good_share"] == 37.5  # 3 of the 8 scored
    assert (v["quality_tot"], v["quality_kha"], v["quality_tb"], v["quality_kem"]) == (3, 2, 2, 1)
    assert (v["quality_unscored"], v["scores_unconfirmed"]) == (4, 2)


def test_open_tasks_are_late_only_once_the_period_is_closed():
    s = sums(tasks_due=8, tasks_done_on_time=4, tasks_done_late=2, tasks_open=2)
    open_period = rules.compute_all(s, closed=False)
    closed_period = rules.compute_all(s, closed=True)
    assert open_period["tasks_done"] == closed_period["tasks_done"] == 6
    assert open_period["tasks_late"] == 2
    assert closed_period["tasks_late"] == 4
    assert closed_period["tasks_due"] == 8
    assert closed_period["tasks_done_share"] == 75.0


def test_targets_achieved_share_counts_exceeded_and_met_among_those_with_a_result():
    v = rules.compute_all(sums(targets_exceeded=12, targets_met=10, targets_missed=3, targets_unknown=5), closed=True)
    assert (v["targets_exceeded"], v["targets_met"], v["targets_missed"]) == (12, 10, 3)
    assert v["targets_achieved_share"] == 88.0  # 22 of 25


def test_members_and_dues():
    v = rules.compute_all(
        sums(
            admitted=2,
            confirmed=1,
            transferred_in=3,
            transferred_out=1,
            removed=1,
            members_official=20,
            members_probationary=4,
            members_exempt=3,
            members_attached_out=1,
            dues_payers=21,
            dues_paid=20,
            dues_collected=Decimal(1_250_000),
        ),
        closed=True,
    )
    assert (v["admitted"], v["confirmed"], v["transferred_in"], v["transferred_out"], v["removed"]) == (2, 1, 3, 1, 1)
    assert v["members_total"] == 24
    assert (v["members_official"], v["members_probationary"], v["members_exempt"]) == (20, 4, 3)
    assert v["dues_paid_share"] == 95.2  # 20 / 21 = 95.238…
    assert v["dues_collected"] == Decimal(1_250_000)


@pytest.mark.parametrize(
    ("part", "base", "expected"),
    [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (17, 20, 85.0), (5, 0, None), (0, 4, 0.0), (9, 8, 112.5)],
)
def test_percent_rounds_half_up_to_one_decimal(part, base, expected):
    assert rules.percent(part, base) == expected


def test_add_is_the_column_wise_sum_and_the_figure_of_the_sum_is_weighted():
    small = sums(attendance_expected=10, attendance_present=9, dues_collected=Decimal(100))  # 90 %
    large = sums(attendance_expected=30, attendance_present=24, dues_collected=Decimal(50))  # 80 %
    total = rules.add([small, large])
    assert total["attendance_expected"] == 40 and total["attendance_present"] == 33
    assert total["dues_collected"] == Decimal(150)
    assert rules.compute_all(total, closed=True)["attendance_rate"] == 82.5  # not the mean of the rates (85.0)
    assert rules.add([]) == rules.empty_sums()


def test_change_is_a_difference_in_points_for_percents():
    assert rules.change(85.0, 80.3) == 4.7
    assert rules.change(80.1, 80.3) == -0.2
    assert rules.change(7, 9) == -2
    assert rules.change(Decimal(150), Decimal(100)) == Decimal(50)
    assert rules.change(None, 80.0) is None
    assert rules.change(80.0, None) is None


def test_grade_figures_count_each_subject_at_its_own_level():
    grades = rules.empty_grade_sums() | {
        "members_htxsnv": 5,
        "members_httnv": 20,
        "members_htnv": 2,
        "members_khtnv": 1,
        "members_not_decided": 4,
        "cells_htxsnv": 1,
        "cells_httnv": 1,
        "cells_htnv": 1,
        "grassroots_httnv": 1,
        "grassroots_khtnv": 1,
        "grassroots_not_decided": 1,
    }
    v = rules.grade_figures(grades)
    assert v["members_good_share"] == 89.3  # 25 of the 28 decided
    assert v["cells_good_share"] == 66.7  # 2 of 3
    assert v["grassroots_good_share"] == 50.0  # 1 of the 2 decided
    assert v["members_not_decided"] == 4 and v["grassroots_not_decided"] == 1 and v["cells_not_decided"] == 0
    assert v["cells_htnv"] == 1 and v["grassroots_htxsnv"] == 0
    assert rules.grade_figures(rules.empty_grade_sums())["grassroots_good_share"] is None
