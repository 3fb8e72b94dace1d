"""Where the table is in a sheet: the header row among titles and blank rows, the columns, the data rows.

A committee's sheet seldom starts with its header: merged title rows ("ĐẢNG BỘ XÃ …", "DANH SÁCH ĐẢNG VIÊN CHI BỘ …")
come first, sometimes a header merged over two rows ("Họ và tên" over "Họ đệm" | "Tên"), then a row numbering the
columns ((1), (2), (3) …), and in the body blank rows, the header repeated where pages were pasted together, and at the
end a total and the signatures. ``find_table`` scores each of the first rows by how many of the kind's fields its
cells name (``mapping.match``, on labels repaired from legacy fonts) and takes the best; the table's ``rows()`` yields
the data rows only, each with its row number in the sheet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from apps.common.vnlegacy import Encoding, detect
from apps.imports.rules.mapping import (
    _SYNONYMS,
    ATTENDANCE,
    NUMBER_LABELS,
    PART_SEPARATOR,
    SUBHEADER_WORDS,
    is_number_label,
    label_key,
    match,
    repaired,
)

# The header is looked for among the first rows that hold something.
HEADER_SCAN_ROWS = 30
# A header names at least two fields (a row-number column and a run of month columns count as one each).
MIN_HEADER_SCORE = 2


@dataclass
class Column:
    index: int  # 0-based position in the row
    label: str  # repaired (Unicode NFC), the two rows of a merged header joined with mapping.PART_SEPARATOR


@dataclass
class Table:
    sheet: str
    header_row: int  # the header's last row (the data start below it)
    columns: list[Column]
    rows: Callable[[], Iterator[tuple[int, tuple[Any, ...]]]]  # the data rows only: (row number, values)
    header_rows: tuple[int, ...] = ()  # every row of the header (two for a merged header)
    # The legacy font the sheet is typed in (from its first rows), or None: the hint to repair its cells with,
    # ``vnlegacy.repair(text, hint=table.encoding)``, so that a short cell that alone reads well both ways ("Chi bé")
    # is read as the rest of the sheet.
    encoding: Encoding | None = None


def header_label(value, hint: Encoding | None = None) -> str:
    """A header cell as text: repaired (``hint``: the sheet's legacy font), spaces and line breaks collapsed; a month
    as "01/2024"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.month:02d}/{value.year}" if value.day == 1 else value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(repaired(str(value), hint).split())


def sheet_encoding(rows) -> Encoding | None:
    """The legacy font the text of these rows is typed in, when most of their non-ASCII cells read as one."""
    found: Counter[Encoding] = Counter()
    for _number, values in rows:
        for value in values:
            if isinstance(value, str) and not value.isascii():
                found[detect(value)] += 1
    legacy = [(count, encoding) for encoding, count in found.items() if encoding != Encoding.UNICODE]
    if not legacy:
        return None
    count, encoding = max(legacy)
    return encoding if count > found[Encoding.UNICODE] else None


_MONTH = re.compile(r"^(?:thang|t)\s?(?:0?[1-9]|1[0-2])(?:\s(?:\d{2}|\d{4}))?$|^(?:0?[1-9]|1[0-2])\s\d{4}$")
_NUMERIC = re.compile(r"^[\s\d.,/:\-()+]+$")


def is_month_label(label: str) -> bool:
    """ "Tháng 1", "T1", "tháng 01/2024", "01/2024", "Tháng – 1": a column of an attendance register."""
    return bool(_MONTH.match(label_key(label)))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _score(kind: str, labels: list[str]) -> int:
    fields: set[str] = set()
    numbered = False
    months = 0
    for label in labels:
        if not label:
            continue
        if is_number_label(label):
            numbered = True
            continue
        found = match(kind, label)
        if found:
            fields.add(found[0])
        elif kind == ATTENDANCE and is_month_label(label):
            months += 1
    return len(fields) + numbered + (1 if months >= 3 else 0)


def _join(top: tuple, sub: tuple, hint: Encoding | None = None) -> list[str]:
    """The labels of a header merged over two rows. A merged cell keeps its value in its first column only, so an
    upper label with lower labels below it is carried right over the lower labels that follow ("Họ và tên" over
    "Họ đệm" | "Tên" → "Họ và tên – Họ đệm", "Họ và tên – Tên"); an upper label with nothing below (merged down)
    stays as it is."""
    labels = []
    group = ""
    for index in range(max(len(top), len(sub))):
        upper = header_label(top[index], hint) if index < len(top) else ""
        lower = header_label(sub[index], hint) if index < len(sub) else ""
        if upper:
            group = upper if lower else ""
            labels.append(f"{upper}{PART_SEPARATOR}{lower}" if lower else upper)
        elif lower:
            labels.append(f"{group}{PART_SEPARATOR}{lower}" if group else lower)
        else:
            group = ""
            labels.append("")
    return labels


def _is_vocabulary(kind: str, label: str) -> bool:
    key = label_key(label)
    if kind == ATTENDANCE and _MONTH.match(key):
        return True
    return key in _SYNONYMS.get(kind, {}) or key in SUBHEADER_WORDS or key in NUMBER_LABELS


