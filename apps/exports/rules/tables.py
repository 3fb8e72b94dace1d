"""What an export is: a table described in plain values (title, organisation, period, columns, rows), and the
registry of the providers that build one by name.

The exports app sits below every domain app (.importlinter), so it knows no model: each app that offers a list as
an .xlsx registers a provider in its ``AppConfig.ready()`` (``register("members", exports.members)``). A provider
``provider(user, params) -> Table`` reads only through its app's scoped lookups (``members_for(user, VIEW)`` and the
like), so an export never holds a row the user could not see on the page; it raises ``Unavailable`` for what the
user may not see or for parameters that name nothing (the pages answer 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.common.rules import year_ok

TEXT = "text"
INT = "int"
NUMBER = "number"  # a decimal figure shown as it is (points: 87.5)
PERCENT = "percent"  # a value in percent points (85.3 for 85.3 %), as the pages show it
MONEY = "money"  # đồng, whole numbers
DATE = "date"
KINDS = (TEXT, INT, NUMBER, PERCENT, MONEY, DATE)

# A column's width in characters when the provider gives none.
DEFAULT_WIDTHS = {TEXT: 24, INT: 10, NUMBER: 10, PERCENT: 10, MONEY: 14, DATE: 12}

Params = Mapping[str, str]


class Unavailable(Exception):
    """The table cannot be made for this user with these parameters: what they name is outside the user's scope,
    or does not exist, or the parameters are malformed. The pages answer 404, as for any record out of scope."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float | None = None  # in characters; DEFAULT_WIDTHS[kind] when None
    total: bool = False  # the totals row sums the column (a SUM formula), unless the table gives its totals

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def shown_width(self) -> float:
        return self.width if self.width is not None else DEFAULT_WIDTHS[self.kind]


@dataclass
class Table:
    """One sheet: the heading lines, the columns, the rows (an iterable read once, lazily: a provider passes a
    generator over its queryset so that building the table for the confirm page reads no row) and how many rows
    there are (known before they are read: it decides between writing at once and a background job)."""

    title: str
    organisation: str
    period: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    count: int
    # The totals row as computed values, one per column (None: empty), when a sum of the rows is not the figure
    # (a roll-up's percentages); otherwise the columns marked ``total`` are summed.
    totals: Sequence[Any] | None = None
    totals_label: str = ""  # the totals row's first cell when it holds no value ("" : "Total")
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the table (a legend of codes)

    @property
    def has_totals(self) -> bool:
        return self.totals is not None or any(c.total for c in self.columns)


Provider = Callable[[Any, Params], Table]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Offer a table under ``name`` (``/exports/<name>/?<params>``); a name is registered once."""
    if name in _providers and _providers[name] is not provider:
        raise ValueError(f"an export named {name!r} is already registered")
    _providers[name] = provider


def provider(name: str) -> Provider:
    try:
        return _providers[name]
    except KeyError:
        raise Unavailable(name) from None


def names() -> list[str]:
    return sorted(_providers)


# ---------------------------------------------------------------------------------------------- parameters
# The providers read their parameters from the query string the list page links with: these turn a malformed
# value into Unavailable (a 404), never a server error.


def int_param(params: Params, key: str, default: int | None = None) -> int:
    text = (params.get(key) or "").strip()
    if not text:
        if default is None:
            raise Unavailable(key)
        return default
    if not text.isdigit() or len(text) > 18:
        raise Unavailable(key)
    return int(text)


def optional_int_param(params: Params, key: str) -> int | None:
    return int_param(params, key) if (params.get(key) or "").strip() else None


def year_param(params: Params, default: int) -> int:
    year = int_param(params, "year", default)
    if not year_ok(year):
        raise Unavailable("year")
    return year
