"""Importing the organisation tree (issue 14 §1): plan and apply for the pipeline (services/jobs.py).

The plan reads the whole file first: a tree is judged as a whole (apps/imports/rules/tree.py ``validate``) before
any row's fate is told. Where a row goes comes from its parent code, or, when the mapping has no parent column,
from the sheet's layout (the option ``tree_nesting``: "columns", "numbering", "indent", "flat", or unset to let
``choose_nesting`` tell). The layout's parent is recorded in each row's data (``parent_code``, ``nesting``).

The apply creates the new organisations parents first through ``apps.orgs.services.tree.organization_create`` (the
checks and the audit of the tree's own verb), updates names, levels and kinds of unit through
``organization_update`` (a kind through a save: both audited by django-auditlog's signals), and records an
ImportChange per organisation. An import never moves an organisation: the move page does, with its checks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.common.scoping import RESTRUCTURE, allows
from apps.common.vnlegacy import Encoding, repair
from apps.common.vnlegacy.detection import detect_column
from apps.imports.models import ImportBatch
from apps.imports.rules import tree as rules
from apps.imports.rules import tree_rows as rows_rules
from apps.imports.rules.plan import CREATE, UPDATE, Conversion, Planned, SourceRow
from apps.imports.services import changes
from apps.imports.services.context import PlanContext
from apps.meetings.models import Meeting
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.orgs.services import tree as org_services

FIELDS = ("code", "name", "kind", "level_label", "sector")  # what an ImportChange records of an organisation
NESTING_OPTION = "tree_nesting"  # batch.options: how a sheet without a parent column nests (rows_rules.NESTINGS)
NAME_COLUMNS_OPTION = "tree_name_columns"  # batch.options: the columns that hold names at each depth (COLUMNS)


# ---------------------------------------------------------------------------------------------- plan


def plan(*, batch: ImportBatch, table_rows: Iterable[SourceRow], context: PlanContext) -> Iterator[Planned]:
    target = context.organization
    if not allows(context.user, RESTRUCTURE, target.path):
        raise PermissionDenied
    sources = list(table_rows)
    several_sheets = len({source.sheet for source in sources}) > 1
    planned = [Planned(source.sheet, source.row_number, CREATE) for source in sources]
    hints = sheet_hints(sources)
    rows = [_row(s, p, several_sheets, hints[s.sheet]) for s, p in zip(sources, planned, strict=True)]
    nesting = "parent_code" if any("parent_code" in source.values for source in sources) else ""
    if not nesting:
        nesting = _nest(sources, rows, planned, batch=batch, context=context, hints=hints)
    existing, target_node = _existing(target)
    wanted = {row.code for row in rows if row.code} | {row.parent_code for row in rows if row.parent_code}
    outside = _outside(target, sorted(wanted))
    taken: dict[str, bool] = {}

    def is_taken(code: str) -> bool:
        if code not in taken:
            taken[code] = Organization.objects.filter(code=code).exists()
        return taken[code]

    verdicts = rules.validate(rows, target=target_node, existing=existing, outside=outside, taken=is_taken)
    busy = _cells_in_use([v.match.pk for v in verdicts.values() if v.match and "kind" in v.changes])
    for row, p in zip(rows, planned, strict=True):
        verdict = verdicts[row.key]
        if verdict.match is not None and verdict.match.pk in busy:
            verdict.refuse(
                "kind",
                _("%(name)s has members or meetings: it stays a party cell.") % {"name": verdict.match.name},
            )
        for field_name, message in verdict.errors:
            p.refuse(field_name, message)
        for field_name, message in verdict.warnings:
            p.warn(field_name, message)
        p.fate = verdict.fate
        p.target_pk = verdict.match.pk if verdict.match is not None else None
        p.data = {
            "code": verdict.code,
            "name": row.name,
            "kind": verdict.kind,
            "level_label": row.level_label,
            "sector": row.sector or "",
            "parent_code": verdict.parent_code,
            "depth": verdict.depth,
            "nesting": nesting,
            "generated_code": verdict.generated_code,
        }
        if verdict.changes:
            p.data["changes"] = {name: [old, new] for name, (old, new) in verdict.changes.items()}
        yield p


def _clean(planned: Planned, field_name: str, value: Any, hint: Encoding | None = None) -> str:
    """A cell's text, legacy fonts and decomposed Unicode repaired (noted on the row), spaces collapsed. ``hint``:
    the sheet's legacy font, so that a short cell that reads well both ways ("Chi bé") follows its sheet."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    fixed = repair(text, hint=hint)
    if fixed.encoding != Encoding.UNICODE or fixed.decomposed:
        encoding = "nfd" if fixed.encoding == Encoding.UNICODE else fixed.encoding.value
        planned.conversions.append(Conversion(field_name, encoding, text.strip(), fixed.text.strip()))
    return " ".join(fixed.text.split())


