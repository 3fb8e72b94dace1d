"""The .xlsx writer, read back with openpyxl: the heading lines, the frozen and repeated header, the formats, the
totals row and the print settings. No database."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from apps.exports.rules import xlsx
from apps.exports.rules.tables import (
    DATE,
    INT,
    MONEY,
    PERCENT,
    Column,
    Table,
    Unavailable,
    int_param,
    optional_int_param,
    year_param,
)

AT = datetime(2026, 12, 1, 9, 5)


def dues_table(rows=None, **kwargs) -> Table:
    rows = (
        rows
        if rows is not None
        else [
            ["Chi bộ 21", 12, 85.3, Decimal(1_250_000), date(2026, 11, 5)],
            ["Chi bộ Thôn Đông", 8, 100, Decimal(640_000), date(2026, 11, 3)],
            ["Chi bộ Khu 3", 0, None, Decimal(0), None],
        ]
    )
    columns = [
        Column("Chi bộ", width=30),
        Column("Số đảng viên", INT, total=True),
        Column("Tỷ lệ dự họp", PERCENT),
        Column("Đảng phí (đồng)", MONEY, total=True),
        Column("Ngày sinh hoạt", DATE),
    ]
    return Table(
        title="Thu đảng phí tháng 11/2026",
        organisation="Đảng bộ xã An",
        period="Tháng 11/2026",
        columns=columns,
        rows=rows,
        count=len(rows),
        **kwargs,
    )


def written(table: Table, **kwargs):
    out = io.BytesIO()
    count = xlsx.write(table, out, exported_by="Trần Thị Bí Thư", exported_at=AT, **kwargs)
    return count, openpyxl.load_workbook(io.BytesIO(out.getvalue())).active


def test_heading_lines_say_what_where_when_and_who():
    count, ws = written(dues_table())
    assert count == 3
    assert [ws.cell(row=r, column=1).value for r in range(1, 5)] == [
        "Thu đảng phí tháng 11/2026",
        "Đảng bộ xã An",
        "Tháng 11/2026",
        "Người xuất: Trần Thị Bí Thư lúc 01/12/2026 09:05",
    ]
    assert ws.cell(row=1, column=1).font.b
    assert [c.value for c in ws[6]] == ["Chi bộ", "Số đảng viên", "Tỷ lệ dự họp", "Đảng phí (đồng)", "Ngày sinh hoạt"]


def test_header_is_frozen_repeated_on_each_page_and_filtered():
    _count, ws = written(dues_table())
    assert ws.freeze_panes == "A7"  # rows 1–6 stay in view
    assert ws.print_title_rows == "$6:$6"
    assert ws.auto_filter.ref == "A6:E9"  # the header and the rows, not the totals


def test_values_keep_their_kind_and_format():
    _count, ws = written(dues_table())
    name, members, rate, dues, day = ws[7]
    assert (name.value, members.value, dues.value) == ("Chi bộ 21", 12, 1_250_000)
    assert rate.value == pytest.approx(0.853) and rate.number_format == "0.0%"  # shown as 85.3%
    assert members.number_format == "#,##0" and dues.number_format == "#,##0"  # thousands separators
    assert day.value == datetime(2026, 11, 5) and day.number_format == "DD/MM/YYYY"
    assert [c.value for c in ws[9]][2:] == [None, 0, None]  # a missing rate and date stay empty


def test_totals_row_sums_the_summed_columns():
    _count, ws = written(dues_table())
    assert [c.value for c in ws[10]] == ["Tổng cộng", "=SUM(B7:B9)", None, "=SUM(D7:D9)", None]
    assert ws.cell(row=10, column=2).font.b


def test_totals_row_takes_the_tables_own_figures():
    """A roll-up's rate is not the sum of its rows' rates: the table gives its totals."""
    _count, ws = written(dues_table(totals=[None, 20, 90.9, Decimal(1_890_000), None]))
    assert [c.value for c in ws[10]][:2] == ["Tổng cộng", 20]
    assert ws.cell(row=10, column=3).value == pytest.approx(0.909)


def test_an_empty_table_has_its_header_and_a_zero_total():
    count, ws = written(dues_table(rows=[]))
    assert count == 0
    assert ws.cell(row=6, column=1).value == "Chi bộ"
    assert [c.value for c in ws[7]][:2] == ["Tổng cộng", 0]
    assert ws.auto_filter.ref == "A6:E6"


def test_no_totals_row_when_nothing_is_summed():
    table = Table("Danh sách", "Chi bộ 21", "", [Column("Họ và tên")], [["An"], ["Bình"]], 2)
    _count, ws = written(table)
    assert ws.max_row == 8


def test_print_settings_landscape_a4_fitted_to_width():
    _count, ws = written(dues_table())
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.column_dimensions["A"].width == 30
    assert ws.column_dimensions["B"].width == 10  # an int column's default
    assert "&P" in ws.oddFooter.center.text


def test_progress_is_told_every_n_rows_and_at_the_end():
    rows = [[f"Chi bộ {i}", i, None, Decimal(i), None] for i in range(7)]
    seen: list[int] = []
    count, _ws = written(dues_table(rows=rows), progress=seen.append, every=3)
    assert count == 7 and seen == [3, 6, 7]


def test_sheet_title_and_file_name_are_safe():
    table = Table("Điểm danh: chi bộ 21/11 [2026] và một tên rất dài", "", "", [Column("A")], [], 0)
    _count, ws = written(table)
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
    assert xlsx.file_stem("Danh sách đảng viên: Chi bộ 21", date(2026, 12, 1)) == (
        "danh-sach-dang-vien-chi-bo-21-2026-12-01"
    )


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError):
        Column("X", "currency")


@pytest.mark.parametrize("text", ["abc", "-1", "1.5", "9" * 30])
def test_malformed_parameters_are_unavailable(text):
    with pytest.raises(Unavailable):
        int_param({"org": text}, "org")


def test_parameters():
    assert optional_int_param({}, "org") is None
    assert optional_int_param({"org": " 12 "}, "org") == 12
    assert year_param({}, 2026) == 2026
    assert year_param({"year": "2025"}, 2026) == 2025
    with pytest.raises(Unavailable):
        year_param({"year": "1999"}, 2026)
    with pytest.raises(Unavailable):
        int_param({}, "meeting")
