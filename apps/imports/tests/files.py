"""Real spreadsheet files for the import tests, as messy as the ones committees keep (docs/decisions/0012-imports.md).

Each builder writes a file to ``path`` and returns the path: .xlsx with openpyxl, .xls with xlwt, .csv with the
standard library, and the knobs reproduce what real files do: merged title rows, a header merged over two rows, a
row numbering the columns, blank rows, the header repeated in the body, a total and signatures at the end, a sheet
per cell, dates as date cells, as text in several forms or as Excel serial numbers, text typed with legacy fonts
(TCVN3 ".VnTime", VNI-Times: through ``apps.common.vnlegacy.from_unicode``) or in decomposed Unicode.

The bad files: a zip bomb, a sheet of formulas never calculated, a password-protected workbook (an OLE compound file
holding an ``EncryptedPackage``, written by hand here, and an .xls carrying a FILEPASS record), a million rows
(written straight as XML, streaming), and files that are no spreadsheet at all.

    rows = sample_members(30)
    write_members(tmp_path / "ds.xlsx", rows, encoding="tcvn3", two_row_header=True, dates="text")
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlwt
from openpyxl import Workbook

from apps.common.vnlegacy import Encoding, from_unicode
from apps.imports.rules.sheets import LEGACY_ERRORS
from apps.imports.rules.values import split_name

# --- sample data ----------------------------------------------------------------------------------------------------

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Ngọc", "Thanh", "Minh", "Quốc", "Thị Thu", "Xuân", "Bảo", "Công")
GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
    "Mai", "Nam", "Nga", "Ngọc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Việt", "Yến",
    "Ước", "Ửng", "Đạt", "Ẩn", "Ấn", "Ỗn", "Ợi",
)  # fmt: skip
# Not "Ỷ": a one-letter syllable does not count for vnlegacy's detection, so "Phan Minh YÛ" (VNI, the other words
# ASCII) stays as it is; a converter matter, reported.
CELLS = ("Chi bộ Khu phố 1", "Chi bộ Thôn Đông", "Chi bộ Trường Tiểu học", "Chi bộ Quân sự", "Chi bộ Ấp Bến Lức")
OFFICES = ("", "", "", "", "Bí thư", "Phó Bí thư", "Chi ủy viên")


def sample_members(count: int, *, seed: int = 1, cells: tuple[str, ...] = CELLS) -> list[dict[str, Any]]:
    """``count`` members with Vietnamese names (every vowel and tone about), unique card numbers and national IDs."""
    rng = random.Random(seed)
    members = []
    for number in range(count):
        gender = "Nữ" if rng.random() < 0.4 else "Nam"
        middle = rng.choice(MIDDLE)
        if gender == "Nam" and "Thị" in middle:
            middle = "Văn"
        born = date(rng.randint(1935, 2002), rng.randint(1, 12), rng.randint(1, 28))
        admitted = date(min(born.year + rng.randint(18, 40), 2024), rng.randint(1, 12), rng.randint(1, 28))
        members.append(
            {
                "full_name": f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}",
                "date_of_birth": born,
                "gender": gender,
                "card_number": f"{48_000_000 + number * 7 + 1:08d}",
                "national_id": f"0{rng.randint(1, 96):02d}{0 if gender == 'Nam' else 1}{born.year % 100:02d}"
                f"{number:06d}",
                "admitted_on": admitted,
                "official_on": date(admitted.year + 1, admitted.month, admitted.day),
                "cell": cells[number % len(cells)],
                "office": rng.choice(OFFICES),
                "residence": f"Tổ {rng.randint(1, 30)}, khu phố {rng.randint(1, 9)}",
                "occupation": rng.choice(("Hưu trí", "Giáo viên", "Công nhân", "Nông dân", "Kinh doanh", "Bộ đội")),
                "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
            }
        )
    return members


# --- headers --------------------------------------------------------------------------------------------------------

MEMBER_HEADERS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "card_number": "Số thẻ đảng viên",
    "national_id": "Số CCCD",
    "admitted_on": "Ngày vào Đảng",
    "official_on": "Ngày chính thức",
    "cell": "Chi bộ",
    "office": "Chức vụ",
    "residence": "Nơi cư trú",
    "occupation": "Nghề nghiệp",
    "phone": "Điện thoại",
    "email": "Email",
}
TREE_HEADERS = {
    "code": "Mã tổ chức",
    "name": "Tên tổ chức",
    "kind": "Loại",
    "parent_code": "Mã cấp trên",
    "sector": "Loại hình",
    "level_label": "Cấp",
}
ATTENDANCE_HEADERS = {
    "full_name": "Họ và tên",
    "card_number": "Số thẻ đảng viên",
    "date_of_birth": "Ngày sinh",
    "cell": "Chi bộ",
}
DATE_FIELDS = {"date_of_birth", "admitted_on", "official_on"}
# The forms dates typed as text take, in turn.
TEXT_DATE_FORMS = (
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: d.strftime("%d-%m-%Y"),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: d.isoformat(),
    lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
)
TITLE = ("ĐẢNG BỘ XÃ HÒA BÌNH", "DANH SÁCH ĐẢNG VIÊN", "(Tính đến ngày 31 tháng 12 năm 2025)")


def excel_serial(day: date) -> int:
    """Excel's serial day number (1900 date system, with its 29 February 1900)."""
    return (day - date(1899, 12, 30)).days


