"""Reading a legacy .xls workbook with xlrd (one sheet loaded at a time); a password-protected one refused."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import olefile
import xlrd

from apps.imports.rules.workbook import (
    FORMAT_XLS,
    Sheet,
    UnreadableFile,
    Workbook,
    counted,
    damaged,
    encrypted,
    not_a_spreadsheet,
    trimmed,
)

# --- .xls -----------------------------------------------------------------------------------------------------------


def open_xls(path: Path, *, max_rows: int) -> Workbook:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
                raise encrypted()  # an .xlsx saved with a password is an OLE file holding the encrypted zip
            if not (ole.exists("Workbook") or ole.exists("Book")):
                raise not_a_spreadsheet()  # a .doc, a .msg, a .ppt
    except UnreadableFile:
        raise
    except Exception as error:  # olefile's parsing errors on a damaged directory
        raise damaged() from error

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise encrypted() from error
        raise damaged() from error
    except Exception as error:
        raise damaged() from error

    workbook = Workbook(format=FORMAT_XLS, sheets=[])
    workbook._closers.append(book.release_resources)
    for index, name in enumerate(book.sheet_names()):
        workbook.sheets.append(Sheet(name=name, rows=_xls_rows(book, index, max_rows)))
    return workbook


def _xls_value(book, cell) -> Any:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value
    return value


def _xls_rows(book, index: int, max_rows: int) -> Callable[[], Iterator[tuple[int, tuple]]]:
    def rows() -> Iterator[tuple[int, tuple]]:
        try:
            sheet = book.sheet_by_index(index)
        except Exception as error:
            raise damaged() from error
        try:

            def numbered() -> Iterator[tuple[int, tuple]]:
                for row in range(sheet.nrows):
                    yield row + 1, trimmed([_xls_value(book, cell) for cell in sheet.row(row)])

            yield from counted(numbered(), max_rows)
        finally:
            with contextlib.suppress(Exception):
                book.unload_sheet(index)

    return rows
