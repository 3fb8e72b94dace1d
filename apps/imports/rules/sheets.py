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

import codecs
import contextlib
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import olefile
import openpyxl
import xlrd
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from apps.common.uploads import OLE2_MAGIC, ZIP_MAGIC, ZIP_MAX_ENTRIES, ZIP_MAX_UNCOMPRESSED

# A workbook's parts may inflate to at most this much in all (the worksheets are streamed, so this bounds time), and
# any part other than a worksheet (shared strings, styles: openpyxl loads them whole) to ZIP_MAX_UNCOMPRESSED; a part
# larger than a mebibyte may not inflate more than MAX_RATIO times its compressed size (XML sheets compress 5-30 times;
# a zip bomb, about a thousand).
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
# The first rows of each sheet looked at for formulas that were never calculated.
FORMULA_PROBE_ROWS = 100
# How much of a text file is looked at to tell its encoding and delimiter.
TEXT_SAMPLE_BYTES = 64 * 1024
CSV_DELIMITERS = (",", ";", "\t")

FORMAT_XLSX, FORMAT_XLS, FORMAT_CSV = "xlsx", "xls", "csv"


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; ``message`` says why in Vietnamese, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


@dataclass
class Sheet:
    name: str
    rows: Callable[[], Iterator[tuple[int, tuple[Any, ...]]]]  # a new pass each call: (1-based row number, values)
    hidden: bool = False


@dataclass
class Workbook:
    format: str  # "xlsx" | "xls" | "csv"
    sheets: list[Sheet]
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        while self._closers:
            with contextlib.suppress(Exception):
                self._closers.pop()()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- messages -------------------------------------------------------------------------------------------------------


def not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(_("The file is not an Excel workbook (.xlsx, .xls) or a .csv file."))


def damaged() -> UnreadableFile:
    return UnreadableFile(
        _("The file is damaged or was not saved completely; open it in Excel, save it again and upload it.")
    )


def zip_bomb() -> UnreadableFile:
    return UnreadableFile(
        _("The file would take far too much room once unpacked; it is not an ordinary spreadsheet. Check the file.")
    )


def encrypted() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The workbook is protected by a password. Open it in Excel, remove the password (File, Info, Protect "
            "Workbook), save it and upload it again."
        )
    )


def formulas_only(sheet: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "The sheet «%(sheet)s» holds only formulas, without their values; open the file in Excel, save it and "
            "upload it again."
        )
        % {"sheet": sheet}
    )


def too_many_rows(limit: int) -> UnreadableFile:
    return UnreadableFile(
        _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": _thousands(limit)}
    )