def encode_text(text: str, encoding: str | None) -> str:
    """Text as a legacy font or decomposed Unicode would hold it: None (Unicode NFC), "tcvn3", "vni", "nfd"."""
    if encoding is None:
        return text
    if encoding == "nfd":
        return unicodedata.normalize("NFD", text)
    return from_unicode(text, Encoding(encoding))


# --- the grid a builder lays out, then writes -----------------------------------------------------------------------


@dataclass
class Grid:
    """One sheet as rows of cell values (0-based), with its merged ranges (first row, first column, last row, last
    column; 0-based, inclusive)."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class Header:
    """A header's columns: (upper label, lower label or None, the field that fills the column or None)."""

    columns: list[tuple[str, str | None, str | None]]

    @property
    def two_rows(self) -> bool:
        return any(lower is not None for _upper, lower, _field in self.columns)


def _lay_out(
    name: str,
    header: Header,
    records: list[list[Any]],
    *,
    encoding: str | None,
    title: tuple[str, ...] | None,
    blank_rows: bool,
    repeated_header: bool,
    numbering_row: bool,
    footer: bool,
) -> Grid:
    grid = Grid(name=name)
    width = len(header.columns) + 1

    def text(value):
        return encode_text(value, encoding) if isinstance(value, str) else value

    for line in title or ():
        grid.merges.append((len(grid.rows), 0, len(grid.rows), width - 1))
        grid.rows.append([text(line)] + [None] * (width - 1))
    if title:
        grid.rows.append([])

    def add_header() -> None:
        top = len(grid.rows)
        if not header.two_rows:
            grid.rows.append([text("STT")] + [text(upper) for upper, _lower, _field in header.columns])
            return
        upper_row: list[Any] = [text("STT")]
        lower_row: list[Any] = [None]
        grid.merges.append((top, 0, top + 1, 0))  # "STT" merged down
        for index, (upper, lower, _field) in enumerate(header.columns, start=1):
            if lower is None:  # merged down over both rows
                grid.merges.append((top, index, top + 1, index))
                upper_row.append(text(upper))
                lower_row.append(None)
                continue
            previous = header.columns[index - 2] if index > 1 else None
            if previous is not None and previous[1] is not None and previous[0] == upper:
                upper_row.append(None)  # the group goes on: its merge widens
                first_row, first_column, last_row, _last = grid.merges[-1]
                grid.merges[-1] = (first_row, first_column, last_row, index)
            else:
                upper_row.append(text(upper))
                grid.merges.append((top, index, top, index))
            lower_row.append(text(lower))
        # a group of one column needs no merge
        grid.merges[:] = [merge for merge in grid.merges if merge[0] != merge[2] or merge[1] != merge[3]]
        grid.rows.append(upper_row)
        grid.rows.append(lower_row)

    add_header()
    if numbering_row:
        grid.rows.append([f"({number})" for number in range(1, width + 1)])
    for number, record in enumerate(records, start=1):
        if repeated_header and number == len(records) // 2 + 1:
            add_header()
        grid.rows.append([number] + [text(value) for value in record])
        if blank_rows and number % 7 == 0:
            grid.rows.append([])
    if footer:
        grid.rows.append([])
        grid.rows.append([None, text(f"Tổng cộng: {len(records)} đảng viên")])
        grid.rows.append([])
        grid.rows.append([None, text("T/M CHI BỘ"), None, None, text("NGƯỜI LẬP BIỂU")])
        grid.rows.append([None, text("BÍ THƯ")])
        grid.rows.append([None, text("Nguyễn Văn Ký"), None, None, text("Trần Thị Lập")])
    return grid


