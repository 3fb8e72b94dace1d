"""Members brought in from a list (issue 14 point 2; docs/decisions/0012-imports.md): the plan judges each row, the
apply writes the rows to create or update in bulk, audited, with an ImportChange per record.

Decisions:
- Text is repaired (legacy fonts, decomposed Unicode) and names tidied; every conversion is kept on the row.
- A row is matched (apps/imports/rules/matching.py) among the members of the target's subtree, loaded once per plan;
  ``data["matched_by"]`` names the rule. A card number or national ID held by a member outside the subtree refuses
  the row (active elsewhere, named only when the user may see that cell). One query per 1,000 rows for those, one
  for the matched members' values; none per row.
- An empty cell never erases: an update writes only the fields the file gives that differ (``data["changes"]``:
  field → [before, after]). A member in another cell of the subtree is refused (a transfer is its own verb).
- A missing card number refuses nothing: a probationary member has none yet (the card comes with confirmation);
  an official one without a card gets a warning. The key then is the national ID, else the name and birth date.
- A new member's cell period opens on the date of admission: the file does not say when they came to the cell,
  and past attendance can then be imported for them.
- "Office" (Chức vụ) is read and shown, not written: a cell board office needs its term's dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common import audit
from apps.common.scoping import VIEW, allows, subtree_filter
from apps.common.text import search_key
from apps.common.vnlegacy import Encoding, repair
from apps.imports.models import ImportBatch
from apps.imports.queries.batches import as_json
from apps.imports.rules import matching
from apps.imports.rules import members as rules_members
from apps.imports.rules.plan import CREATE, UNCHANGED, UPDATE, Planned, SourceRow
from apps.imports.rules.values import (
    ValueProblem,
    card_key,
    parse_card_number,
    parse_date,
    parse_gender,
    parse_national_id,
)
from apps.imports.services import changes
from apps.imports.services.context import PlanContext
from apps.members.models import CellMembership, Member
from apps.orgs.models import Organization

APPLY_CHUNK = 2000  # the commit hands the rows over in pieces (services/jobs.py)
CHUNK = 1000  # rows judged together: one query for the keys held outside, one for the matched members' values
COMPARED: tuple[str, ...] = ("full_name", "gender", "date_of_birth", "card_number", "national_id", "admitted_on")
COMPARED += ("official_on", "status", "residence", "occupation", "phone", "email")
DATES = ("date_of_birth", "admitted_on", "official_on")
TEXTS = ("residence", "occupation", "office")
CREATED_FIELDS = ("cell", *COMPARED, "full_name_search", "active")
MEMBERSHIP_FIELDS = ("member", "cell", "joined_on", "left_on")
LIMITS = {name: getattr(Member._meta.get_field(name), "max_length", 0) for name in ("full_name", "residence")}
LIMITS |= {name: getattr(Member._meta.get_field(name), "max_length", 0) for name in ("occupation", "phone", "email")}
DUPLICATE = {
    "card_number": gettext_lazy("The same card number is on %(row)s."),
    "national_id": gettext_lazy("The same national ID is on %(row)s."),
}
MISSING = {
    "date_of_birth": gettext_lazy("The date of birth is missing."),
    "gender": gettext_lazy("The gender is missing."),
    "admitted_on": gettext_lazy("The date of admission to the Party is missing."),
}


@dataclass
class _State:
    context: PlanContext
    index: matching.Index
    cells: matching.Cells
    seen: dict[tuple[str, Any], tuple[str, int]] = field(default_factory=dict)  # (key kind, key) → first (sheet, row)
    persons: dict[tuple[str, Any], tuple[tuple[str, int], str | None, str | None]] = field(default_factory=dict)


def plan(*, batch: ImportBatch, table_rows: Iterable[SourceRow], context: PlanContext) -> Iterator[Planned]:
    state = _load(context)
    rows = iter(table_rows)
    while chunk := list(islice(rows, CHUNK)):
        read = [_read(source, state) for source in chunk]
        outside = _outside(state, read)
        matched = {pk for planned, _values in read if (pk := planned.target_pk)}
        current = {row["pk"]: row for row in Member.objects.filter(pk__in=matched).values("pk", "cell_id", *COMPARED)}
        for planned, values in read:
            _decide(planned, values, state, outside, current)
            yield planned


def _load(context: PlanContext) -> _State:
    path = context.organization.path
    members = Member.objects.filter(subtree_filter("cell__path", path)).values_list(
        "pk", "cell_id", "card_number", "national_id", "full_name_search", "date_of_birth", "active"
    )
    cells = Organization.objects.filter(path__startswith=path, kind=Organization.Kind.CELL).values_list(
        "pk", "code", "name", "path", "active"
    )
    return _State(
        context=context,
        index=matching.build_index(matching.Candidate(*row) for row in members),
        cells=matching.Cells(matching.Cell(*row) for row in cells),
    )


# --- reading a row ------------------------------------------------------------------------------------------------


def _read(source: SourceRow, state: _State) -> tuple[Planned, dict[str, Any]]:
    """Parse the row's values (no query): refusals for what cannot be read, the cell, the record it matches."""
    planned = Planned(sheet=source.sheet, row_number=source.row_number, fate=CREATE)
    raw, values = source.values, dict[str, Any]()
    # The sheet's legacy font (layout.find_table): a short cell that reads well both ways follows its sheet.
    hint = Encoding(source.extra["encoding"]) if source.extra.get("encoding") else None
    name = rules_members.repaired(planned, "full_name", raw.get("full_name"), person=True, hint=hint)
    if not name:
        # "Họ đệm" and "Tên" joined before they are repaired: the given name alone is often too short to tell.
        parts = [rules_members.plain(raw[k]) for k in ("surname", "given_name") if not rules_members.blank(raw.get(k))]
        typed = " ".join(parts)
        name = rules_members.repaired(planned, "full_name", typed, person=True, hint=hint)
    values["full_name"] = name
    if not name:
        planned.refuse("full_name", _("The full name is missing."))
    for text_field in TEXTS:
        values[text_field] = rules_members.repaired(planned, text_field, raw.get(text_field), hint=hint)
    values["phone"], values["email"] = rules_members.phone(raw.get("phone")), rules_members.email(raw.get("email"))
    for key, parse in (("card_number", parse_card_number), ("gender", parse_gender)):
        if not rules_members.blank(raw.get(key)):
            try:
                values[key] = parse(raw[key])
            except ValueProblem as exc:
                planned.refuse(key, str(exc))
    if not rules_members.blank(raw.get("national_id")):
        try:
            values["national_id"] = parse_national_id(raw["national_id"])
        except ValueProblem as exc:
            planned.warn("national_id", _("%(problem)s The national ID is left out.") % {"problem": exc})
    for key in DATES:
        if not rules_members.blank(raw.get(key)):
            try:
                values[key] = parse_date(raw[key])
            except ValueProblem as exc:
                planned.refuse(key, str(exc))
    _cell(planned, values, raw, state, hint)
    if not planned.refused:
        found = matching.match(
            state.index,
            card_number=values.get("card_number"),
            national_id=values.get("national_id"),
            name_key=search_key(name),
            date_of_birth=values.get("date_of_birth"),
        )
        values["match"] = found
        planned.target_pk = found.candidate.pk if found.candidate else None
    return planned, values