def sheet_hints(sources: list[SourceRow]) -> dict[str, Encoding | None]:
    """Each sheet's legacy font: the one the pipeline found (``extra["encoding"]``), else the one most of its text
    cells are in (apps.common.vnlegacy.detection.detect_column)."""
    texts: dict[str, list[str]] = defaultdict(list)
    found: dict[str, Encoding | None] = {}
    for source in sources:
        if source.extra.get("encoding"):
            found.setdefault(source.sheet, Encoding(source.extra["encoding"]))
        cells = source.extra.get("raw") or tuple(source.values.values())
        texts[source.sheet] += [value for value in cells if isinstance(value, str)]
    return {sheet: found.get(sheet) or detect_column(cells) for sheet, cells in texts.items()}


def _row(source: SourceRow, planned: Planned, several_sheets: bool, hint: Encoding | None) -> rows_rules.TreeRow:
    values = source.values
    kind_text = _clean(planned, "kind", values.get("kind"), hint)
    sector_text = _clean(planned, "sector", values.get("sector"), hint)
    level_label = _clean(planned, "level_label", values.get("level_label"), hint)
    kind = rows_rules.kind_of(kind_text) if kind_text else None
    if not level_label and kind_text and kind is not None:
        level_label = rows_rules.level_label_of(kind_text)
    label = (
        _("%(sheet)s row %(row)s") % {"sheet": source.sheet, "row": source.row_number}
        if several_sheets
        else _("row %(row)s") % {"row": source.row_number}
    )
    return rows_rules.TreeRow(
        key=(source.sheet, source.row_number),
        code=_clean(planned, "code", values.get("code"), hint),
        name=_clean(planned, "name", values.get("name"), hint),
        kind=kind,
        kind_text=kind_text,
        sector=rows_rules.sector_of(sector_text),
        sector_text=sector_text,
        level_label=level_label,
        parent_code=_clean(planned, "parent_code", values.get("parent_code"), hint) or None,
        label=label,
    )


def _nest(
    sources: list[SourceRow],
    rows: list[rows_rules.TreeRow],
    planned: list[Planned],
    *,
    batch: ImportBatch,
    context: PlanContext,
    hints: dict[str, Encoding | None],
) -> str:
    """Place each sheet's rows from its layout (no parent column): the parent row of each row, the name without its
    numbering or indent, and the kind its column's header says. Returns the nesting used (of the first sheet)."""
    name_index = (batch.mapping or {}).get("name")
    others = sorted(i for field_name, i in (batch.mapping or {}).items() if field_name != "name")
    chosen = context.options.get(NESTING_OPTION) or ""
    by_sheet: dict[str, list[int]] = defaultdict(list)
    for position, source in enumerate(sources):
        by_sheet[source.sheet].append(position)
    used = ""
    for sheet, positions in by_sheet.items():
        labels = dict(context.columns.get(sheet, []))
        columns = _name_columns(name_index, others, labels, context.options.get(NAME_COLUMNS_OPTION))
        cells = [_name_cells(sources[p], columns, name_index) for p in positions]
        nesting = chosen if chosen in rows_rules.NESTINGS else rows_rules.choose_nesting(cells)
        used = used or nesting
        placed = rows_rules.outline([(rows[p].key, c) for p, c in zip(positions, cells, strict=True)], nesting)
        for p, spot in zip(positions, placed, strict=True):
            row = rows[p]
            planned[p].conversions[:] = [c for c in planned[p].conversions if c.field != "name"]  # read again here
            row.name = _clean(planned[p], "name", spot.name, hints[sheet])
            row.parent_key = spot.parent
            row.nesting_problem = spot.problem
            if nesting == rows_rules.COLUMNS and columns:
                row.kind_hint = rows_rules.kind_of(str(labels.get(columns[min(spot.column, len(columns) - 1)], "")))
    return used


def _name_columns(name_index: int | None, others: list[int], labels: dict[int, Any], chosen) -> list[int]:
    """The columns holding names at each depth: those chosen, else from the name's column up to the next mapped
    column (or the last column)."""
    if chosen:
        return [int(i) for i in chosen]
    if name_index is None:
        return []
    last = max([*labels, name_index])
    stop = min([i for i in others if i > name_index], default=last + 1)
    return list(range(name_index, stop))


def _name_cells(source: SourceRow, columns: list[int], name_index: int | None) -> tuple:
    """The row's values in the name columns. A numbering kept in a column of its own left of the names ("1.2" in
    the STT column) is put in front of the name, as if it were typed there."""
    raw = source.extra.get("raw")
    if raw is None or not columns:
        return (source.values.get("name"),)
    cells = [raw[i] if i < len(raw) else None for i in columns]
    numbers = [_number_text(raw[i]) for i in range(min(name_index or 0, len(raw)))]
    number = next((n for n in reversed(numbers) if n), "")
    filled = rows_rules.first_filled(cells)
    if number and filled is not None and rows_rules.split_number(filled[1])[0] is None:
        cells[filled[0]] = f"{number} {filled[1]}"
    return tuple(cells)


