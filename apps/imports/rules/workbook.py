"""The values every reader of a spreadsheet shares: the workbook and its sheets, the refusal with its Vietnamese
message, and the counting of a pass's rows against the limit (docs/decisions/0012-imports.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# How much of a text file is looked at to tell its encoding and delimiter (and of any file to tell its kind).
TEXT_SAMPLE_BYTES = 64 * 1024

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
        _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": thousands(limit)}
    )


def too_large(limit: int) -> UnreadableFile:
    return UnreadableFile(_("The file is too large: at most %(limit)s MB.") % {"limit": max(1, limit // (1024 * 1024))})


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese groups thousands with dots: 200.000


def blank_row(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def trimmed(values) -> tuple:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return tuple(values[:end])


def counted(rows: Iterator[tuple[int, tuple]], max_rows: int) -> Iterator[tuple[int, tuple]]:
    """The non-blank rows of one pass, refused past ``max_rows``."""
    count = 0
    for number, values in rows:
        if blank_row(values):
            continue
        count += 1
        if count > max_rows:
            raise too_many_rows(max_rows)
        yield number, values
