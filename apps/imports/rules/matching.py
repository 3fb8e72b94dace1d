"""The matching rules of an import (docs/decisions/0012-imports.md): a person by the party card number, then the
national ID, then the name (folded: no diacritics, no case) with the date of birth; a cell by its code or its name.
Plain values, no ORM: the plan loads the candidates of the target's subtree once and asks here for every row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from apps.common.text import search_key
from apps.imports.rules.values import card_key

CARD_NUMBER, NATIONAL_ID, NAME_BIRTH = "card_number", "national_id", "name_birth"  # data["matched_by"]

# Why a row matched nobody although a key pointed at somebody (the plan turns these into Vietnamese refusals).
CARD_DIFFERS = "card_differs"  # the record found has another card number than the row's
NATIONAL_ID_DIFFERS = "national_id_differs"  # the record found by name and birth has another national ID
AMBIGUOUS = "ambiguous"  # several records share the row's name and date of birth


@dataclass(frozen=True)
class Candidate:
    """A person already recorded: the keys the rule reads and where they are."""

    pk: int
    cell_id: int
    card_number: str | None
    national_id: str | None
    name_key: str  # apps.common.text.search_key of the full name
    date_of_birth: date | None
    active: bool = True


@dataclass
class Index:
    by_card: dict[str, Candidate] = field(default_factory=dict)
    by_national_id: dict[str, Candidate] = field(default_factory=dict)
    by_name_birth: dict[tuple[str, date], list[Candidate]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Match:
    candidate: Candidate | None = None
    rule: str = ""  # CARD_NUMBER | NATIONAL_ID | NAME_BIRTH, "" when nobody matched
    conflict: str = ""  # CARD_DIFFERS, NATIONAL_ID_DIFFERS, AMBIGUOUS: a key found someone who cannot be this row
    others: tuple[Candidate, ...] = ()  # the candidates behind a conflict


def build_index(candidates: Iterable[Candidate]) -> Index:
    index = Index()
    for candidate in candidates:
        if candidate.card_number:
            index.by_card[card_key(candidate.card_number)] = candidate
        if candidate.national_id:
            index.by_national_id[candidate.national_id] = candidate
        if candidate.name_key and candidate.date_of_birth:
            index.by_name_birth[(candidate.name_key, candidate.date_of_birth)].append(candidate)
    return index


def _differs(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a != b


def _cards_differ(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and card_key(a or "") != card_key(b or "")


def match(
    index: Index, *, card_number: str | None, national_id: str | None, name_key: str, date_of_birth: date | None
) -> Match:
    """The one record the row is, by the first key that finds one.

    - The card number is the party's own number: a record with it is the row's person, whatever the other keys say
      (a changed national ID is an update). Leading zeros aside: Excel drops them from a number (values.card_key).
    - Else the national ID, unless the record found holds another card number (two people, or a typing error).
    - Else the name and date of birth, when exactly one record has them and neither its card number nor its national
      ID contradicts the row's.
    """
    if card_number and (found := index.by_card.get(card_key(card_number))):
        return Match(found, CARD_NUMBER)
    if national_id and (found := index.by_national_id.get(national_id)):
        if _cards_differ(card_number, found.card_number):
            return Match(conflict=CARD_DIFFERS, others=(found,))
        return Match(found, NATIONAL_ID)
    if not (name_key and date_of_birth):
        return Match()
    same = index.by_name_birth.get((name_key, date_of_birth), [])
    if len(same) > 1:
        return Match(conflict=AMBIGUOUS, others=tuple(same))
    if not same:
        return Match()
    found = same[0]
    if _cards_differ(card_number, found.card_number):
        return Match(conflict=CARD_DIFFERS, others=(found,))
    if _differs(national_id, found.national_id):
        return Match(conflict=NATIONAL_ID_DIFFERS, others=(found,))
    return Match(found, NAME_BIRTH)


# --- cells named by a row (or by its sheet) ----------------------------------------------------------------------

UNKNOWN_CELL, AMBIGUOUS_CELL = "unknown", "ambiguous"
SHEET_NAME_MAX = 31  # Excel cuts a sheet's name at 31 characters
CELL_PREFIXES = ("chi bo ", "cb ")  # "Chi bộ Thôn 1", "CB Thôn 1" and "Thôn 1" name the same cell


@dataclass(frozen=True)
class Cell:
    pk: int
    code: str
    name: str
    path: str
    active: bool = True


def _short(key: str) -> str:
    for prefix in CELL_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


class Cells:
    """The cells of the target's subtree, found by code (case aside) or by name (folded, "Chi bộ" or not)."""

    def __init__(self, cells: Iterable[Cell]):
        self.by_pk: dict[int, Cell] = {}
        self.by_code: dict[str, Cell] = {}
        self.by_name: dict[str, list[Cell]] = defaultdict(list)
        for cell in cells:
            self.by_pk[cell.pk] = cell
            if not cell.active:
                continue
            if cell.code:
                self.by_code[cell.code.casefold()] = cell
            self.by_name[_short(search_key(cell.name))].append(cell)

    def find(self, text: str, *, prefix: bool = False) -> tuple[Cell | None, str]:
        """The cell ``text`` names, else (None, UNKNOWN_CELL or AMBIGUOUS_CELL). With ``prefix`` (a sheet's name,
        which Excel cuts at 31 characters) a name the text begins is enough when it begins only one cell's name."""
        text = " ".join(text.split())
        if found := self.by_code.get(text.casefold()):
            return found, ""
        key = _short(search_key(text))
        same = self.by_name.get(key, [])
        if not same and prefix and len(text) >= SHEET_NAME_MAX:
            same = [cell for name, cells in self.by_name.items() if name.startswith(key) for cell in cells]
        if len(same) == 1:
            return same[0], ""
        return None, AMBIGUOUS_CELL if same else UNKNOWN_CELL