def _cell(planned: Planned, values: dict[str, Any], raw: dict[str, Any], state: _State, hint=None) -> None:
    """The row's cell: its cell column, else its sheet's name (a sheet per cell), else the cell chosen for the file,
    else the target when it is a cell. Only cells of the target's subtree are found."""
    options, target = state.context.options, state.context.organization
    named = rules_members.repaired(planned, "cell", raw.get("cell"), hint=hint)
    from_sheet = not named and bool(options.get("sheet_per_cell"))
    if from_sheet:
        named = " ".join(repair(planned.sheet, hint=hint).text.split())  # a sheet named in a legacy font too
    if named:
        cell, problem = state.cells.find(named, prefix=from_sheet)
        if cell is None:
            message = (
                _("Several cells are named “%(cell)s”: use the cell's code.")
                if problem == matching.AMBIGUOUS_CELL
                else _("No cell “%(cell)s” in %(organization)s.")
            )
            planned.refuse("cell", message % {"cell": named, "organization": target.name})
            return
    elif options.get("cell_id") and options["cell_id"] in state.cells.by_pk:
        cell = state.cells.by_pk[options["cell_id"]]
    elif target.kind == Organization.Kind.CELL:
        cell = state.cells.by_pk[target.pk]
    else:
        planned.refuse("cell", _("The row names no cell: choose the file's cell on the columns page."))
        return
    values["cell_id"], values["cell"] = cell.pk, cell.name


