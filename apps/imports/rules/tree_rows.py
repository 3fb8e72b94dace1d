"""How a row of an organisation tree's sheet is read (issue 14 §1): its kind, level and kind of unit from the
Vietnamese labels, and, when the sheet has no parent column, where it sits in the sheet's layout. Plain functions
over plain values, no ORM.

Kinds: "Chi bộ" (cơ sở, trực thuộc…) → cell, "Đảng bộ" (cơ sở, bộ phận, xã…) → committee, "Tổ đảng" → party group;
the same words at the start of a name tell the kind when the sheet has no kind column.

The layout:

- **columns**: the column that holds the name gives the depth ("Đảng bộ xã A" in column B, its cells in column C);
- **numbering**: "1.", "1.1", "1.1.2" before the name (or alone in a column left of it);
- **indent**: the name's leading blanks;
- **flat**: every row directly under the target.

``outline`` places every row of a sheet (its parent row, its depth, its name without number or indent) and says
why a row cannot be placed: a jump of more than one level, a number whose parent number no row has, a number used
twice. ``apps.imports.rules.tree.validate`` then judges the whole tree.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common.text import search_key

Key = Hashable  # a row's identity: (sheet, row number)

COMMITTEE, CELL, PARTY_GROUP = "committee", "cell", "party_group"
KIND_LABELS = {
    COMMITTEE: gettext_lazy("Party committee"),
    CELL: gettext_lazy("Party cell"),
    PARTY_GROUP: gettext_lazy("Party group"),
}

# A kind's Vietnamese name (folded: no diacritics, lower case) at the start of a label or a name says the kind:
# "Chi bộ", "Chi bộ cơ sở", "Chi bộ Thôn 3" → cell; "Đảng bộ", "Đảng bộ bộ phận", "Đảng bộ xã A" → committee.
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("to dang", PARTY_GROUP),
    ("chi bo", CELL),
    ("dang bo", COMMITTEE),
    ("dang uy", COMMITTEE),
)
KIND_VALUES = {"cell": CELL, "committee": COMMITTEE, "party_group": PARTY_GROUP, "party group": PARTY_GROUP}

# The kinds of unit (Organization.Sector values), from the words a sheet uses, most specific first.
RESIDENTIAL, AGENCY, SCHOOL, ENTERPRISE, ARMED, OTHER = (
    "residential",
    "agency",
    "school",
    "enterprise",
    "armed",
    "other",
)
SECTOR_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ARMED, ("luc luong vu trang", "quan doi", "quan su", "cong an", "bien phong")),
    (ENTERPRISE, ("doanh nghiep", "cong ty")),
    (SCHOOL, ("truong", "su nghiep", "giao duc", "benh vien", "y te")),
    (AGENCY, ("co quan", "hanh chinh")),
    (RESIDENTIAL, ("khu dan cu", "dan cu", "to dan pho", "khu pho", "thon", "xom", "ban")),
    (OTHER, ("khac",)),
)
SECTOR_VALUES = frozenset({RESIDENTIAL, AGENCY, SCHOOL, ENTERPRISE, ARMED, OTHER})


def _fold(text: str) -> str:
    return search_key(text)


def _starts_with_word(folded: str, word: str) -> bool:
    return folded == word or folded.startswith(word + " ")


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def kind_of(text: str) -> str | None:
    """The kind a label ("Chi bộ", "Đảng bộ bộ phận", "Tổ đảng", "cell") or a name ("Chi bộ Thôn 3") says."""
    folded = _fold(text)
    if folded in KIND_VALUES:
        return KIND_VALUES[folded]
    for word, kind in KIND_WORDS:
        if _starts_with_word(folded, word):
            return kind
    return None


def level_label_of(text: str) -> str:
    """The level a kind label says beyond the kind itself ("Đảng bộ cơ sở", "Chi bộ trực thuộc"): kept as the
    organisation's level label; a bare kind ("Chi bộ", "cell") says none."""
    folded = _fold(text)
    if folded in KIND_VALUES or any(folded == word for word, _kind in KIND_WORDS):
        return ""
    tidy = " ".join(text.split())
    return tidy[:1].upper() + tidy[1:]


