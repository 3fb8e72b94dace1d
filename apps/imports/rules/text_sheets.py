"""Reading a .csv or text file: its encoding (BOM, UTF-8, UTF-16, else Windows-1252 so that legacy TCVN3/VNI
bytes reach the converter) and its delimiter told from a sample, the rows streamed."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from apps.imports.rules.workbook import (
    FORMAT_CSV,
    TEXT_SAMPLE_BYTES,
    Sheet,
    UnreadableFile,
    Workbook,
    counted,
    not_a_spreadsheet,
    trimmed,
)

CSV_DELIMITERS = (",", ";", "\t")


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


def open_csv(path: Path, head: bytes, *, max_rows: int, name: str | None = None) -> Workbook:
    """The text file as a workbook of one sheet, named ``name`` (the uploaded file's name, which the user knows),
    else after the file on disk."""
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
                    yield number, trimmed([value if value != "" else None for value in values])

        try:
            yield from counted(numbered(), max_rows)
        except csv.Error as error:  # a cell longer than csv's field limit, a stray NUL: not a real .csv
            raise not_a_spreadsheet() from error

    return Workbook(format=FORMAT_CSV, sheets=[Sheet(name=name or path.stem, rows=rows)])
