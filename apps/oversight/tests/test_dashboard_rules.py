"""The dashboard's plain functions: values written as Vietnamese write them, the marks of a change, the orders of the
table and of the ranking, the period picker, and the charts as SVG (parsed, no script, Vietnamese text kept)."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from apps.oversight.rules import charts
from apps.oversight.rules import dashboard as rules
from apps.oversight.rules.periods import Period

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (85.0, "percent", "85,0 %"),
        (66.66, "percent", "66,7 %"),
        (None, "percent", "—"),
        (1234, "count", "1.234"),
        (0, "count", "0"),
        (Decimal("1250000"), "money", "1.250.000 đ"),
        (-3, "count", "-3"),
    ],
)
def test_format_value(value, unit, text):
    assert rules.format_value(value, unit) == text


def test_format_change():
    assert rules.format_change(2.5, "percent") == "+2,5"
    assert rules.format_change(-15.0, "percent") == "-15,0"
    assert rules.format_change(0, "count") == "0"
    assert rules.format_change(Decimal(150000), "money") == "+150.000 đ"
    assert rules.format_change(None, "count") == ""


@pytest.mark.parametrize(
    ("change", "better", "expected"),
    [
        (2.5, "up", ("▲", "good")),
        (-2.5, "up", ("▼", "bad")),
        (2, "down", ("▲", "bad")),
        (-2, "down", ("▼", "good")),
        (3, None, ("▲", "neutral")),
        (0, "up", ("=", "neutral")),
        (None, "up", ("", "neutral")),
    ],
)
def test_mark(change, better, expected):
    assert rules.mark(change, better) == expected


def test_sort_rows_keeps_the_unknown_last_and_ties_in_order():
    rows = [("a", 5), ("b", None), ("c", 9), ("d", 5)]
    assert [r[0] for r in rules.sort_rows(rows, lambda r: r[1], "desc")] == ["c", "a", "d", "b"]
    assert [r[0] for r in rules.sort_rows(rows, lambda r: r[1], "asc")] == ["a", "d", "c", "b"]


def test_next_direction():
    assert rules.next_direction("attendance_rate", "attendance_rate", "desc") == "asc"
    assert rules.next_direction("attendance_rate", "attendance_rate", "asc") == "desc"
    assert rules.next_direction("attendance_rate", "", "asc") == "desc"


def test_ranked_best_first_by_the_better_side_and_cut_in_the_middle():
    rows = [("a", 3), ("b", 1), ("c", None), ("d", 2)]
    assert rules.ranked(rows, "up") == [("a", 3), ("d", 2), ("b", 1)]
    assert rules.ranked(rows, "down") == [("b", 1), ("d", 2), ("a", 3)]
    many = [(str(i), i) for i in range(100)]
    cut = rules.ranked(many, "up", limit=10)
    assert [v for _, v in cut] == [99, 98, 97, 96, 95, 4, 3, 2, 1, 0]


def test_columns_add_the_sorted_figure():
    assert rules.columns("") == list(rules.KEY_COLUMNS)
    assert rules.columns("attendance_rate") == list(rules.KEY_COLUMNS)
    assert rules.columns("quality_kem") == [*rules.KEY_COLUMNS, "quality_kem"]
    assert rules.columns("name") == list(rules.KEY_COLUMNS)


def test_periods_of_the_picker():
    today = date(2026, 12, 1)
    assert rules.default_period(today) == Period("month", 2026, 11)
    assert rules.default_period(date(2027, 1, 15)) == Period("month", 2026, 12)
    assert rules.period_title(Period("month", 2026, 11)) == "Tháng 11/2026"
    assert rules.period_title(Period("quarter", 2026, 4)) == "Quý IV/2026"
    assert rules.period_title(Period("year", 2026)) == "Năm 2026"
    # Switching kind keeps the period's last month, but never goes past last month's period.
    assert rules.switch_kind(Period("month", 2026, 8), "quarter", today) == Period("quarter", 2026, 3)
    assert rules.switch_kind(Period("year", 2026), "month", today) == Period("month", 2026, 11)
    assert rules.switch_kind(Period("year", 2025), "quarter", today) == Period("quarter", 2025, 4)
    assert rules.has_next(Period("month", 2026, 11), today)  # December has begun
    assert not rules.has_next(Period("month", 2026, 12), today)
    groups = rules.period_options(today, Period("month", 2020, 1))
    months = [key for key, _label in groups[0][1]]
    assert months[0] == "2026-12" and "2020-01" in months and len(months) == 25
    assert [key for key, _ in groups[2][1]] == ["2026", "2025", "2024", "2023", "2022"]
    picker = rules.picker(Period("month", 2026, 11), today)
    assert picker["previous"] == ("2026-10", "Tháng 10/2026")
    assert picker["next"] == ("2026-12", "Tháng 12/2026")
    assert [(key, on) for _label, key, on in picker["kinds"]] == [
        ("2026-11", True),
        ("2026-q4", False),
        ("2026", False),
    ]


def test_ticks_are_round():
    assert charts.ticks(3) == [0, 1, 2, 3]
    assert charts.ticks(0) == [0, 1]
    assert charts.ticks(37) == [0, 10, 20, 30, 40]
    assert charts.ticks(1_250_000) == [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]


def _parse(svg: bytes) -> tuple[ElementTree.Element, str]:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    assert root.get("width") is None  # scales with its <img>
    assert not list(root.iter(f"{SVG}script")), "no script in a served chart"
    return root, " ".join(root.itertext())


def test_trend_chart():
    months = [date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 12))]
    svg = charts.trend_chart(
        months,
        [("Tỷ lệ dự họp", [80.0] * 11 + [None]), ("Tỷ lệ phát biểu", [None] * 6 + [50.5] * 6)],
        title="Diễn biến 12 tháng",
        no_data="Chưa có số liệu",
    )
    _root, text = _parse(svg)
    assert "Diễn biến 12 tháng" in text and "Tỷ lệ phát biểu" in text
    assert "12/2025" in text and "11/2026" in text and "80 %" in text


def test_levels_chart_prints_the_counts():
    _root, text = _parse(
        charts.levels_chart([("Tốt", 5), ("Khá", 3), ("Trung bình", 0), ("Kém", 1)], title="Chất lượng", no_data="—")
    )
    assert "Trung bình" in text and "5" in text


def test_ranking_chart():
    svg = charts.ranking_chart(
        [("Chi bộ Thôn Đông", 92.0), ("Chi bộ 21", 85.5), ("Chi bộ không số liệu", None)],
        title="Tỷ lệ dự họp",
        no_data="Chưa có số liệu",
        unit="percent",
        better="up",
    )
    _root, text = _parse(svg)
    assert "92,0 %" in text and "85,5 %" in text and "Chi bộ không số liệu" not in text
    assert text.index("Chi bộ 21") < text.index("Chi bộ Thôn Đông")  # drawn from the bottom: the best on top


@pytest.mark.parametrize("empty", ["trend", "levels", "ranking"])
def test_empty_charts_say_so(empty):
    if empty == "trend":
        svg = charts.trend_chart([date(2026, 11, 1)], [("a", [None])], title="T", no_data="Chưa có số liệu")
    elif empty == "levels":
        svg = charts.levels_chart([("Tốt", 0)], title="T", no_data="Chưa có số liệu")
    else:
        svg = charts.ranking_chart([("a", None)], title="T", no_data="Chưa có số liệu", unit="money", better="up")
    assert "Chưa có số liệu" in _parse(svg)[1]


def test_narrow_charts_for_a_phone():
    root, text = _parse(
        charts.ranking_chart(
            [("Chi bộ Trường Trung học cơ sở Nguyễn Trãi", 80.0)],
            title="T",
            no_data="—",
            unit="percent",
            better="up",
            narrow=True,
        )
    )
    assert root.get("viewBox").startswith("0 0 400 ")
    assert "Chi bộ Trường T…" in text and "Nguyễn Trãi" not in text
    root, _text = _parse(charts.levels_chart([("Tốt", 2)], title="T", no_data="—", narrow=True))
    assert root.get("viewBox").startswith("0 0 400 ")
