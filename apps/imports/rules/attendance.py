"""Reading a past attendance register (issue 14 §4): which columns are months, and what each mark means. Plain
functions over plain values, no ORM.

A register is a sheet of members × months, typed from the paper book a cell keeps. Its month headers come in many
spellings ("T1", "Th1", "Tháng 1", "Tháng 01 năm 2026", "1/2026", "01/2026", a date); ``month_columns`` finds them.
Its marks are the cell's own shorthand. ``CODES`` is the one table of the marks we read (the mapping page shows it,
``codes_legend``): a file convention, not a party rule, so it is a table here rather than versioned data. A mark that
could mean two things is not in it and is refused, naming the cell, rather than guessed:

- "M" (muộn, late? miễn, exempt?), "V" / "vắng" (absent: with or without a reason?), "-", "0", "1".

A mark may carry its reason after it: "P (ốm)", "CL: đi công tác" → absent with reason, reason "ốm" / "đi công tác".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common.text import search_key

# The attendance statuses (apps.meetings.models.Attendance.Status values).
PRESENT, LATE, EXCUSED, UNEXCUSED, EXEMPT = "present", "late", "excused", "unexcused", "exempt"

# The marks read, by status, as typed (compared without diacritics, case or extra spaces). The one table.
CODES: dict[str, tuple[str, ...]] = {
    PRESENT: ("x", "C", "có mặt", "có", "CM", "+", "✓", "✔", "☑"),
    LATE: ("ĐM", "muộn", "đi muộn", "đến muộn"),
    EXCUSED: ("P", "CL", "vắng có lý do", "có lý do", "VCL", "phép", "có phép", "vắng có phép", "CP", "VCP"),
    UNEXCUSED: ("K", "KL", "vắng không lý do", "không lý do", "VKL", "không phép", "vắng không phép", "KP", "VKP"),
    EXEMPT: ("MSH", "miễn", "miễn sinh hoạt", "miễn SH", "MS"),
}
STATUS_LABELS = {
    PRESENT: gettext_lazy("Present"),
    LATE: gettext_lazy("Late"),
    EXCUSED: gettext_lazy("Absent with reason"),
    UNEXCUSED: gettext_lazy("Absent without reason"),
    EXEMPT: gettext_lazy("Exempt"),
}


def _fold(text: str) -> str:
    """No diacritics, lower case, single spaces: "Vắng  có lý do" → "vang co ly do"."""
    return search_key(text.replace("Đ", "D").replace("đ", "d"))


_BY_KEY: dict[str, str] = {}
for _status, _marks in CODES.items():
    for _mark in _marks:
        _key = _mark if _mark in "✓✔☑+" else _fold(_mark)
        assert _key not in _BY_KEY, _mark  # the table is unambiguous: a mark says one status
        _BY_KEY[_key] = _status


@dataclass(frozen=True)
class Mark:
    status: str  # one of the statuses above
    reason: str = ""  # typed after the code ("P (ốm)")


class UnreadableMark(ValueError):
    """The cell holds something that is not one of CODES (the message says what is accepted)."""


# "P (ốm)", "CL: đi công tác", "K - bỏ họp"
_WITH_REASON = re.compile(r"^\s*([^\s(:\-–]+(?:\s+[^\s(:\-–]+)*?)\s*(?:\((.*)\)|[:\-–]\s*(.+))\s*$")


def parse_mark(value: Any) -> Mark | None:
    """The mark of one cell: None when blank (no record for that month); UnreadableMark when not in CODES."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UnreadableMark(str(value))
    text = str(value).strip()
    if not text:
        return None
    found = _status_of(text)
    if found is not None:
        return Mark(found)
    parts = _WITH_REASON.match(text)
    if parts:
        found = _status_of(parts.group(1))
        reason = " ".join((parts.group(2) or parts.group(3) or "").split())
        if found is not None:
            return Mark(found, reason if found == EXCUSED else "")
    raise UnreadableMark(text)


def _status_of(text: str) -> str | None:
    text = text.strip()
    if text in _BY_KEY:
        return _BY_KEY[text]
    return _BY_KEY.get(_fold(text))


def codes_legend() -> list[tuple[str, str, tuple[str, ...]]]:
    """(status, its label, the marks read for it), for the mapping page and the refusal of an unreadable mark."""
    return [(status, str(STATUS_LABELS[status]), marks) for status, marks in CODES.items()]


def unreadable_message(text: str) -> str:
    return _("«%(mark)s» is not an attendance mark we can read; use %(codes)s") % {
        "mark": text,
        "codes": "; ".join(f"{label}: {', '.join(marks[:3])}" for _s, label, marks in codes_legend()),
    }


