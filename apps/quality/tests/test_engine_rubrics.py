"""The worked examples of docs/scoring.md, number for number, against the shipped rubric data (no database)."""

from decimal import Decimal

import pytest

from apps.quality.rules.engine import annual_level, score_meeting, spec_from_dict
from apps.quality.rules.rubrics import shipped as rubrics_data

HD12 = spec_from_dict(rubrics_data.HD12_2018)
HD42 = spec_from_dict(rubrics_data.HD42_PHUONG_2025)
NA = spec_from_dict(rubrics_data.NA_08_2021)
PT = spec_from_dict(rubrics_data.PT_KHOI_CQ)


def test_every_shipped_sheet_totals_100_and_its_items_can_fill_each_category():
    for spec in (HD12, HD42, NA, PT):
        assert spec.max_points == 100
        for category in spec.categories:
            assert sum(i.max_points for i in category.items) == category.max_points


# ---------------------------------------------------------------------------------------------- HD-12 (2018)

HD12_A = {
    "attendance_rate": 90.0,
    "attendance_present": 18,
    "attendance_expected": 20,
    "attendance_exempt_absent": 0,
    "unexcused_absences": 0,
    "max_excused_streak": 2,
    "board_met_first": True,
    "duration_short_minutes": 0,
    "duration_norm_minutes": 90,
    "speaking_share": 45.0,
    "minutes_adopted": True,
    "results_share": 75.0,
}


def test_hd12_example_a():
    result = score_meeting(HD12, HD12_A)
    assert result.categories == {"preparation": 10, "attendance": 40, "conduct": 25, "closing": 17}
    assert (result.total, result.level) == (92, "tot")


def test_hd12_example_b_knocked_out_by_an_unexcused_absence():
    metrics = {
        **HD12_A,
        "attendance_rate": 95.0,
        "unexcused_absences": 1,
        "max_excused_streak": 1,
        "speaking_share": 55.0,
        "results_share": 95.0,
    }
    result = score_meeting(HD12, metrics)
    assert result.categories == {"preparation": 10, "attendance": 30, "conduct": 30, "closing": 20}
    assert (result.total, result.level_by_points, result.level) == (90, "tot", "kha")
    assert result.knocked_out == ("quality-needs-attendance",)


# ---------------------------------------------------------------------------------------------- HD-42 ward sheet

HD42_A_METRICS = {
    "attendance_rate": 93.8,
    "attendance_present": 15,
    "attendance_expected": 16,
    "attendance_exempt_absent": 0,
    "unexcused_absences": 0,
    "max_excused_streak": 1,
    "duration_short_minutes": 0,
    "duration_percent_of_norm": 111.1,
    "duration_norm_minutes": 90,
    "speaking_share": 60.0,
    "speakers": 9,
    "attendees": 15,
    "documents_ready": True,
    "board_met_first": True,
    "results_share": 92.0,
    "tasks_done": 4,
    "tasks_due": 4,
    "targets_met": 0,
    "targets_due": 0,
    "resolution_filed": True,
    "minutes_adopted": True,
}
HD42_A_JUDGED = {
    "preparation_checklist": [True, True, True],
    "order_of_business": [True, True, True, True],
    "discussion": 13,
    "chairing": 9,
    "principles": 5,
    "closing_checklist": [True],
}


def test_hd42_example_a_tot():
    result = score_meeting(HD42, HD42_A_METRICS, HD42_A_JUDGED)
    assert result.categories == {
        "duration": 5,
        "attendance": 5,
        "preparation": 10,
        "conduct": 28,
        "chairing": 9,
        "principles": 5,
        "results": 30,
        "closing": 5,
    }
    assert (result.total, result.level, result.knocked_out) == (97, "tot", ())
    assert result.item("results").explanation == "Kết quả tháng trước: 92% (nhiệm vụ 4/4, chỉ tiêu 0/0), 30/30 điểm"


def test_hd42_example_b_knock_out_on_attendance():
    metrics = {
        **HD42_A_METRICS,
        "attendance_rate": 87.5,
        "attendance_present": 14,
        "attendance_exempt_absent": 2,
        "max_excused_streak": 2,
    }
    result = score_meeting(HD42, metrics, HD42_A_JUDGED)
    assert result.item("attendance").points == 4
    assert result.item("attendance").explanation == "Tỷ lệ dự họp: 87,5% (14/16, 2 miễn), 4/5 điểm"
    assert (result.total, result.level_by_points, result.level) == (96, "tot", "kha")
    assert result.knocked_out == ("tot-needs-full-marks",)


def test_hd42_example_c_kem():
    metrics = {
        **HD42_A_METRICS,
        "attendance_rate": 70.0,
        "unexcused_absences": 1,
        "max_excused_streak": 4,
        "duration_short_minutes": 50,
        "duration_percent_of_norm": 44.4,
        "speaking_share": 25.0,
        "documents_ready": False,
        "board_met_first": False,
        "results_share": 55.0,
        "resolution_filed": False,
    }
    judged = {
        "preparation_checklist": [True, False, False],
        "order_of_business": [True, True, False, False],
        "discussion": 8,
        "chairing": 6,
        "principles": 4,
        "closing_checklist": [False],
    }
    result = score_meeting(HD42, metrics, judged)
    assert result.categories == {
        "duration": 1,
        "attendance": 1,
        "preparation": 1,
        "conduct": 15,
        "chairing": 6,
        "principles": 4,
        "results": 15,
        "closing": 2,
    }
    assert (result.total, result.level) == (45, "kem")