def _lower_header(kind: str, sub: tuple, joined: list[str]) -> bool:
    """Whether a row is the lower half of a two-row header rather than the first data row: every cell it holds is
    header vocabulary ("Họ đệm", "Tên", "Nam", "Dự bị"; a month under "Tháng"), or at least two thirds of them are
    and none looks like data (a number, a date)."""
    cells = [(index, value) for index, value in enumerate(sub) if not _blank(value)]
    if not cells:
        return False
    vocabulary = 0
    for index, value in cells:
        if kind == ATTENDANCE and is_month_label(joined[index]):
            vocabulary += 1
            continue
        if not isinstance(value, str) or _NUMERIC.match(value):
            return False
        if _is_vocabulary(kind, value):
            vocabulary += 1
    return vocabulary >= 1 and vocabulary * 3 >= len(cells) * 2


def _cheap_key(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return "" if value is None else str(value)


def _number_token(value) -> int | bool | None:
    """A column number's value (1, "1", "(1)"), None for a column letter ("A"), False for anything else."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else False
    if isinstance(value, str):
        text = value.strip().strip("()[]").strip()
        if text.isdigit() and len(text) <= 3:
            return int(text)
        if len(text) == 1 and text.isalpha():
            return None
    return False


def _is_numbering(values: tuple, width: int) -> bool:
    """A row that numbers the columns under the header: (1) (2) (3) … or 1 2 3 …, maybe A B first."""
    numbers = []
    count = 0
    for value in values:
        if _blank(value):
            continue
        count += 1
        token = _number_token(value)
        if token is False:
            return False
        if token is not None:
            numbers.append(token)
    if len(numbers) < 3 or count * 2 < width:
        return False
    return all(after == before + 1 for before, after in zip(numbers, numbers[1:], strict=False))


# Matched on the repaired text, with its diacritics: "Cộng" is a total, "Công" a name or a trade.
_SKIPPED_FOOTER = re.compile(r"^(?:tổng cộng|tổng số|cộng|ghi chú|chú thích)\b")
_SIGNATURES = re.compile(
    r"^(?:t/m|tm\.|người lập|xác nhận của|ký tên|ký và ghi rõ)\b"
    r"|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\b|\bngày\W+tháng\W+năm\b"
)
# A footer row holds at most this many cells ("Tổng cộng: 25 đảng viên", "T/M CHI BỘ | … | NGƯỜI LẬP BIỂU").
FOOTER_MAX_CELLS = 3


def _footer(values: tuple) -> str | None:
    """ "stop" for the signature block (what follows it is names under signatures), "skip" for a total or a note."""
    cells = [value for value in values if not _blank(value)]
    if not cells or len(cells) > FOOTER_MAX_CELLS or not isinstance(cells[0], str):
        return None
    text = " ".join(repaired(cells[0]).split()).casefold()
    if _SIGNATURES.search(text):
        return "stop"
    if _SKIPPED_FOOTER.match(text):
        return "skip"
    return None


def _header_candidates(kind: str, rows: list[tuple[int, tuple]], hint: Encoding | None):
    for position, (number, values) in enumerate(rows):
        labels = [header_label(value, hint) for value in values]
        # (score, a single row before a pair, the earlier first, rows, labels)
        yield _score(kind, labels), 1, -position, (number,), labels
        if position + 1 < len(rows) and rows[position + 1][0] == number + 1:
            sub = rows[position + 1][1]
            joined = _join(values, sub, hint)
            if _lower_header(kind, sub, joined):
                yield _score(kind, joined), 0, -position, (number, number + 1), joined


def find_table(sheet, kind: str) -> Table | None:
    """The table of a sheet for this kind of import, or None when none of its first HEADER_SCAN_ROWS rows that hold
    something reads as a header."""
    first: list[tuple[int, tuple]] = []
    for number, values in sheet.rows():
        first.append((number, values))
        if len(first) >= HEADER_SCAN_ROWS:
            break
    if not first:
        return None
    encoding = sheet_encoding(first)
    score, _single, _position, header_rows, labels = max(_header_candidates(kind, first, encoding), key=lambda c: c[:3])
    if score < MIN_HEADER_SCORE:
        return None
    columns = [Column(index, label) for index, label in enumerate(labels) if label]
    by_number = dict(first)
    header_values = [by_number[number] for number in header_rows]
    return Table(
        sheet=sheet.name,
        header_row=header_rows[-1],
        columns=columns,
        rows=_data_rows(sheet, header_rows[-1], header_values, len(columns)),
        header_rows=header_rows,
        encoding=encoding,
    )


def _data_rows(sheet, header_row: int, header_values: list[tuple], width: int):
    header_keys = [
        {index: key for index, value in enumerate(values) if (key := _cheap_key(value))} for values in header_values
    ]

    def is_repeated_header(values: tuple) -> bool:
        for keys in header_keys:
            same = sum(1 for index, key in keys.items() if index < len(values) and _cheap_key(values[index]) == key)
            filled = sum(1 for value in values if not _blank(value))
            if same >= min(2, len(keys)) and same * 2 >= filled:
                return True
        return False

    def rows() -> Iterator[tuple[int, tuple]]:
        for number, values in sheet.rows():
            if number <= header_row or all(_blank(value) for value in values):
                continue
            if is_repeated_header(values) or _is_numbering(values, width):
                continue
            footer = _footer(values)
            if footer == "stop":
                return
            if footer == "skip":
                continue
            yield number, values

    return rows


def find_tables(workbook, kind: str) -> list[Table]:
    """The table of every sheet that has one (a workbook may hold a sheet per cell)."""
    return [table for sheet in workbook.sheets if (table := find_table(sheet, kind)) is not None]
