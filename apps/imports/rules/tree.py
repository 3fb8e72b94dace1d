"""Validating an organisation tree read from a spreadsheet, as a whole, before anything is written (issue 14 §1).
Plain functions over plain values, no ORM: the plan (apps/imports/services/tree.py) reads the rows and the target's
subtree, asks ``validate`` for every row's verdict, and only then may the commit write.

Each row goes under its parent: a parent code, or the row above it in the sheet's layout (rules/tree_rows.py);
the rows at the top of the file go directly under the target. A row without a code is matched by its name under
its parent, and gets a code ("<parent's code>-<n>") when it is new.

``validate`` refuses: a duplicate code (twice in the file, or the code of an organisation outside the target's
subtree), an unknown parent (an orphan: neither in the file nor in the subtree), a cycle, a kind it cannot read, a
node where its kind may not sit (only party groups under a cell; a cell under a committee), a jump of more than one
level in the layout, a missing name, and a move: a row that is an existing organisation placed under another parent
(the move page does that, with its checks). The children of a refused new row are refused with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from apps.common.text import search_key
from apps.imports.rules.plan import CREATE, REFUSED, UNCHANGED, UPDATE
from apps.imports.rules.tree_rows import CELL, Key, TreeRow, kind_label, kind_of, loops, top_down
from apps.orgs.rules.tree import kind_fits_under

CODE_MAX, NAME_MAX, LEVEL_MAX = 32, 200, 80  # Organization's columns
_fold = search_key


@dataclass(frozen=True)
class Existing:
    """An organisation of the target's subtree (or the target itself), as validation needs it."""

    pk: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int  # below the target: 0 for the target itself
    sector: str = ""
    level_label: str = ""
    child_kinds: frozenset[str] = frozenset()


@dataclass
class Verdict:
    key: Key
    fate: str = CREATE
    code: str = ""
    generated_code: bool = False
    kind: str = ""
    parent_code: str = ""  # the organisation it goes (or is) under
    depth: int = 0  # below the target: 1 for a child of the target
    match: Existing | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, field_name: str, message: str) -> None:
        self.errors.append((field_name, message))
        self.fate = REFUSED


def validate(
    rows: Sequence[TreeRow],
    *,
    target: Existing,
    existing: Mapping[str, Existing],
    outside: Iterable[str] = (),
    taken: Callable[[str], bool] = lambda code: False,
) -> dict[Key, Verdict]:
    """Every row's verdict, the file judged as a whole.

    ``existing``: the organisations of the target's subtree by code, the target included. ``outside``: the codes
    among the file's codes and parent codes that belong to organisations outside the subtree. ``taken(code)``:
    whether a code is used anywhere (asked for the codes given to new rows without one).
    """
    outside = set(outside)
    verdicts = {row.key: Verdict(row.key, code=row.code) for row in rows}
    by_key = {row.key: row for row in rows}
    _check_texts(rows, verdicts)
    by_code = _codes_in_file(rows, verdicts)
    parents = _parents(rows, verdicts, by_code, target=target, existing=existing, outside=outside)
    _cycles(rows, verdicts, parents)
    children = _children_by_name(existing.values())
    used = {*existing, *by_code, *outside}
    same_names: dict[tuple[str, str], list[Key]] = {}
    for key in _top_down(rows, parents):
        row, verdict = by_key[key], verdicts[key]
        parent = parents.get(key, ("top",))
        where = _place(parent, verdicts, target=target, existing=existing)  # (code, kind, depth) or None
        match = _match(row, verdict, where, existing=existing, outside=outside, children=children)
        if not row.code and where is not None and row.name:
            same_names.setdefault((where[0], _fold(row.name)), []).append(key)
        if match is not None:
            _check_place(row, verdict, match, parent, where, target=target)
            verdict.code, verdict.parent_code, verdict.depth = match.code, match.parent_code or "", match.depth
            above = existing.get(match.parent_code or "")
            parent_kind = above.kind if above is not None and match.code != target.code else None
        else:
            if where is None and not verdict.errors:
                if parent[0] == "row":
                    verdict.refuse("parent_code", _cascaded(by_key[parent[1]]))
                else:
                    verdict.refuse("parent_code", _("The organisation this row goes under cannot be told."))
            said = by_key[parent[1]].code if parent[0] == "row" else row.parent_code
            verdict.parent_code = where[0] if where else (said or "")  # a refused row still says where it went
            verdict.depth = where[2] + 1 if where else 0
            parent_kind = where[1] if where else None
        kind = _check_kind(row, verdict, match, parent_kind)
        if match is not None:
            wanted = {
                "name": row.name,
                "kind": kind if row.kind else "",
                "sector": row.sector or "",
                "level_label": row.level_label,
            }
            for name, value in wanted.items():
                old = getattr(match, name)
                if value and value != old:
                    verdict.changes[name] = (old, value)
        elif not verdict.code and where is not None:
            verdict.code = _new_code(where[0], used, taken)
            verdict.generated_code = True
            verdict.warnings.append(
                ("code", _("The file gives no code: the organisation gets the code %(code)s.") % {"code": verdict.code})
            )
        if row.sector is None:
            verdict.warnings.append(
                (
                    "sector",
                    _("The kind of unit %(sector)s is not one we know; it is left blank.")
                    % {"sector": row.sector_text},
                )
            )
    _same_names(same_names, verdicts, by_key)
    _cascade(_top_down(rows, parents), parents, verdicts, by_key)
    for verdict in verdicts.values():
        if verdict.errors:
            verdict.fate = REFUSED
        elif verdict.match is None:
            verdict.fate = CREATE
        else:
            verdict.fate = UPDATE if verdict.changes else UNCHANGED
    return verdicts