def too_large(limit: int) -> UnreadableFile:
    return UnreadableFile(_("The file is too large: at most %(limit)s MB.") % {"limit": max(1, limit // (1024 * 1024))})


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese groups thousands with dots: 200.000


# --- opening --------------------------------------------------------------------------------------------------------


def open_workbook(path: Path, *, max_rows: int, max_bytes: int) -> Workbook:
    """The workbook at ``path``, by its content; ``UnreadableFile`` when it cannot or must not be read."""
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
        return _open_xlsx(path, max_rows=max_rows)
    if head.startswith(OLE2_MAGIC):
        return _open_xls(path, max_rows=max_rows)
    return _open_csv(path, head, max_rows=max_rows)


def _blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _trimmed(values) -> tuple:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return tuple(values[:end])


def _counted(rows: Iterator[tuple[int, tuple]], max_rows: int) -> Iterator[tuple[int, tuple]]:
    """The non-blank rows of one pass, refused past ``max_rows``."""
    count = 0
    for number, values in rows:
        if _blank(values):
            continue
        count += 1
        if count > max_rows:
            raise too_many_rows(max_rows)
        yield number, values


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


def _open_xlsx(path: Path, *, max_rows: int) -> Workbook:
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
                yield number, _trimmed(values)

        try:
            yield from _counted(numbered(), max_rows)
        except UnreadableFile:
            raise
        except Exception as error:  # a damaged part, a bad CRC at the end of a lying entry
            raise damaged() from error

    return rows


# --- .xls -----------------------------------------------------------------------------------------------------------


def _open_xls(path: Path, *, max_rows: int) -> Workbook:
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
                    yield row + 1, _trimmed([_xls_value(book, cell) for cell in sheet.row(row)])

            yield from _counted(numbered(), max_rows)
        finally:
            with contextlib.suppress(Exception):
                book.unload_sheet(index)

    return rows


# --- .csv -----------------------------------------------------------------------------------------------------------


def _latin1_fallback(error: UnicodeError) -> tuple[str | bytes, int]:
    """Windows-1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D); Windows itself maps them to the
    same code points, and so do we, both ways, so that no legacy byte is lost on the way to the converter."""
    if isinstance(error, UnicodeDecodeError):
        return "".join(chr(byte) for byte in error.object[error.start : error.end]), error.end
    if isinstance(error, UnicodeEncodeError):
        chunk = error.object[error.start : error.end]
        if all(ord(char) < 256 for char in chunk):
            return bytes(ord(char) for char in chunk), error.end
    raise error


LEGACY_ERRORS = "chibo-latin1-fallback"
codecs.register_error(LEGACY_ERRORS, _latin1_fallback)

_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"{\\rtf", b"\x1f\x8b")
_MARKUP = re.compile(rb"^\s*<(\?xml|!doctype html|html|table|head|body|meta)", re.IGNORECASE)
_CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))


def _text_encoding(path: Path, head: bytes) -> tuple[str, int]:
    """(codec, bytes of BOM to skip) for a text file, or UnreadableFile when it is not text."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if head.startswith(_BINARY_SIGNATURES):
        raise not_a_spreadsheet()
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le", 0
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be", 0
        raise not_a_spreadsheet()
    if sum(head.count(byte) for byte in _CONTROL_BYTES) > len(head) // 100:
        raise not_a_spreadsheet()
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", 0
    return "utf-8", 0


def _text_stream(path: Path, encoding: str, skip: int):
    raw = path.open("rb")
    raw.seek(skip)
    return io.TextIOWrapper(raw, encoding=encoding, errors=LEGACY_ERRORS, newline="")


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:50]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = ",", (-1, -1, -1)
    for rank, delimiter in enumerate(CSV_DELIMITERS):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if not counts:
            continue
        widths = [count for count in counts if count > 1]
        modal = max(set(widths), key=widths.count) if widths else 1
        score = (widths.count(modal) if widths else 0, modal, -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, head: bytes, *, max_rows: int) -> Workbook:
    if _MARKUP.match(head.lstrip(codecs.BOM_UTF8)):
        raise UnreadableFile(
            _("This file is a web page (HTML or XML) named like a spreadsheet; open it in Excel and save it as .xlsx.")
        )
    encoding, skip = _text_encoding(path, head)
    with _text_stream(path, encoding, skip) as stream:
        sample = stream.read(TEXT_SAMPLE_BYTES)
    if "\x00" in sample:
        raise not_a_spreadsheet()
    delimiter = _sniff_delimiter(sample)

    def rows() -> Iterator[tuple[int, tuple]]:
        def numbered() -> Iterator[tuple[int, tuple]]:
            with _text_stream(path, encoding, skip) as stream:
                # A record is a row, as Excel numbers it (a quoted cell may hold line breaks).
                for number, values in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
                    yield number, _trimmed([value if value != "" else None for value in values])

        try:
            yield from _counted(numbered(), max_rows)
        except csv.Error as error:  # a cell longer than csv's field limit, a stray NUL: not a real .csv
            raise not_a_spreadsheet() from error

    return Workbook(format=FORMAT_CSV, sheets=[Sheet(name=path.stem, rows=rows)])