def sector_of(text: str) -> str | None:
    """The kind of unit a label says: "" when blank, None when it cannot be read."""
    folded = _fold(text)
    if not folded:
        return ""
    if folded in SECTOR_VALUES:
        return folded
    for sector, words in SECTOR_WORDS:
        if any(re.search(rf"\b{word}\b", folded) for word in words):
            return sector
    return None


# ---------------------------------------------------------------------------------------------- the layout


COLUMNS, NUMBERING, INDENT, FLAT = "columns", "numbering", "indent", "flat"
NESTINGS = (COLUMNS, NUMBERING, INDENT, FLAT)
_NUMBERED = re.compile(r"^\s*((?:\d{1,3}\.)*\d{1,3})[.)]?\s+(\S.*)$")
_SPACES = " \t\u00a0\u3000"


_NUMBER = re.compile(r"^(?:\d{1,3}\.)*\d{1,3}$")


def is_number(text: str) -> bool:
    """A numbering by itself: "1", "1.2", "1.2.3"."""
    return bool(_NUMBER.match(text))


def split_number(text: str) -> tuple[str | None, str]:
    """("1.2", "Chi bộ Thôn 1") from "1.2. Chi bộ Thôn 1"; (None, text) when it is not numbered."""
    found = _NUMBERED.match(text)
    if found is None:
        return None, text.strip()
    return found.group(1), found.group(2).strip()


def indent_of(text: str) -> int:
    """Leading blanks of a name (a tab counts four)."""
    head = text[: len(text) - len(text.lstrip(_SPACES))]
    return sum(4 if c == "\t" else 1 for c in head)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def first_filled(cells: Sequence[Any]) -> tuple[int, str] | None:
    """(offset, text) of the first non-blank cell among a row's name columns."""
    for offset, value in enumerate(cells):
        text = _text(value)
        if text.strip():
            return offset, text
    return None


def choose_nesting(rows: Sequence[Sequence[Any]]) -> str:
    """How a sheet without a parent column nests, from its rows' name columns: a name further right than the first
    name column anywhere → by column; most names numbered with at least one "1.1" → by numbering; names indented
    unevenly → by indent; else every row sits directly under the target."""
    firsts = [found for cells in rows if (found := first_filled(cells)) is not None]
    if not firsts:
        return FLAT
    if any(offset > 0 for offset, _text_ in firsts):
        return COLUMNS
    numbers = [split_number(text)[0] for _offset, text in firsts]
    if sum(n is not None for n in numbers) * 2 >= len(firsts) and any(n and "." in n for n in numbers):
        return NUMBERING
    if len({indent_of(text) for _offset, text in firsts}) > 1:
        return INDENT
    return FLAT


@dataclass(frozen=True)
class Placed:
    """A row as the layout placed it: its name (numbering and indent taken off) and its parent row."""

    key: Key
    name: str
    parent: Key | None  # None: at the top of the file (under the target)
    depth: int  # 0 at the top of the file
    column: int = 0  # offset of the name's column among the name columns (COLUMNS)
    problem: str = ""


def outline(rows: Sequence[tuple[Key, Sequence[Any]]], nesting: str) -> list[Placed]:
    """Place every row of a sheet: ``rows`` are (key, the row's name columns' values) in the sheet's order."""
    found = [(key, first_filled(cells)) for key, cells in rows]
    if nesting == NUMBERING:
        return _by_number([(key, f[1] if f else "") for key, f in found])
    if nesting == INDENT:
        widths = sorted({indent_of(f[1]) for _key, f in found if f})
        rank = {width: depth for depth, width in enumerate(widths)}
        items = [(key, rank[indent_of(f[1])] if f else 0, f[1] if f else "", 0) for key, f in found]
    elif nesting == COLUMNS:
        items = [(key, f[0] if f else 0, f[1] if f else "", f[0] if f else 0) for key, f in found]
    else:
        items = [(key, 0, f[1] if f else "", 0) for key, f in found]
    return _by_depth(items)


