"""Opening a committee's spreadsheet by what its bytes are, and streaming its rows (docs/decisions/0012-imports.md).

``open_workbook(path, max_rows=..., max_bytes=...)`` looks at the content, not the name: a zip holding
``xl/workbook.xml`` is read as .xlsx (openpyxl read-only: rows are parsed as they are iterated), an OLE2 compound file
holding a ``Workbook`` stream as .xls (xlrd, one sheet loaded at a time), text as .csv (BOM, UTF-8, UTF-16 as Excel's
"Unicode text", else Windows-1252 so that an 8-bit legacy file's TCVN3/VNI bytes reach the converter as the glyph code
points it expects; the delimiter sniffed among comma, semicolon and tab). Anything else is refused with
``UnreadableFile`` and a Vietnamese message saying what to do: not a spreadsheet, a zip bomb (declared sizes and
ratios checked before anything is inflated), a password-protected workbook, a sheet of formulas without cached values,
more rows than ``max_rows`` (the declared dimension first, then counted while streaming).

Each ``Sheet.rows()`` is a new pass over the sheet: it yields ``(row number, values)`` for the rows that hold
something (blank rows are skipped, their numbers kept), values as the file has them: str (not repaired), int, float,
datetime, bool or None, trailing empty cells dropped.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from apps.common.uploads import OLE2_MAGIC, ZIP_MAGIC
from apps.imports.rules.text_sheets import LEGACY_ERRORS, open_csv
from apps.imports.rules.workbook import (
    FORMAT_CSV,
    FORMAT_XLS,
    FORMAT_XLSX,
    TEXT_SAMPLE_BYTES,
    Sheet,
    UnreadableFile,
    Workbook,
    damaged,
    encrypted,
    formulas_only,
    not_a_spreadsheet,
    too_large,
    too_many_rows,
    zip_bomb,
)
from apps.imports.rules.xls import open_xls
from apps.imports.rules.xlsx import open_xlsx

__all__ = [
    "FORMAT_CSV",
    "FORMAT_XLS",
    "FORMAT_XLSX",
    "LEGACY_ERRORS",
    "Sheet",
    "UnreadableFile",
    "Workbook",
    "damaged",
    "encrypted",
    "formulas_only",
    "not_a_spreadsheet",
    "open_workbook",
    "too_large",
    "too_many_rows",
    "zip_bomb",
]


# --- opening --------------------------------------------------------------------------------------------------------


def open_workbook(path: Path, *, max_rows: int, max_bytes: int, name: str | None = None) -> Workbook:
    """The workbook at ``path``, by its content; ``UnreadableFile`` when it cannot or must not be read. ``name``:
    what a text file's one sheet is called (the name the user uploaded it under; the stored file's is a random one)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise not_a_spreadsheet() from error
    if size > max_bytes:
        raise too_large(max_bytes)
    if size == 0:
        raise UnreadableFile(_("The file is empty."))
    with path.open("rb") as file:
        head = file.read(TEXT_SAMPLE_BYTES)
    if head.startswith(ZIP_MAGIC):
        return open_xlsx(path, max_rows=max_rows)
    if head.startswith(OLE2_MAGIC):
        return open_xls(path, max_rows=max_rows)
    return open_csv(path, head, max_rows=max_rows, name=name)