@pytest.mark.parametrize(
    ("rate", "unexcused", "streak", "points"),
    [
        (90, 0, 0, 5),
        (89.9, 0, 0, 4),
        (75, 0, 3, 4),
        (74.9, 0, 3, 3),
        (65, 0, 4, 2),
        (64.9, 0, 0, 2),
        (64.9, 0, 4, 1),
        (95, 1, 0, 2),  # any unexcused absence: 1, plus the streak bonus
        (95, 1, 5, 1),
    ],
)
def test_hd42_attendance_bands(rate, unexcused, streak, points):
    metrics = {"attendance_rate": rate, "unexcused_absences": unexcused, "max_excused_streak": streak}
    assert score_meeting(HD42, metrics).item("attendance").points == points


@pytest.mark.parametrize(
    ("minutes", "points"), [(95, 5), (90, 5), (75, 4), (74, 3), (60, 3), (59, 2), (45, 2), (44, 1), (0, 1)]
)
def test_hd42_duration_bands_on_the_90_minute_norm(minutes, points):
    metrics = {"duration_short_minutes": max(0, 90 - minutes), "duration_percent_of_norm": minutes * 100 / 90}
    assert score_meeting(HD42, metrics).item("duration").points == points


@pytest.mark.parametrize(("share", "points"), [(50.1, 5), (50, 4), (40, 4), (39.9, 3), (30, 3), (29.9, 2), (0, 2)])
def test_hd42_speaking_bands(share, points):
    assert score_meeting(HD42, {"speaking_share": share}).item("speaking").points == points


@pytest.mark.parametrize(
    ("share", "points"), [(100, 30), (90, 30), (89.9, 27), (80, 27), (70, 24), (60, 20), (50, 15), (49.9, 10)]
)
def test_hd42_results_bands(share, points):
    assert score_meeting(HD42, {"results_share": share}).item("results").points == points


def test_a_computed_item_without_data_scores_its_missing_points_or_a_judged_value():
    result = score_meeting(HD42, {"results_share": None})
    assert result.item("results").points == 0 and result.item("results").missing
    assert "không có số liệu" in result.item("results").explanation
    assert score_meeting(HD42, {}, {"results": 27}).item("results").points == 27


def test_a_judged_number_outside_its_range_is_refused():
    with pytest.raises(ValueError):
        score_meeting(HD42, {}, {"chairing": 11})
    with pytest.raises(ValueError):
        score_meeting(HD42, {}, {"closing_checklist": [True, True]})


# ---------------------------------------------------------------------------------------------- Nghệ An, Phú Thọ


def test_nghe_an_example_a():
    metrics = {
        "documents_ready": True,
        "board_met_first": True,
        "attendance_rate": 92.0,
        "unexcused_absences": 0,
        "duration_short_minutes": 0,
        "speaking_share": 45.0,
        "minutes_adopted": True,
        "resolution_filed": True,
    }
    judged = {"preparation": 8, "content": 26, "principles": 13, "conclusion": 3}
    result = score_meeting(NA, metrics, judged)
    assert result.categories == {"preparation": 18, "attendance": 10, "conduct": 39, "principles": 13, "conclusion": 9}
    assert (result.total, result.level) == (89, "tot")


def test_nghe_an_example_b():
    metrics = {
        "documents_ready": False,
        "board_met_first": True,
        "attendance_rate": 85.0,
        "unexcused_absences": 1,
        "duration_short_minutes": 20,
        "speaking_share": 35.0,
        "minutes_adopted": True,
        "resolution_filed": False,
    }
    judged = {"preparation": 6, "content": 22, "principles": 12, "conclusion": 3}
    result = score_meeting(NA, metrics, judged)
    assert result.categories == {"preparation": 11, "attendance": 5, "conduct": 29, "principles": 12, "conclusion": 6}
    assert (result.total, result.level) == (63, "trung_binh")


def test_phu_tho_example_a():
    metrics = {
        "documents_ready": True,
        "board_met_first": True,
        "attendance_rate": 96.0,
        "unexcused_absences": 0,
        "duration_short_minutes": 0,
        "speaking_share": 52.0,
        "resolution_filed": True,
        "minutes_adopted": True,
        "results_share": 91.0,
    }
    result = score_meeting(PT, metrics, {"preparation": 5, "content": 22})
    assert result.categories == {"preparation": 15, "attendance": 20, "conduct": 42, "closing": 20}
    assert (result.total, result.level) == (97, "tot")


def test_phu_tho_example_b():
    metrics = {
        "documents_ready": True,
        "board_met_first": False,
        "attendance_rate": 88.0,
        "unexcused_absences": 0,
        "duration_short_minutes": 10,
        "speaking_share": 42.0,
        "resolution_filed": True,
        "minutes_adopted": True,
        "results_share": 72.0,
    }
    result = score_meeting(PT, metrics, {"preparation": 4, "content": 20})
    assert result.categories == {"preparation": 9, "attendance": 15, "conduct": 35, "closing": 17}
    assert (result.total, result.level) == (Decimal(76), "kha")


@pytest.mark.parametrize(
    ("months", "year"),
    [
        (["tot"] * 8 + ["kha"] * 4, "tot"),
        (["tot"] * 7 + ["kha"] * 4 + ["trung_binh"], "kha"),
        (["tot"] * 6 + ["kha"] * 6, "kha"),
        (["trung_binh"] * 6 + ["kem"] * 6, "trung_binh"),
        (["trung_binh"] * 5 + ["kem"] * 7, "kem"),
    ],
)
def test_phu_tho_year_rollup(months, year):
    assert annual_level(PT, months) == year
