"""Reading an .xlsx workbook: zip bombs refused from the declared sizes, formulas never calculated found, every sheet
streamed by openpyxl in read-only mode without parsing it whole at opening."""

from __future__ import annotations

import contextlib
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from apps.common.uploads import ZIP_MAX_ENTRIES, ZIP_MAX_UNCOMPRESSED
from apps.imports.rules.workbook import (
    FORMAT_XLSX,
    Sheet,
    UnreadableFile,
    Workbook,
    counted,
    damaged,
    encrypted,
    formulas_only,
    not_a_spreadsheet,
    too_many_rows,
    trimmed,
    zip_bomb,
)

# A workbook's parts may inflate to at most this much in all (the worksheets are streamed, so this bounds time), and
# any part other than a worksheet (shared strings, styles: openpyxl loads them whole) to ZIP_MAX_UNCOMPRESSED; a part
# larger than a mebibyte may not inflate more than MAX_RATIO times its compressed size (XML sheets compress 5-30 times;
# a zip bomb, about a thousand).
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
# The first rows of each sheet looked at for formulas that were never calculated.
FORMULA_PROBE_ROWS = 100


# --- .xlsx ----------------------------------------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from the declared sizes (Python's zipfile never inflates an entry past its declared size)."""
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        raise zip_bomb()
    total = 0
    for entry in entries:
        total += entry.file_size
        is_sheet = entry.filename.startswith("xl/worksheets/")
        if not is_sheet and entry.file_size > ZIP_MAX_UNCOMPRESSED:
            raise zip_bomb()
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1):
            raise zip_bomb()
    if total > XLSX_MAX_UNCOMPRESSED:
        raise zip_bomb()


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return FORMAT_XLSX
    if "xl/workbook.bin" in names:
        raise UnreadableFile(_("This is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx."))
    if "mimetype" in names and "content.xml" in names:
        with archive.open("mimetype") as part:
            if b"spreadsheet" in part.read(200):
                raise UnreadableFile(
                    _(
                        "This is an OpenDocument spreadsheet (.ods); open it in LibreOffice or Excel and save it "
                        "as .xlsx."
                    )
                )
    raise not_a_spreadsheet()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _formula_cells(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(formula cells without a value, cells with a value) in the first FORMULA_PROBE_ROWS rows of a sheet part.
    A formula that was never calculated (written by a program, not saved by Excel) reads as an empty cell."""
    uncached = valued = rows = 0
    with archive.open(part) as source:
        for _event, element in ElementTree.iterparse(source, events=("end",)):
            tag = _local(element.tag)
            if tag == "c":
                has_formula = has_value = False
                for child in element:
                    child_tag = _local(child.tag)
                    if child_tag == "f":
                        has_formula = True
                    elif (child_tag == "v" and child.text) or child_tag == "is":
                        has_value = True
                if has_formula and not has_value:
                    uncached += 1
                elif has_value:
                    valued += 1
                element.clear()
            elif tag == "row":
                element.clear()
                rows += 1
                if rows >= FORMULA_PROBE_ROWS:
                    break
            elif tag == "sheetData":
                break
    return uncached, valued


class _StreamedWorksheet(ReadOnlyWorksheet):
    """openpyxl's read-only worksheet, whose declared size is read from the head of the sheet only: openpyxl's own
    reading parses the whole sheet, and keeps every row element, when the sheet declares no size (a million rows:
    most of a minute and tens of megabytes before the first row is read)."""

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in ElementTree.iterparse(source, events=("start",)):
                tag = _local(element.tag)
                if tag == "dimension":
                    with contextlib.suppress(ValueError, TypeError):
                        self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(
                            element.get("ref", "")
                        )
                    return
                if tag == "sheetData":
                    return


def _load_read_only(file) -> openpyxl.Workbook:
    """``openpyxl.load_workbook(file, read_only=True, data_only=True)``, step by step (openpyxl's ExcelReader.read)
    but with _StreamedWorksheet, and without what a reading of values does not need (document properties, names)."""
    reader = ExcelReader(file, read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    reader.read_theme()
    apply_stylesheet(reader.archive, reader.wb)
    for sheet, relation in reader.parser.find_sheets():
        if relation.target not in reader.valid_files or "chartsheet" in relation.Type:
            continue
        worksheet = _StreamedWorksheet(reader.wb, sheet.name, relation.target, reader.shared_strings)
        worksheet.sheet_state = sheet.state
        reader.wb._sheets.append(worksheet)
    return reader.wb


def open_xlsx(path: Path, *, max_rows: int) -> Workbook:
    file = path.open("rb")
    try:
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise damaged() from error
        with archive:
            _check_zip(archive)
            _zip_kind(archive)
        file.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = _load_read_only(file)
        except UnreadableFile:
            raise
        except Exception as error:  # openpyxl raises whatever its parsers meet in a damaged file
            if "encrypt" in str(error).lower():
                raise encrypted() from error
            raise damaged() from error
    except BaseException:
        file.close()
        raise

    workbook = Workbook(format=FORMAT_XLSX, sheets=[])
    workbook._closers.append(file.close)
    workbook._closers.append(book.close)
    try:
        declared = 0
        for worksheet in book.worksheets:
            if worksheet.max_row and worksheet.min_row:
                rows = worksheet.max_row - worksheet.min_row + 1
                if rows > max_rows:
                    raise too_many_rows(max_rows)
                declared += rows
            # openpyxl's private path to the sheet's part: the probe reads its first rows raw.
            try:
                uncached, valued = _formula_cells(book._archive, worksheet._worksheet_path)
            except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError, EOFError) as error:
                raise damaged() from error
            if uncached and uncached >= valued:
                raise formulas_only(worksheet.title)
            worksheet.reset_dimensions()  # rows as long as they are, not padded to a declared (often wrong) size
            workbook.sheets.append(
                Sheet(
                    name=worksheet.title,
                    rows=_xlsx_rows(worksheet, max_rows),
                    hidden=worksheet.sheet_state != "visible",
                )
            )
        if declared > max_rows:
            raise too_many_rows(max_rows)
    except BaseException:
        workbook.close()
        raise
    return workbook


def _xlsx_rows(worksheet, max_rows: int) -> Callable[[], Iterator[tuple[int, tuple]]]:
    def rows() -> Iterator[tuple[int, tuple]]:
        def numbered() -> Iterator[tuple[int, tuple]]:
            # openpyxl fills missing rows with empty ones, so the count from 1 is the row number.
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                yield number, trimmed(values)

        try:
            yield from counted(numbered(), max_rows)
        except UnreadableFile:
            raise
        except Exception as error:  # a damaged part, a bad CRC at the end of a lying entry
            raise damaged() from error

    return rows