# --- judging a row ------------------------------------------------------------------------------------------------


def _outside(state: _State, read: list[tuple[Planned, dict[str, Any]]]) -> dict[tuple[str, str], tuple]:
    """The members outside the subtree holding a card number or national ID of these rows (one query)."""
    cards = {
        v["card_number"]
        for _p, v in read
        if v.get("card_number") and card_key(v["card_number"]) not in state.index.by_card
    }
    ids = {
        v["national_id"]
        for _p, v in read
        if v.get("national_id") and v["national_id"] not in state.index.by_national_id
    }
    if not (cards or ids):
        return {}
    found: dict[tuple[str, str], tuple] = {}
    for card, national_id, *where in Member.objects.filter(
        Q(card_number__in=cards) | Q(national_id__in=ids)
    ).values_list("card_number", "national_id", "active", "cell__path", "cell__name"):
        if card in cards:
            found[("card_number", card)] = tuple(where)
        if national_id in ids:
            found[("national_id", national_id)] = tuple(where)
    return found


def _label(where: tuple[str, int]) -> str:
    return _("row %(row)s of “%(sheet)s”") % {"row": where[1], "sheet": where[0]}


def _decide(planned: Planned, values: dict[str, Any], state: _State, outside: dict, current: dict) -> None:
    here = (planned.sheet, planned.row_number)
    for key, message in DUPLICATE.items():
        if values.get(key):
            first = state.seen.setdefault((key, card_key(values[key]) if key == "card_number" else values[key]), here)
            if first != here:
                planned.refuse(key, str(message) % {"row": _label(first)})
            elif (key, values[key]) in outside:
                _held_outside(planned, key, outside[(key, values[key])], state)
    found: matching.Match | None = values.pop("match", None)
    if planned.refused or found is None:
        return _finish(planned, values, None, state)
    if found.conflict:
        planned.refuse("", rules_members.conflict_message(found))
        return _finish(planned, values, None, state)
    if found.candidate is None:
        return _create(planned, values, state)
    candidate, record = found.candidate, current.get(found.candidate.pk)
    first = state.seen.setdefault(("member", candidate.pk), here)
    if first != here:
        planned.refuse("", _("The same member as on %(row)s.") % {"row": _label(first)})
    elif record is None or not candidate.active:
        planned.refuse("", _("This member has left the organisation (transferred out); a transfer brings them back."))
    elif record["cell_id"] != values["cell_id"]:
        other = state.cells.by_pk.get(record["cell_id"])
        planned.refuse("cell", _("Already active in another cell: %(cell)s.") % {"cell": other.name if other else "?"})
    else:
        owner = state.index.by_national_id.get(values.get("national_id") or "")
        if owner is not None and owner.pk != candidate.pk:
            planned.refuse("national_id", _("This national ID belongs to another member."))
    planned.data["matched_by"] = found.rule
    if not planned.refused and record is not None:
        _compare(planned, values, record)
    _finish(planned, values, record, state)


def _held_outside(planned: Planned, key: str, where: tuple, state: _State) -> None:
    active, path, cell_name = where
    if not active:
        planned.refuse(key, _("This number belongs to a member who has left (transferred out) elsewhere."))
    elif allows(state.context.user, VIEW, path):
        planned.refuse(key, _("Already active in another cell: %(cell)s.") % {"cell": cell_name})
    else:
        planned.refuse(key, _("Already active in another cell (outside the organisations you can see)."))


def _create(planned: Planned, values: dict[str, Any], state: _State) -> None:
    for key, message in MISSING.items():
        if not values.get(key):
            planned.refuse(key, str(message))
    person = (search_key(values["full_name"]), values.get("date_of_birth"))
    card, national_id = values.get("card_number"), values.get("national_id")
    if not planned.refused and person in state.persons:
        first, first_card, first_id = state.persons[person]
        if not ((card and first_card and card != first_card) or (national_id and first_id and national_id != first_id)):
            planned.refuse("", _("The same name and date of birth are on %(row)s.") % {"row": _label(first)})
    state.persons.setdefault(person, ((planned.sheet, planned.row_number), card, national_id))
    values["status"] = Member.Status.OFFICIAL if values.get("official_on") else Member.Status.PROBATIONARY
    _finish(planned, values, None, state)