# ---------------------------------------------------------------------------------------------- month headers

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d|21\d\d)(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_MONTH_YEAR = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*[/.\-]\s*(\d{1,2})(?![\d/.\-])")
# "thang 1", "th1", "th.01", "t1", "t 12", "thang - 1" (a header merged over two rows; folded text); "t" and "th"
# only at a word's start
_WORD_MONTH = re.compile(r"\b(?:thang|th|t)\s*[.:/\-]?\s*(\d{1,2})(?!\d)")
_BARE = re.compile(r"^\s*(\d{1,2})\s*$")


def month_of_label(label: Any) -> tuple[int | None, int] | None:
    """(year named in the header or None, month) when the header names a month, else None.

    "T1", "Th 1", "Tháng 01", "Tháng 1 năm 2026", "Tháng 1/2026", "1/2026", "01-2026", "2026-01", "01/01/2026",
    "2026-01-01 00:00:00", and a date or datetime value. A bare number ("1") is not a month here: see
    ``month_columns``.
    """
    if isinstance(label, datetime | date):
        return label.year, label.month
    if label is None:
        return None
    text = _fold(str(label))
    if not text:
        return None
    found: tuple[int | None, int] | None = None
    if match := _ISO.search(text):
        found = int(match.group(1)), int(match.group(2))
    elif match := _DAY_MONTH_YEAR.search(text):
        found = int(match.group(3)), int(match.group(2))
    elif match := _WORD_MONTH.search(text):
        named = _YEAR.search(text[match.end() :]) or _YEAR.search(text[: match.start()])
        found = (int(named.group(1)) if named else None), int(match.group(1))
    elif match := _MONTH_YEAR.search(text):
        found = int(match.group(2)), int(match.group(1))
    elif match := _YEAR_MONTH.search(text):
        found = int(match.group(1)), int(match.group(2))
    if found is None or not 1 <= found[1] <= 12:
        return None
    return found


def _columns(columns: Iterable[Any]) -> list[tuple[int, Any]]:
    """(index, label) of layout Columns or of (index, label) pairs (the batch's stored sheets)."""
    pairs = []
    for column in columns:
        if isinstance(column, tuple | list):
            pairs.append((int(column[0]), column[1]))
        else:
            pairs.append((int(column.index), column.label))
    return pairs


def month_columns(columns: Iterable[Any], year: int) -> dict[int, date]:
    """Column index → first day of the month it holds, for the register of ``year``.

    A header naming another year is not a month of this register. Bare numbers ("1" … "12") count as months only
    when at least three of them follow each other in increasing order (a register headed "Tháng" over "1 2 3 …");
    a lone "1" is more likely a numbering column. When two columns name the same month, the first one is kept.
    """
    pairs = _columns(columns)
    found: dict[int, date] = {}
    months_seen: set[int] = set()
    for index, label in pairs:
        named = month_of_label(label)
        if named is None:
            continue
        named_year, month = named
        if named_year is not None and named_year != year:
            continue
        if month in months_seen:
            continue
        months_seen.add(month)
        found[index] = date(year, month, 1)
    if found:
        return dict(sorted(found.items()))
    bare = [(index, int(m.group(1))) for index, label in pairs if (m := _BARE.match(str(label or "")))]
    run: list[tuple[int, int]] = []
    best: list[tuple[int, int]] = []
    for index, month in bare:
        if 1 <= month <= 12 and (not run or month > run[-1][1]):
            run.append((index, month))
        else:
            run = [(index, month)] if 1 <= month <= 12 else []
        if len(run) > len(best):
            best = list(run)
    if len(best) >= 3:
        return {index: date(year, month, 1) for index, month in best}
    return {}


def other_years(columns: Iterable[Any], year: int) -> list[int]:
    """The years the month headers name that are not ``year`` (to tell the user the register is another year's)."""
    years = set()
    for _index, label in _columns(columns):
        named = month_of_label(label)
        if named and named[0] is not None and named[0] != year:
            years.add(named[0])
    return sorted(years)


# ---------------------------------------------------------------------------------------------- one row


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 → "A", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_name(index: int, row_number: int) -> str:
    return f"{column_letter(index)}{row_number}"


@dataclass(frozen=True)
class MonthMark:
    month: date  # first day
    index: int  # the column
    raw: Any
    mark: Mark | None  # None: blank
    error: str = ""  # unreadable: the message


def read_marks(raw: tuple | list, months: Mapping[int, date], repaired: Callable[[str], str] = str) -> list[MonthMark]:
    """Each month column of a raw row: its mark, blank, or why it cannot be read. ``repaired``: a text cell as
    Unicode (a mark typed in a legacy font: "v¾ng cã lý do")."""
    out = []
    for index, month in months.items():
        value = raw[index] if index < len(raw) else None
        try:
            out.append(MonthMark(month, index, value, parse_mark(repaired(value) if isinstance(value, str) else value)))
        except UnreadableMark as problem:
            out.append(MonthMark(month, index, value, None, unreadable_message(str(problem))))
    return out


def exempt_consistent(status: str, exempted: bool) -> bool:
    """A member exempted that day may be marked exempt, or present or late (an exempted member may come, and then
    counts: DOMAIN.md §9); an absence on the register of an exempted member is suspect (warning). "Exempt" for a
    member without an exemption that day is suspect too."""
    if exempted:
        return status in (EXEMPT, PRESENT, LATE)
    return status != EXEMPT


# ---------------------------------------------------------------------------------------------- the meeting implied

DEFAULT_DAY_OF_MONTH = 5  # apps.meetings.models.MeetingRule's default, for a cell without a rule


def meeting_day(year: int, month: int, day_of_month: int, is_holiday: Callable[[date], bool]) -> date:
    """The day a month's regular meeting is taken to have been held when the record has none: the cell's rule day
    moved to the next working day (as the calendar does, apps.meetings.rules.calendar), or, when that leaves the
    month, the last working day before it: a register's month stays its meeting's month."""
    day = date(year, month, min(day_of_month, 28))
    moved = day
    while moved.weekday() >= 5 or is_holiday(moved):
        moved += timedelta(days=1)
    if moved.month == month:
        return moved
    while day.weekday() >= 5 or is_holiday(day):
        day -= timedelta(days=1)
    return day


def covers(periods: Iterable[tuple[date, date | None]], day: date) -> bool:
    """A period (from, until or open) covers the day."""
    return any(start <= day and (end is None or end >= day) for start, end in periods)


def member_on(periods: Iterable[tuple[int, date, date | None]], day: date) -> int | None:
    """The cell a member belonged to on a day, from their membership periods (cell, joined, left): joined on or
    before the day and not left, or left after it (on a transfer's day the member is the new cell's, as the
    oversight's figures count it)."""
    for cell_id, joined, left in periods:
        if joined <= day and (left is None or left > day):
            return cell_id
    return None
