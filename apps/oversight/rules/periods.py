"""Reporting periods: a month, a quarter or a year, as the first days of the months they cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = (MONTH, QUARTER, YEAR)
_LENGTH = {MONTH: 1, QUARTER: 3, YEAR: 12}


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """``kind`` month/quarter/year; ``year``; ``number`` the month (1–12), the quarter (1–4) or 1 for a year."""

    kind: str
    year: int
    number: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(self.kind)
        if not 1 <= self.number <= {MONTH: 12, QUARTER: 4, YEAR: 1}[self.kind]:
            raise ValueError(self.number)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == MONTH:
            return cls(MONTH, day.year, day.month)
        if kind == QUARTER:
            return cls(QUARTER, day.year, (day.month - 1) // 3 + 1)
        return cls(YEAR, day.year)

    @property
    def first_month(self) -> date:
        start = {MONTH: self.number, QUARTER: 3 * (self.number - 1) + 1, YEAR: 1}[self.kind]
        return date(self.year, start, 1)

    @property
    def last_month(self) -> date:
        return add_months(self.first_month, _LENGTH[self.kind] - 1)

    @property
    def months(self) -> list[date]:
        return [add_months(self.first_month, i) for i in range(_LENGTH[self.kind])]

    @property
    def end(self) -> date:
        """The last day of the period."""
        return date.fromordinal(add_months(self.last_month, 1).toordinal() - 1)

    def previous(self) -> Period:
        return Period.containing(self.kind, add_months(self.first_month, -_LENGTH[self.kind]))

    def next(self) -> Period:
        return Period.containing(self.kind, add_months(self.first_month, _LENGTH[self.kind]))

    @property
    def key(self) -> str:
        """The period in a URL: 2026-11, 2026-q4, 2026."""
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-q{self.number}"
        return str(self.year)

    @classmethod
    def from_key(cls, key: str) -> Period:
        """The inverse of ``key``; ValueError on anything else."""
        key = key.strip().lower()
        if "-q" in key:
            year, number = key.split("-q", 1)
            return cls(QUARTER, int(year), int(number))
        if "-" in key:
            year, number = key.split("-", 1)
            return cls(MONTH, int(year), int(number))
        return cls(YEAR, int(key))

    @property
    def label(self) -> str:
        """Vietnamese label: "tháng 11/2026", "quý IV/2026", "năm 2026" (set in templates through gettext)."""
        if self.kind == MONTH:
            return f"{self.number:02d}/{self.year}"
        if self.kind == QUARTER:
            return f"{('I', 'II', 'III', 'IV')[self.number - 1]}/{self.year}"
        return str(self.year)
