"""The .xlsx writer: a Table (rules/tables.py) as one sheet formatted for printing (openpyxl, write-only mode).

The sheet: the title, the organisation, the period and "exported by … at dd/mm/yyyy HH:MM" above the table; the
header row frozen (it stays in view when scrolling) and repeated at the top of every printed page; the columns'
widths; numbers with thousands separators, percentages as percentages, dates dd/mm/yyyy; a totals row (SUM
formulas of the summed columns, or the values the table computed); landscape A4 fitted to the page's width, page
numbers in the footer; an autofilter on the header.

Write-only mode streams the rows to a temporary file as they come, so a province's member list (hundreds of
thousands of rows) is written in constant memory; it asks that the sheet's views and columns be set before the
first row, and the filter, print titles and page setup are written at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from apps.common.text import search_key
from apps.exports.rules.tables import DATE, INT, MONEY, NUMBER, PERCENT, TEXT, Column, Table

HEADING_ROWS = 4  # title, organisation, period, exported by
HEADER_ROW = HEADING_ROWS + 2  # a blank line, then the header
FIRST_DATA_ROW = HEADER_ROW + 1

FORMATS = {
    TEXT: "@",
    INT: "#,##0",
    NUMBER: "General",
    MONEY: "#,##0",  # đồng: whole numbers with thousands separators
    PERCENT: "0.0%",
    DATE: "DD/MM/YYYY",
}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Times New Roman"  # the party documents' typeface (DOMAIN.md §10)

Progress = Callable[[int], None]


def exported_line(by: str, at: datetime) -> str:
    return _("Exported by %(name)s at %(when)s") % {"name": by, "when": at.strftime("%d/%m/%Y %H:%M")}


def cell_value(kind: str, value: Any) -> Any:
    """A row's value as the sheet stores it: percent points become a fraction (85.3 → 0.853, shown 85.3%), a
    datetime's day for a date column, Decimals of whole đồng as integers; None stays empty."""
    if value is None or value == "":
        return None
    if kind == PERCENT:
        return float(value) / 100
    if kind == DATE and isinstance(value, datetime):
        return value.date()
    if kind in (INT, NUMBER, MONEY) and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if kind == TEXT and not isinstance(value, str):
        return str(value)
    return value


class _Styles:
    """One prototype cell per look (heading lines, header, each column's body and totals cells): every cell
    written copies its prototype's style (a few integers), which keeps a large sheet fast."""

    def __init__(self, ws, columns: Sequence[Column]):
        self.ws = ws
        self.title = self._proto(font=Font(name=FONT, bold=True, size=14))
        self.heading = self._proto(font=Font(name=FONT, size=12))
        self.small = self._proto(font=Font(name=FONT, italic=True, size=11))
        self.header = self._proto(
            font=Font(name=FONT, bold=True, size=12),
            fill=PatternFill("solid", start_color="E8E8E8"),
            border=BOX,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        self.body = [self._column(c, bold=False) for c in columns]
        self.total = [self._column(c, bold=True) for c in columns]

    def _proto(self, **styles):
        cell = WriteOnlyCell(self.ws)
        for name, value in styles.items():
            setattr(cell, name, value)
        return cell

    def _column(self, column: Column, *, bold: bool):
        return self._proto(
            font=Font(name=FONT, size=12, bold=bold),
            border=BOX,
            number_format=FORMATS[column.kind],
            alignment=Alignment(vertical="top", wrap_text=column.kind == TEXT),
        )

    def cell(self, proto, value):
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(proto._style)
        return cell


def write(
    table: Table,
    out: str | IO[bytes],
    *,
    exported_by: str,
    exported_at: datetime,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """Write ``table`` to ``out`` (a path or a binary file) and return the number of rows written. ``progress`` is
    called with the rows written so far every ``every`` rows and once at the end."""
    columns = list(table.columns)
    width = max(len(columns), 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(table.title))
    styles = _Styles(ws, columns)
    _set_up_page(ws, columns)

    ws.append([styles.cell(styles.title, table.title)])
    ws.append([styles.cell(styles.heading, table.organisation)])
    ws.append([styles.cell(styles.heading, table.period)])
    ws.append([styles.cell(styles.small, exported_line(exported_by, exported_at))])
    ws.append([])
    ws.append([styles.cell(styles.header, c.header) for c in columns])

    written = 0
    for row in table.rows:
        ws.append(
            [
                styles.cell(proto, cell_value(column.kind, value))
                for column, proto, value in zip(columns, styles.body, row, strict=True)
            ]
        )
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    last = HEADER_ROW + written
    if table.has_totals:
        ws.append(_totals(table, columns, styles, written))
    for note in table.notes:
        ws.append([styles.cell(styles.small, note)])
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{max(last, HEADER_ROW)}"
    wb.save(out)
    if progress is not None:
        progress(written)
    return written


def _totals(table: Table, columns: list[Column], styles: _Styles, written: int) -> list:
    label = table.totals_label or _("Total")
    cells = []
    for index, (column, proto) in enumerate(zip(columns, styles.total, strict=True)):
        if table.totals is not None:
            value = cell_value(column.kind, table.totals[index])
        elif column.total and written:
            letter = get_column_letter(index + 1)
            value = f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{HEADER_ROW + written})"
        elif column.total:
            value = 0
        else:
            value = None
        if index == 0 and value is None:
            value = label
        cells.append(styles.cell(proto, value))
    return cells


def _set_up_page(ws, columns: list[Column]) -> None:
    """What write-only mode needs before the first row (views, columns), and the page setup."""
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.shown_width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = _("Page &P of &N")


def _sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def file_stem(title: str, day: date) -> str:
    """The download's name without the extension: the title in ASCII words and the day (danh-sach-2026-12-01)."""
    return f"{_ascii_slug(title)}-{day:%Y-%m-%d}"


def _ascii_slug(text: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in search_key(text)).split()
    return "-".join(words)[:80].strip("-") or "bang"