def _date_value(value: date, mode: str, position: int):
    if mode == "date":
        return value
    if mode == "serial":
        return excel_serial(value)
    if mode == "text":
        return TEXT_DATE_FORMS[position % len(TEXT_DATE_FORMS)](value)
    raise ValueError(f"dates: {mode!r}")


# --- writers --------------------------------------------------------------------------------------------------------


def _write_xlsx(path: Path, grids: list[Grid]) -> None:
    book = Workbook()
    book.remove(book.active)
    for grid in grids:
        sheet = book.create_sheet(grid.name[:31])
        for row in grid.rows:
            sheet.append([value for value in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = "DD/MM/YYYY"
        for first_row, first_column, last_row, last_column in grid.merges:
            sheet.merge_cells(
                start_row=first_row + 1,
                start_column=first_column + 1,
                end_row=last_row + 1,
                end_column=last_column + 1,
            )
    book.save(path)


def _write_xls(path: Path, grids: list[Grid]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for grid in grids:
        sheet = book.add_sheet(grid.name[:31], cell_overwrite_ok=True)
        merged_away = {
            (row, column)
            for first_row, first_column, last_row, last_column in grid.merges
            for row in range(first_row, last_row + 1)
            for column in range(first_column, last_column + 1)
            if (row, column) != (first_row, first_column)
        }
        for first_row, first_column, last_row, last_column in grid.merges:
            value = grid.rows[first_row][first_column] if first_column < len(grid.rows[first_row]) else None
            sheet.write_merge(first_row, last_row, first_column, last_column, value)
        starts = {(first_row, first_column) for first_row, first_column, _r, _c in grid.merges}
        for row_index, row in enumerate(grid.rows):
            for column, value in enumerate(row):
                if value is None or (row_index, column) in merged_away or (row_index, column) in starts:
                    continue
                if isinstance(value, datetime | date):
                    sheet.write(row_index, column, value, date_style)
                else:
                    sheet.write(row_index, column, value)
    book.save(str(path))


def _csv_bytes(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":  # Excel's "Unicode text": little-endian with a BOM
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding, errors=LEGACY_ERRORS)


def _write_csv(path: Path, grids: list[Grid], *, encoding: str, delimiter: str) -> None:
    if len(grids) != 1:
        raise ValueError("a .csv file holds one sheet")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grids[0].rows:
        writer.writerow(["" if value is None else _csv_text(value) for value in row])
    path.write_bytes(_csv_bytes(buffer.getvalue(), encoding))


def _csv_text(value) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _write(
    path: Path,
    grids: list[Grid],
    *,
    fmt: str,
    encoding: str | None,
    csv_encoding: str,
    delimiter: str | None,
) -> Path:
    path = Path(path)
    if fmt == "xlsx":
        _write_xlsx(path, grids)
    elif fmt == "xls":
        _write_xls(path, grids)
    elif fmt == "csv":
        if encoding in ("tcvn3", "vni"):
            csv_encoding = "cp1252"  # a legacy font's text lives in an 8-bit file
        if delimiter is None:
            delimiter = "\t" if csv_encoding.startswith("utf-16") else ","
        _write_csv(path, grids, encoding=csv_encoding, delimiter=delimiter)
    else:
        raise ValueError(f"fmt: {fmt!r}")
    return path


# --- the builders ---------------------------------------------------------------------------------------------------


def _member_header(fields: list[str], two_row_header: bool) -> Header:
    columns: list[tuple[str, str | None, str | None]] = []
    for name in fields:
        if two_row_header and name == "full_name":
            columns += [("Họ và tên", "Họ đệm", "surname"), ("Họ và tên", "Tên", "given_name")]
        elif (
            two_row_header and name in ("admitted_on", "official_on") and {"admitted_on", "official_on"} <= set(fields)
        ):
            columns.append(("Ngày vào Đảng", "Dự bị" if name == "admitted_on" else "Chính thức", name))
        else:
            columns.append((MEMBER_HEADERS[name], None, name))
    return Header(columns)


def _record(row: dict[str, Any], header: Header, dates: str, position: int) -> list[Any]:
    values = []
    for _upper, _lower, name in header.columns:
        if name in ("surname", "given_name"):
            surname, given = split_name(row.get("full_name", ""))
            value: Any = surname if name == "surname" else given
        else:
            value = row.get(name)
        if isinstance(value, date) and name in DATE_FIELDS:
            value = _date_value(value, dates, position)
        values.append(value if value != "" else None)
    return values


def _safe_sheet_name(name: str) -> str:
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]


def write_members(
    path,
    rows: list[dict[str, Any]],
    *,
    fmt: str = "xlsx",
    encoding: str | None = None,
    title_rows: bool = True,
    two_row_header: bool = False,
    dates: str = "date",
    blank_rows: bool = False,
    repeated_header: bool = False,
    sheet_per_cell: bool = False,
    numbering_row: bool = False,
    footer: bool = False,
    csv_encoding: str = "utf-8-sig",
    delimiter: str | None = None,
    fields: list[str] | None = None,
) -> Path:
    """A member list: "STT" then a column per field (``fields``, or those the rows hold, in MEMBER_HEADERS' order).
    ``sheet_per_cell``: a sheet per row["cell"], named after it, without the cell column."""
    if fields is None:
        present = {key for row in rows for key, value in row.items() if value not in (None, "")}
        fields = [name for name in MEMBER_HEADERS if name in present]
    groups: list[tuple[str, list[dict[str, Any]]]]
    if sheet_per_cell:
        fields = [name for name in fields if name != "cell"]
        by_cell: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_cell.setdefault(row["cell"], []).append(row)
        groups = list(by_cell.items())
    else:
        groups = [("Danh sách", rows)]
    header = _member_header(fields, two_row_header)
    grids = []
    for name, members in groups:
        title = None
        if title_rows:
            title = (TITLE[0], f"{TITLE[1]} {name.upper()}" if sheet_per_cell else TITLE[1], TITLE[2])
        records = [_record(row, header, dates, position) for position, row in enumerate(members)]
        grids.append(
            _lay_out(
                _safe_sheet_name(name),  # a tab's name stays Unicode: Windows draws it in its own font
                header,
                records,
                encoding=encoding,
                title=title,
                blank_rows=blank_rows,
                repeated_header=repeated_header,
                numbering_row=numbering_row,
                footer=footer,
            )
        )
    return _write(path, grids, fmt=fmt, encoding=encoding, csv_encoding=csv_encoding, delimiter=delimiter)


def write_tree(
    path,
    rows: list[dict[str, Any]],
    *,
    fmt: str = "xlsx",
    encoding: str | None = None,
    title_rows: bool = True,
    blank_rows: bool = False,
    repeated_header: bool = False,
    csv_encoding: str = "utf-8-sig",
    delimiter: str | None = None,
) -> Path:
    """The organisation tree: code, name, kind, parent's code (and sector, level when the rows hold them)."""
    present = {key for row in rows for key, value in row.items() if value not in (None, "")}
    header = Header([(label, None, name) for name, label in TREE_HEADERS.items() if name in present])
    records = [[row.get(name) for _u, _l, name in header.columns] for row in rows]
    title = ("ĐẢNG BỘ XÃ HÒA BÌNH", "DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC") if title_rows else None
    grid = _lay_out(
        "To chuc",
        header,
        records,
        encoding=encoding,
        title=title,
        blank_rows=blank_rows,
        repeated_header=repeated_header,
        numbering_row=False,
        footer=False,
    )
    return _write(path, [grid], fmt=fmt, encoding=encoding, csv_encoding=csv_encoding, delimiter=delimiter)


def write_attendance(
    path,
    rows: list[dict[str, Any]],
    *,
    year: int,
    fmt: str = "xlsx",
    encoding: str | None = None,
    title_rows: bool = True,
    months: str = "thang",
    dates: str = "date",
    blank_rows: bool = False,
    csv_encoding: str = "utf-8-sig",
    delimiter: str | None = None,
) -> Path:
    """A register: a row per member (name, card number, date of birth, cell when the rows hold them), a column per
    month with the codes of row["months"] ({1: "x", 2: "P", …}). ``months``: "thang" ("Tháng 1"), "t" ("T1"),
    "date" (a date cell, the first of the month), "two_row" ("Tháng" merged over 1 … 12)."""
    present = {key for row in rows for key, value in row.items() if value not in (None, "")}
    columns: list[tuple[str, str | None, str | None]] = [
        (label, None, name) for name, label in ATTENDANCE_HEADERS.items() if name in present
    ]
    for month in range(1, 13):
        if months == "thang":
            columns.append((f"Tháng {month}", None, f"month:{month}"))
        elif months == "t":
            columns.append((f"T{month}", None, f"month:{month}"))
        elif months == "date":
            columns.append((datetime(year, month, 1), None, f"month:{month}"))  # type: ignore[arg-type]
        elif months == "two_row":
            columns.append(("Tháng", month, f"month:{month}"))  # type: ignore[arg-type]
        else:
            raise ValueError(f"months: {months!r}")
    header = Header(columns)
    records = []
    for position, row in enumerate(rows):
        record = []
        for _upper, _lower, name in columns:
            if name and name.startswith("month:"):
                record.append(row.get("months", {}).get(int(name.split(":")[1])))
            else:
                value = row.get(name)
                if isinstance(value, date):
                    value = _date_value(value, dates, position)
                record.append(value)
        records.append(record)
    title = ("ĐẢNG BỘ XÃ HÒA BÌNH", f"SỔ THEO DÕI SINH HOẠT ĐẢNG NĂM {year}") if title_rows else None
    grid = _lay_out(
        f"Nam {year}",
        header,
        records,
        encoding=encoding,
        title=title,
        blank_rows=blank_rows,
        repeated_header=False,
        numbering_row=False,
        footer=False,
    )
    return _write(path, [grid], fmt=fmt, encoding=encoding, csv_encoding=csv_encoding, delimiter=delimiter)


# --- bad files ------------------------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _minimal_xlsx(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", PACKAGE_RELS)
    archive.writestr("xl/workbook.xml", WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)


def _inline(reference: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{reference}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def write_many_rows(path, n: int, *, dimension: str = "honest") -> Path:
    """An .xlsx of a header and ``n`` member rows (name, card number, year of birth), written straight as XML while
    streaming, so a million rows take seconds and little memory. ``dimension``: "honest" (the sheet declares its
    size), "missing" (no declaration), "lying" (declares one row)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _minimal_xlsx(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            declared = {"honest": f"A1:C{n + 1}", "lying": "A1:C1", "missing": None}[dimension]
            part.write(SHEET_START.encode())
            if declared:
                part.write(f'<dimension ref="{declared}"/>'.encode())
            part.write(b"<sheetData>")
            part.write(
                (
                    '<row r="1">'
                    + _inline("A1", "Họ và tên")
                    + _inline("B1", "Số thẻ đảng viên")
                    + _inline("C1", "Năm sinh")
                    + "</row>"
                ).encode()
            )
            chunk = []
            for number in range(2, n + 2):
                chunk.append(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>Đảng viên {number}</t></is></c>'
                    f'<c r="B{number}"><v>{10_000_000 + number}</v></c><c r="C{number}"><v>1970</v></c></row>'
                )
                if len(chunk) == 10_000:
                    part.write("".join(chunk).encode())
                    chunk.clear()
            part.write("".join(chunk).encode())
            part.write(b"</sheetData></worksheet>")
    return path


def write_zip_bomb(path, *, inflated: int = 1024 * 1024 * 1024, kind: str = "ratio") -> Path:
    """An .xlsx whose sheet inflates to ``inflated`` bytes of blanks. ``kind``: "ratio" (honest sizes, a thousand
    to one), "declared" (a small sheet whose zip entry claims four gigabytes), "understated" (a big sheet whose entry
    claims a few bytes: Python's zipfile stops at the claimed size and the checksum then fails)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _minimal_xlsx(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(SHEET_START.encode() + b"<sheetData>")
            size = inflated if kind != "declared" else 1024
            blanks = b" " * (1024 * 1024)
            while size > 0:
                part.write(blanks[: min(size, len(blanks))])
                size -= len(blanks)
            part.write(b"</sheetData></worksheet>")
    if kind in ("declared", "understated"):
        _patch_declared_size(path, "xl/worksheets/sheet1.xml", 0xFFFF_FF00 if kind == "declared" else 64)
    elif kind != "ratio":
        raise ValueError(f"kind: {kind!r}")
    return path


def _patch_declared_size(path: Path, name: str, size: int) -> None:
    """Rewrite the uncompressed size an entry declares, in its local header and the central directory (the zip64
    extra fields, where the writer put them, too)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
    struct.pack_into("<I", data, local + 22, min(size, 0xFFFF_FFFE))
    _patch_zip64(data, local + 30 + name_length, extra_length, size)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length, extra_length = struct.unpack_from("<HH", data, position + 28)
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            if struct.unpack_from("<I", data, position + 24)[0] != 0xFFFF_FFFF:
                struct.pack_into("<I", data, position + 24, min(size, 0xFFFF_FFFE))
            _patch_zip64(data, position + 46 + name_length, extra_length, size)
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))


def _patch_zip64(data: bytearray, start: int, length: int, size: int) -> None:
    offset = start
    while offset + 4 <= start + length:
        tag, block = struct.unpack_from("<HH", data, offset)
        if tag == 0x0001 and block >= 8:
            struct.pack_into("<Q", data, offset + 4, size)  # the uncompressed size comes first
        offset += 4 + block


def write_formulas_only(path, *, rows: int = 20) -> Path:
    """An .xlsx written by a program: every cell, the header too, a formula that was never calculated (no cached
    value), as PHPExcel-style exports are."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sach"
    sheet.append(['="STT"', '="Họ và tên"', '="Ngày sinh"', '="Số thẻ đảng viên"'])
    for number in range(1, rows + 1):
        sheet.append(
            [f"={number}", f'=CONCATENATE("Nguyễn Văn ","{number}")', "=DATE(1975,3,5)", f"={48000000 + number}"]
        )
    book.save(path)
    return Path(path)


# A compound file (OLE2, "CFB"): what Office wraps an encrypted workbook in, and what .xls and .doc files are.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END, _FAT, _NOSTREAM = 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFD, 0xFFFF_FFFF


def write_cfb(path, streams: dict[str, bytes]) -> Path:
    """A minimal compound file (version 3, 512-byte sectors) holding ``streams`` at its root. Each stream is padded
    to 4,096 bytes at least, so that none lives in the mini stream (which this writer does not build)."""
    sector = 512
    items = sorted(streams.items(), key=lambda item: (len(item[0]), item[0].upper()))
    items = [(name, data.ljust(4096, b"\0")) for name, data in items]
    directory_sectors = -(-(len(items) + 1) // 4)
    stream_sectors = [-(-len(data) // sector) for _name, data in items]
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + directory_sectors + sum(stream_sectors):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("too large for a header-only DIFAT")
    fat = [_FAT] * fat_sectors
    first_directory = len(fat)
    fat += list(range(first_directory + 1, first_directory + directory_sectors)) + [_END]
    starts = []
    for count in stream_sectors:
        start = len(fat)
        starts.append(start)
        fat += list(range(start + 1, start + count)) + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,  # black
            _NOSTREAM,
            right,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    entries = [entry("Root Entry", 5, _NOSTREAM, 1 if items else _NOSTREAM, _END, 0)]
    for position, ((name, data), start) in enumerate(zip(items, starts, strict=True), start=1):
        right = position + 1 if position < len(items) else _NOSTREAM
        entries.append(entry(name, 2, right, _NOSTREAM, start, len(data)))
    while len(entries) < directory_sectors * 4:
        entries.append(
            struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, b"", 0, 0, 0, 0, 0)
        )
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        CFB_MAGIC,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        first_directory,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    )
    header += struct.pack("<109I", *(list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)))
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    for _name, data in items:
        body += data.ljust(-(-len(data) // sector) * sector, b"\0")
    path = Path(path)
    path.write_bytes(header + body)
    return path


def write_encrypted_like(path) -> Path:
    """What Excel saves when a workbook is given a password: an OLE compound file holding ``EncryptionInfo`` and the
    encrypted zip in ``EncryptedPackage`` (random bytes here: no reader gets past the wrapper)."""
    rng = random.Random(14)
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 8192) + bytes(rng.getrandbits(8) for _ in range(8192))
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": package, "\x06DataSpaces": b"\0" * 64})


def write_encrypted_xls(path) -> Path:
    """A legacy .xls with a password: its workbook stream carries a FILEPASS record (xlwt's INTERFACEHDR record,
    which has the same length, is turned into one)."""
    book = xlwt.Workbook()
    book.add_sheet("Danh sach").write(0, 0, "Họ và tên")
    book.save(str(path))
    data = Path(path).read_bytes()
    interface_header = b"\xe1\x00\x02\x00\xb0\x04"
    if data.count(interface_header) != 1:
        raise RuntimeError("xlwt's INTERFACEHDR record not found once")
    Path(path).write_bytes(data.replace(interface_header, b"\x2f\x00\x02\x00\xb0\x04"))
    return Path(path)


def write_not_a_spreadsheet(path, kind: str = "pdf") -> Path:
    """A file that is no spreadsheet, whatever its name: "pdf", "png", "exe", "docx", "doc", "ods", "xlsb", "html",
    "binary" (random bytes), "empty"."""
    path = Path(path)
    if kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")
    elif kind == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64))
    elif kind == "exe":
        path.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 8)
    elif kind == "binary":
        rng = random.Random(14)
        path.write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "html":
        path.write_text(
            "<html><head><meta charset='utf-8'></head><body><table><tr><td>Họ và tên</td><td>Ngày sinh</td></tr>"
            "</table></body></html>",
            encoding="utf-8",
        )
    elif kind in ("docx", "ods", "xlsb"):
        with zipfile.ZipFile(path, "w") as archive:
            if kind == "ods":
                archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
                archive.writestr("content.xml", "<office:document-content/>")
            elif kind == "xlsb":
                archive.writestr("[Content_Types].xml", "<Types/>")
                archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
            else:
                archive.writestr("[Content_Types].xml", "<Types/>")
                archive.writestr("word/document.xml", "<w:document/>")
    elif kind == "doc":
        write_cfb(path, {"WordDocument": b"\xec\xa5" + bytes(510), "1Table": bytes(512)})
    else:
        raise ValueError(f"kind: {kind!r}")
    return path
