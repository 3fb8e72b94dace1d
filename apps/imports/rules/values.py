"""Reading a cell's value as what the field needs: dates, card numbers, national IDs, gender, names.

Each parser takes the value as the sheet gave it (text not yet repaired, a number, a datetime) and returns the clean
value, or raises ``ValueProblem`` with a Vietnamese message that quotes what was in the cell, so the preview can say
"Dòng 12: ngày sinh «31/02/1970» …" and the secretary knows which cell to fix.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from apps.common.text import search_key
from apps.imports.rules.mapping import repaired

# Dates the imports accept (births, admissions, meetings).
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Excel's serial day numbers (1900 date system): 1 is 1900-01-01, 60 the 29 February 1900 that never was (Lotus
# 1-2-3's bug, kept by Excel), 73415 is 2100-12-31.
EXCEL_SERIAL_MAX = 73415
# A party card number has this many digits (spaces, dots and dashes aside).
CARD_MIN_DIGITS, CARD_MAX_DIGITS = 5, 12
NATIONAL_ID_DIGITS = 12
OLD_ID_CARD_DIGITS = 9  # the identity card (chứng minh nhân dân) the 12-digit citizen card replaced


class ValueProblem(ValueError):
    """A cell that cannot be read as its field; ``message`` is Vietnamese, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


def _text(value) -> str:
    text = repaired(str(value)) if not str(value).isascii() else str(value)
    return " ".join(text.split())


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


# --- dates ----------------------------------------------------------------------------------------------------------


def _not_a_real_date(text: str, day: int, month: int) -> ValueProblem:
    if not 1 <= month <= 12:
        return ValueProblem(
            _("«%(text)s» is not a date: there is no month %(month)d.") % {"text": text, "month": month}
        )
    return ValueProblem(
        _("«%(text)s» is not a real date: month %(month)d has no day %(day)d.")
        % {"text": text, "month": month, "day": day}
    )


def _build(text: str, year: int, month: int, day: int) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem(_("«%(text)s»: the year %(year)d is not plausible.") % {"text": text, "year": year})
    try:
        return date(year, month, day)
    except ValueError as error:
        raise _not_a_real_date(text, day, month) from error


def _full_year(year: int, digits: int) -> int:
    """A two-digit year: up to this year's two last digits it is this century's, above them the last one's."""
    if digits > 2:
        return year
    now = date.today().year
    return 2000 + year if year <= now % 100 else 1900 + year


def _from_serial(serial: int, text: str) -> date:
    if serial == 60:
        raise _not_a_real_date(text, 29, 2)
    if not 1 <= serial <= EXCEL_SERIAL_MAX:
        raise ValueProblem(_("«%(text)s» is a number, not a date.") % {"text": text})
    base = date(1899, 12, 31) if serial < 60 else date(1899, 12, 30)
    return base + timedelta(days=serial)