def _number_text(value: Any) -> str:
    """A numbering such as "1", "1.2", "1.2.3." in a cell of its own (a number cell: 1 or 1.2), else ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip().rstrip(".")
    return text if rows_rules.is_number(text) else ""


def _existing(target: Organization) -> tuple[dict[str, rules.Existing], rules.Existing]:
    """The organisations of the target's subtree by code (one query), and the target's parent code (one more)."""
    nodes = list(
        Organization.objects.filter(path__startswith=target.path).values_list(
            "pk", "code", "name", "kind", "sector", "level_label", "path"
        )
    )
    code_of = {path: code for _pk, code, _n, _k, _s, _l, path in nodes}
    kinds_below: dict[str, set[str]] = defaultdict(set)
    for _pk, _code, _name, kind, _sector, _label, path in nodes:
        kinds_below[path[: -Organization.steplen]].add(kind)
    above = target.path[: -Organization.steplen]
    target_parent = Organization.objects.filter(path=above).values_list("code", flat=True).first() if above else None
    step, top = Organization.steplen, len(target.path)
    existing = {
        code: rules.Existing(
            pk=pk,
            code=code,
            name=name,
            kind=kind,
            parent_code=code_of.get(path[:-step]) if path != target.path else target_parent,
            depth=(len(path) - top) // step,
            sector=sector,
            level_label=label,
            child_kinds=frozenset(kinds_below.get(path, ())),
        )
        for pk, code, name, kind, sector, label, path in nodes
    }
    return existing, existing[target.code]


def _outside(target: Organization, codes: list[str]) -> set[str]:
    """Which of these codes belong to organisations outside the target's subtree (codes are unique everywhere)."""
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        found |= set(
            Organization.objects.filter(code__in=codes[start : start + 500])
            .exclude(path__startswith=target.path)
            .values_list("code", flat=True)
        )
    return found


def _cells_in_use(pks: list[int]) -> set[int]:
    """Of these organisations, the cells that have members or meetings (they stay cells)."""
    if not pks:
        return set()
    cells = set(Organization.objects.filter(pk__in=pks, kind=Organization.Kind.CELL).values_list("pk", flat=True))
    if not cells:
        return set()
    used = set(Member.objects.filter(cell_id__in=cells).values_list("cell_id", flat=True).distinct())
    used |= set(Meeting.objects.filter(cell_id__in=cells).values_list("cell_id", flat=True).distinct())
    return used


# ---------------------------------------------------------------------------------------------- apply


@transaction.atomic
def apply(*, batch: ImportBatch, planned: list[Planned], user) -> None:
    """Create the new organisations (parents first) and update the changed ones, recording each as an
    ImportChange. Runs inside the commit's transaction: any refusal here undoes the whole import."""
    target = Organization.objects.get(pk=batch.organization_id)
    if not allows(user, RESTRUCTURE, target.path):
        raise PermissionDenied
    creates = sorted((p for p in planned if p.fate == CREATE), key=lambda p: p.data["depth"])  # stable: file order
    made: dict[str, Organization] = {}
    created: list[Organization] = []
    for p in creates:
        data = p.data
        parent = made.get(data["parent_code"]) or _inside(target, code=data["parent_code"])
        node = org_services.organization_create(
            parent=parent,
            kind=data["kind"],
            code=data["code"],
            name=data["name"],
            level_label=data["level_label"],
            sector=data["sector"],
        )
        made[node.code] = node
        created.append(node)
    changes.record_created(batch, Organization, created, FIELDS)
    updated = []
    for p in planned:
        if p.fate != UPDATE:
            continue
        node = _inside(target, pk=p.target_pk)
        wanted = {name: new for name, (_old, new) in p.data.get("changes", {}).items()}
        before = {name: getattr(node, name) for name in wanted}
        if {"name", "level_label", "sector"} & set(wanted):
            node = org_services.organization_update(
                org=node,
                name=wanted.get("name", node.name),
                level_label=wanted.get("level_label", node.level_label),
                sector=wanted.get("sector", node.sector),
            )
        if "kind" in wanted:
            node.kind = wanted["kind"]
            node.full_clean(exclude=["path", "depth", "numchild", "code"], validate_unique=False)
            node.save(update_fields=["kind"])
        updated.append((node.pk, before, {name: getattr(node, name) for name in wanted}))
    changes.record_updated(batch, Organization, updated)


def _inside(target: Organization, **lookup) -> Organization:
    """An organisation of the target's subtree (the target included), locked for the write."""
    node = Organization.objects.select_for_update().filter(path__startswith=target.path, **lookup).first()
    if node is None:
        raise ValidationError(_("An organisation of the file is no longer in the tree; preview the import again."))
    return node