def _compare(planned: Planned, values: dict[str, Any], record: dict[str, Any]) -> None:
    if values.get("official_on"):
        values["status"] = Member.Status.OFFICIAL
    found = {
        name: [as_json(record[name]), as_json(values[name])]
        for name in COMPARED
        if values.get(name) not in (None, "") and values[name] != record[name]
        if not (name == "card_number" and card_key(values[name]) == card_key(record[name] or ""))
    }
    planned.fate = UPDATE if found else UNCHANGED
    planned.data["changes"] = found


def _finish(planned: Planned, values: dict[str, Any], record: dict[str, Any] | None, state: _State) -> None:
    """The checks of the member as it would be after the row (dates, lengths, e-mail), the warnings, the data."""
    merged = {**(record or {}), **{k: v for k, v in values.items() if v not in (None, "")}}
    if not planned.refused:
        for name, message in rules_members.date_problems(merged, state.context.today).items():
            planned.refuse(name, message)
        for name, limit in LIMITS.items():
            if len(merged.get(name) or "") > limit:
                planned.refuse(name, _("Too long: at most %(limit)s characters.") % {"limit": limit})
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                planned.refuse("email", _("The e-mail address “%(email)s” is not valid.") % {"email": values["email"]})
    if not planned.refused:
        rules_members.warnings(planned, merged, state.context.today)
    planned.data.update({k: as_json(v) for k, v in values.items() if v not in (None, "")})


# --- writing ------------------------------------------------------------------------------------------------------


def apply(*, batch: ImportBatch, planned: list[Planned], user) -> None:
    """Create the new members with their cell period and update the changed fields of the matched ones, in bulk
    (audited by apps.common.audit), recording each record in ImportChange."""
    new = [row for row in planned if row.fate == CREATE]
    if new:
        members = [_member(row.data) for row in new]
        audit.bulk_create(Member, members)
        note = (_("Imported from the file %(file)s") % {"file": batch.file_name})[:300]
        periods = [CellMembership(member=m, cell_id=m.cell_id, joined_on=m.admitted_on, note=note) for m in members]
        audit.bulk_create(CellMembership, periods)
        changes.record_created(batch, Member, members, CREATED_FIELDS)
        changes.record_created(batch, CellMembership, periods, MEMBERSHIP_FIELDS)
    changed = [row for row in planned if row.fate == UPDATE]
    if changed:
        records = Member.objects.in_bulk([row.target_pk for row in changed])
        names: set[str] = set()
        recorded = []
        for row in changed:
            member = records[row.target_pk]
            before, after = {}, {}
            for name, (_old, new_value) in row.data["changes"].items():
                before[name] = getattr(member, name)
                setattr(member, name, _value(name, new_value))
                after[name] = getattr(member, name)
            if "full_name" in after:
                before["full_name_search"] = member.full_name_search
                member.full_name_search = after["full_name_search"] = search_key(member.full_name)
            names |= set(after)
            recorded.append((member.pk, before, after))
        audit.bulk_update(Member, [records[row.target_pk] for row in changed], sorted(names))
        changes.record_updated(batch, Member, recorded)


def _value(name: str, value: Any) -> Any:
    return date.fromisoformat(value) if name in DATES and isinstance(value, str) else value


def _member(data: dict[str, Any]) -> Member:
    return Member(
        cell_id=data["cell_id"],
        full_name=data["full_name"],
        full_name_search=search_key(data["full_name"]),
        gender=data["gender"],
        date_of_birth=_value("date_of_birth", data["date_of_birth"]),
        admitted_on=_value("admitted_on", data["admitted_on"]),
        official_on=_value("official_on", data.get("official_on")),
        status=data["status"],
        card_number=data.get("card_number") or None,
        national_id=data.get("national_id") or None,
        residence=data.get("residence", ""),
        occupation=data.get("occupation", ""),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
    )