def _from_number(number: int, text: str) -> date:
    digits = len(str(number))
    if FIRST_YEAR <= number <= LAST_YEAR:
        raise ValueProblem(_("«%(text)s» is only a year; the day and month are missing.") % {"text": text})
    if digits == 8:  # 19750305 or 05031975 typed without separators
        year, month, day = number // 10000, number // 100 % 100, number % 100
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return _build(text, year, month, day)
        return _build(text, number % 10000, number // 10000 % 100, number // 1000000)
    if digits == 7:  # 5031975: a day below 10 typed as a number lost its zero
        return _build(text, number % 10000, number // 10000 % 100, number // 1000000)
    return _from_serial(number, text)


_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4}|\d{2})$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date(value) -> date:
    """A date from a datetime or date cell, an Excel serial day number, or text: "05/03/1975", "5/3/1975",
    "05-03-1975", "05.03.1975", "5/3/75", "1975-03-05", "ngày 5 tháng 3 năm 1975". ValueProblem otherwise."""
    if isinstance(value, datetime):
        return _build(value.isoformat(), value.year, value.month, value.day)
    if isinstance(value, date):
        return _build(value.isoformat(), value.year, value.month, value.day)
    if value is None or isinstance(value, bool):
        raise ValueProblem(_("The date is missing."))
    if isinstance(value, int | float):
        text = _shown(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(_("«%(text)s» is a number, not a date.") % {"text": text})
        return _from_number(int(value), text)
    text = _text(value)
    if not text:
        raise ValueProblem(_("The date is missing."))
    plain = _TIME.sub("", text)
    if plain.isdigit() and len(plain) in (4, 5, 7, 8):
        return _from_number(int(plain), text)
    if found := _DMY.match(plain):
        day, month, year = found.groups()
        return _build(text, _full_year(int(year), len(year)), int(month), int(day))
    if found := _YMD.match(plain):
        year, month, day = found.groups()
        return _build(text, int(year), int(month), int(day))
    if _MONTH_YEAR.match(plain):
        raise ValueProblem(_("«%(text)s» has no day; write the date as day/month/year.") % {"text": text})
    if found := _WORDS.match(search_key(plain).replace(",", " ")):
        day, month, year = found.groups()
        return _build(text, _full_year(int(year), len(year)), int(month), int(day))
    raise ValueProblem(_("«%(text)s» is not a date in a known form (day/month/year).") % {"text": text})


# --- numbers --------------------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-_\u00a0\u2010-\u2015]+")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)


def _digits(value) -> tuple[str, str]:
    """(digits, the cell as shown) of a number typed as text or stored as a number."""
    if isinstance(value, bool):
        return "", str(value)
    if isinstance(value, float):
        if not value.is_integer():
            return "", _shown(value)
        value = int(value)
    if isinstance(value, int):
        return str(value), str(value)
    text = _text(value)
    return _SEPARATORS.sub("", text), text


def _rounded_by_excel(text: str) -> ValueProblem:
    return ValueProblem(
        _(
            "«%(text)s» was shown by Excel as a rounded number and has lost digits; format the column as Text and "
            "type the numbers again."
        )
        % {"text": text}
    )


def parse_card_number(value) -> str:
    """A party card number: digits only, spaces, dots and dashes removed ("48 012 345", "48.012.345")."""
    digits, text = _digits(value)
    if not text:
        raise ValueProblem(_("The party card number is missing."))
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise _rounded_by_excel(text)
    if not digits.isdigit():
        raise ValueProblem(_("«%(text)s» is not a party card number: it may hold only digits.") % {"text": text})
    if not CARD_MIN_DIGITS <= len(digits) <= CARD_MAX_DIGITS:
        raise ValueProblem(
            _("«%(text)s» has %(count)d digits; a party card number has %(min)d to %(max)d.")
            % {"text": text, "count": len(digits), "min": CARD_MIN_DIGITS, "max": CARD_MAX_DIGITS}
        )
    return digits


def card_key(number: str) -> str:
    """A card number for matching: Excel drops the leading zeros of a number, so "01234567" typed as text and
    1234567 stored as a number are one card."""
    return number.lstrip("0") or number


def parse_national_id(value) -> str:
    """The 12-digit personal identification number (CCCD). Its first three digits are a province code from 001, so it
    always starts with 0: ten or eleven digits without it are a number Excel stored as a number, and get their zeros
    back."""
    digits, text = _digits(value)
    if not text:
        raise ValueProblem(_("The national ID is missing."))
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise _rounded_by_excel(text)
    if not digits.isdigit():
        raise ValueProblem(_("«%(text)s» is not a national ID: it may hold only digits.") % {"text": text})
    if NATIONAL_ID_DIGITS - 2 <= len(digits) < NATIONAL_ID_DIGITS and not digits.startswith("0"):
        digits = digits.zfill(NATIONAL_ID_DIGITS)  # stored as a number (maybe then saved as CSV)
    if len(digits) == OLD_ID_CARD_DIGITS:
        raise ValueProblem(
            _("«%(text)s» is an old 9-digit identity card number; the national ID (CCCD) has 12 digits.")
            % {"text": text}
        )
    if len(digits) != NATIONAL_ID_DIGITS:
        raise ValueProblem(
            _("«%(text)s» has %(count)d digits; a national ID has 12.") % {"text": text, "count": len(digits)}
        )
    return digits


# --- gender ---------------------------------------------------------------------------------------------------------

MALE, FEMALE = "male", "female"
_GENDERS = {
    "nam": MALE,
    "nam gioi": MALE,
    "trai": MALE,
    "male": MALE,
    "m": MALE,
    "nu": FEMALE,
    "nu gioi": FEMALE,
    "gai": FEMALE,
    "female": FEMALE,
    "f": FEMALE,
}


def parse_gender(value) -> str:
    """ "male" or "female" from "Nam", "Nữ" (any case, with or without diacritics, legacy fonts repaired), "male",
    "female", "M", "F"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueProblem(_("The gender is missing."))
    text = _text(value)
    gender = _GENDERS.get(search_key(text).strip(" ."))
    if gender is None:
        raise ValueProblem(_("«%(text)s» is not a gender (write Nam or Nữ).") % {"text": text})
    return gender


# --- names ----------------------------------------------------------------------------------------------------------


def join_name(surname, given_name) -> str:
    """The full name from "Họ đệm" and "Tên" columns: "Nguyễn Văn" + "An" → "Nguyễn Văn An" (spaces collapsed;
    repairing legacy text and capitals is the converter's job)."""
    parts = [" ".join(str(part).split()) for part in (surname, given_name) if part is not None]
    return " ".join(part for part in parts if part)


def split_name(full_name) -> tuple[str, str]:
    """(surname and middle name, given name): a Vietnamese name's given name is its last word."""
    words = str(full_name or "").split()
    if not words:
        return "", ""
    return " ".join(words[:-1]), words[-1]