def _place(
    parent: Parent, verdicts: Mapping[Key, Verdict], *, target: Existing, existing: Mapping[str, Existing]
) -> tuple[str, str, int] | None:
    """(code, kind, depth below the target) of the organisation a row goes under; None when it cannot be told."""
    if parent[0] == "top":
        return target.code, target.kind, 0
    if parent[0] == "node":
        node = existing[parent[1]]
        return node.code, node.kind, node.depth
    if parent[0] == "row":
        above = verdicts.get(parent[1])
        if above is None:
            return None
        if above.match is not None:  # an existing organisation: there whatever its row says
            return above.match.code, above.kind or above.match.kind, above.match.depth
        if above.code and above.kind and not above.errors:
            return above.code, above.kind, above.depth
    return None


def _match(
    row: TreeRow,
    verdict: Verdict,
    where: tuple[str, str, int] | None,
    *,
    existing: Mapping[str, Existing],
    outside: set[str],
    children: Mapping[tuple[str, str], list[Existing]],
) -> Existing | None:
    """The existing organisation the row is: by its code, or (no code) by its name under its parent."""
    if row.code:
        if row.code in outside:
            verdict.refuse(
                "code",
                _("The code %(code)s is already used by an organisation outside the one you import into.")
                % {"code": row.code},
            )
        verdict.match = existing.get(row.code)
    elif where is not None and row.name:
        found = children.get((where[0], _fold(row.name)), [])
        if len(found) == 1:
            verdict.match = found[0]
        elif len(found) > 1:
            verdict.refuse(
                "name",
                _("Several organisations under %(parent)s are named %(name)s: give this row its code.")
                % {"parent": where[0], "name": row.name},
            )
    return verdict.match


def _check_place(row: TreeRow, verdict: Verdict, match: Existing, parent: Parent, where, *, target: Existing) -> None:
    """An existing organisation stays where it is: a row placing it elsewhere is refused (the move page moves).
    A row at the top of the file is an anchor: it may be any organisation of the subtree."""
    if parent[0] == "top":
        return
    if match.code == target.code:
        verdict.refuse(
            "parent_code", _("This row is the organisation you import into: it cannot go under another one.")
        )
    elif where is not None and where[0] != match.parent_code:
        verdict.refuse(
            "parent_code",
            _(
                "%(name)s (%(code)s) is under %(current)s; the file puts it under %(wanted)s. An import does not move"
                " organisations: use the organisation's Move page."
            )
            % {"name": match.name, "code": match.code, "current": match.parent_code, "wanted": where[0]},
        )


def _check_kind(row: TreeRow, verdict: Verdict, match: Existing | None, parent_kind: str | None) -> str | None:
    kind = row.kind
    if kind is None and row.kind_text:
        verdict.refuse(
            "kind",
            _("The kind %(kind)s is not one we know: write Đảng bộ, Chi bộ or Tổ đảng.") % {"kind": row.kind_text},
        )
        return None
    if kind is None:
        kind = match.kind if match is not None else (kind_of(row.name) or row.kind_hint)
        if kind is None:
            verdict.refuse("kind", _("The kind of organisation is missing: write Đảng bộ, Chi bộ or Tổ đảng."))
            return None
    verdict.kind = kind
    if parent_kind is not None and not kind_fits_under(kind, parent_kind):
        if parent_kind == CELL:
            message = _("Only party groups can be placed under a cell.")
        else:
            message = _("A %(kind)s cannot be placed under a %(parent)s.") % {
                "kind": kind_label(kind).lower(),
                "parent": kind_label(parent_kind).lower(),
            }
        verdict.refuse("kind", message)
    if match is not None and kind != match.kind:
        misfits = sorted(k for k in match.child_kinds if not kind_fits_under(k, kind))
        if misfits:
            verdict.refuse(
                "kind",
                _("%(name)s cannot become a %(kind)s: it has %(children)s below it.")
                % {
                    "name": match.name,
                    "kind": kind_label(kind).lower(),
                    "children": ", ".join(kind_label(k).lower() for k in misfits),
                },
            )
    return kind


def _new_code(parent_code: str, used: set[str], taken: Callable[[str], bool]) -> str:
    """A new row without a code gets its parent's code and a number ("XA-3"), the first one free."""
    stem = parent_code[: CODE_MAX - 5]
    number = 1
    while True:
        code = f"{stem}-{number}"
        if code not in used and not taken(code):
            used.add(code)
            return code
        number += 1