def _by_depth(items: Sequence[tuple[Key, int, str, int]]) -> list[Placed]:
    stack: list[tuple[int, Key]] = []
    out = []
    for key, depth, text, column in items:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        problem = ""
        parent = None
        if depth > 0:
            if stack and stack[-1][0] == depth - 1:
                parent = stack[-1][1]
            else:
                problem = _("This row is more than one level below the row above it: its parent cannot be told.")
        out.append(Placed(key, " ".join(text.split()), parent, depth, column, problem))
        stack.append((depth, key))
    return out


def _by_number(items: Sequence[tuple[Key, str]]) -> list[Placed]:
    numbered = [(key, *split_number(text)) for key, text in items]
    by_number: dict[str, Key] = {}
    repeated: set[str] = set()
    for key, number, _name in numbered:
        if number is not None:
            if number in by_number:
                repeated.add(number)
            by_number.setdefault(number, key)
    out = []
    for key, number, name in numbered:
        problem, parent, depth = "", None, 0
        if number is None:
            problem = _("This row has no number (such as 1.2): its place in the tree cannot be told.")
        elif number in repeated:
            problem = _("The number %(number)s is used by several rows.") % {"number": number}
        elif "." in number:
            above = number.rsplit(".", 1)[0]
            depth = number.count(".")
            parent = by_number.get(above)
            if parent is None:
                problem = _("No row is numbered %(number)s, the number above this one.") % {"number": above}
        out.append(Placed(key, " ".join(name.split()), parent, depth, 0, problem))
    return out


# ---------------------------------------------------------------------------------------------- a row, and the links


@dataclass
class TreeRow:
    """One row of the file, its texts repaired."""

    key: Key
    code: str  # "" when the file has none: matched by name under its parent, or given one when created
    name: str
    kind: str | None  # None: not read (see kind_text)
    kind_text: str = ""  # the kind as typed ("" when the file says nothing)
    sector: str | None = ""  # "" when the file says nothing; None when it cannot be read
    sector_text: str = ""
    level_label: str = ""
    parent_code: str | None = None  # from a parent column ("" / None: at the top)
    parent_key: Key | None = None  # from the layout's nesting
    kind_hint: str | None = None  # the kind the layout suggests (the name's column is headed "Chi bộ")
    nesting_problem: str = ""
    label: str = ""  # how messages name the row ("dòng 12", "Sheet1 dòng 12")


def loops(parent_of: Mapping[Key, Key | None]) -> list[list[Key]]:
    """Every loop of parent rows (A under B under A), each as its rows."""
    state: dict[Key, int] = {}  # 1: on the path being walked, 2: done
    found = []
    for start in parent_of:
        path: list[Key] = []
        key: Key | None = start
        while key is not None and key not in state:
            state[key] = 1
            path.append(key)
            key = parent_of.get(key)
        if key is not None and state.get(key) == 1:
            found.append(path[path.index(key) :])
        for k in path:
            state[k] = 2
    return found


def top_down(keys: Sequence[Key], parent_of: Mapping[Key, Key | None]) -> list[Key]:
    """The rows, each after its parent row; a row whose parent is not a row comes at the top."""
    children: dict[Key, list[Key]] = {}
    roots = []
    known = set(keys)
    for key in keys:
        parent = parent_of.get(key)
        if parent is not None and parent in known:
            children.setdefault(parent, []).append(key)
        else:
            roots.append(key)
    order: list[Key] = []
    stack = list(reversed(roots))
    while stack:
        key = stack.pop()
        order.append(key)
        stack.extend(reversed(children.get(key, [])))
    placed = set(order)
    return order + [key for key in keys if key not in placed]  # in a loop: kept in the file's order