def _check_texts(rows: Sequence[TreeRow], verdicts: dict[Key, Verdict]) -> None:
    for row in rows:
        verdict = verdicts[row.key]
        if row.nesting_problem:
            verdict.refuse("parent_code", row.nesting_problem)
        if not row.name:
            verdict.refuse("name", _("The organisation's name is missing."))
        elif len(row.name) > NAME_MAX:
            verdict.refuse("name", _("The name is longer than %(max)s characters.") % {"max": NAME_MAX})
        if len(row.code) > CODE_MAX:
            verdict.refuse("code", _("The code is longer than %(max)s characters.") % {"max": CODE_MAX})
        if len(row.level_label) > LEVEL_MAX:
            verdict.refuse("level_label", _("The level is longer than %(max)s characters.") % {"max": LEVEL_MAX})


def _codes_in_file(rows: Sequence[TreeRow], verdicts: dict[Key, Verdict]) -> dict[str, Key]:
    """The row of each code; every row of a code that appears more than once is refused."""
    keys: dict[str, list[TreeRow]] = {}
    for row in rows:
        if row.code:
            keys.setdefault(row.code, []).append(row)
    by_code = {}
    for code, same in keys.items():
        by_code[code] = same[0].key
        if len(same) > 1:
            where = ", ".join(r.label for r in same)
            for row in same:
                verdicts[row.key].refuse(
                    "code", _("The code %(code)s appears on several rows (%(rows)s).") % {"code": code, "rows": where}
                )
    return by_code


Parent = tuple  # ("top",) | ("row", key) | ("node", code)


def _parents(
    rows: Sequence[TreeRow],
    verdicts: dict[Key, Verdict],
    by_code: Mapping[str, Key],
    *,
    target: Existing,
    existing: Mapping[str, Existing],
    outside: set[str],
) -> dict[Key, Parent]:
    parents: dict[Key, Parent] = {}
    for row in rows:
        verdict = verdicts[row.key]
        if row.parent_key is not None:
            parents[row.key] = ("row", row.parent_key)
        elif row.parent_code:
            code = row.parent_code
            if code == row.code:
                verdict.refuse("parent_code", _("The row names itself as its parent."))
                parents[row.key] = ("cycle",)
            elif code in by_code:
                parents[row.key] = ("row", by_code[code])
            elif code in existing:
                parents[row.key] = ("node", code)
            elif code in outside:
                verdict.refuse(
                    "parent_code",
                    _("The parent %(code)s is outside the organisation you import into.") % {"code": code},
                )
                parents[row.key] = ("missing",)
            else:
                verdict.refuse(
                    "parent_code",
                    _("No organisation has the parent code %(code)s, in the file or in %(target)s.")
                    % {"code": code, "target": target.name},
                )
                parents[row.key] = ("missing",)
        else:
            parents[row.key] = ("top",)
    return parents


def _links(parents: Mapping[Key, Parent]) -> dict[Key, Key | None]:
    return {key: parent[1] if parent[0] == "row" else None for key, parent in parents.items()}


def _cycles(rows: Sequence[TreeRow], verdicts: dict[Key, Verdict], parents: dict[Key, Parent]) -> None:
    """Refuse the rows of every loop of parents (A under B under A)."""
    labels = {row.key: row.label for row in rows}
    for loop in loops(_links(parents)):
        where = ", ".join(labels[k] for k in loop)
        for k in loop:
            verdicts[k].refuse("parent_code", _("These rows are each other's parents: %(rows)s.") % {"rows": where})
            parents[k] = ("cycle",)


def _top_down(rows: Sequence[TreeRow], parents: Mapping[Key, Parent]) -> list[Key]:
    return top_down([row.key for row in rows], _links(parents))


def _children_by_name(nodes: Iterable[Existing]) -> dict[tuple[str, str], list[Existing]]:
    out: dict[tuple[str, str], list[Existing]] = {}
    for node in nodes:
        if node.parent_code is not None:
            out.setdefault((node.parent_code, _fold(node.name)), []).append(node)
    return out


def _same_names(groups: Mapping[tuple[Any, str], list[Key]], verdicts: dict[Key, Verdict], by_key) -> None:
    """Rows without a code are told apart by their name under their parent: two such rows may not share it."""
    for keys in groups.values():
        if len(keys) > 1:
            where = ", ".join(by_key[k].label for k in keys)
            for key in keys:
                verdicts[key].refuse(
                    "name",
                    _("Rows %(rows)s have no code and the same name under the same organisation.") % {"rows": where},
                )


def _cascade(order: Sequence[Key], parents: Mapping[Key, Parent], verdicts: dict[Key, Verdict], by_key) -> None:
    """A new row under a refused new row cannot be created: it is refused with it."""
    for key in order:
        parent = parents.get(key, ("top",))
        verdict = verdicts[key]
        if parent[0] != "row" or verdict.errors or verdict.match is not None:
            continue
        above = verdicts.get(parent[1])
        if above is not None and above.errors and above.match is None:
            verdict.refuse("parent_code", _cascaded(by_key[parent[1]]))


def _cascaded(parent: TreeRow) -> str:
    return _("The row of its parent (%(row)s) is refused, so this one cannot be created.") % {"row": parent.label}
