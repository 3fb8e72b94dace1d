"""Reads of the imports: the history a committee sees (scoped like every record: 404 outside the subtree), one batch
with its rows, the organisations a person may import into, and what would stop an undo
(docs/decisions/0012-imports.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, allows
from apps.imports.models import ImportBatch, ImportChange, ImportMapping, ImportRow, Kind
from apps.orgs.models import Organization

CHUNK = 900  # pks per IN (...) of the undo's checks
BLOCKERS_SHOWN = 50
# Tables derived from the record and rebuilt from it (apps/oversight/models/facts.py): a row there that names an
# imported organisation is not someone's work, so it does not stop an undo (the delete takes it along).
DERIVED = {"oversight.cellmonth", "oversight.stalecellmonth", "oversight.orgyear"}


def action_for(kind: str) -> str:
    """The scoping action that importing ``kind`` needs on the target node: RESTRUCTURE for a tree, else MANAGE."""
    return RESTRUCTURE if kind == Kind.TREE else MANAGE


def batches_for(user) -> QuerySet[ImportBatch]:
    """The one lookup of imports: those whose organisation the user may see (a plain member: none)."""
    return ImportBatch.objects.visible_to(user, VIEW).select_related("organization", "uploaded_by")


def batch_for(user, pk: int, action: str = VIEW) -> ImportBatch:
    """One import as ``user`` may see it (``action="view"``) or handle it (``"manage"``: the right its kind needs on
    its organisation); Http404 otherwise, so another commune's import is simply not found."""
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    if action != VIEW and not allows(user, action_for(batch.kind), batch.organization.path):
        raise Http404
    return batch


def batch_rows(batch: ImportBatch, fate: str | None = None, problems_only: bool = False) -> QuerySet[ImportRow]:
    """The preview's rows: refused first, then those with warnings, then the others, each in the file's order."""
    rows = ImportRow.objects.filter(batch=batch)
    if fate:
        rows = rows.filter(fate=fate)
    if problems_only:
        rows = rows.exclude(problems=[])
    return rows.annotate(
        rank=Case(
            When(fate=ImportRow.Fate.REFUSED, then=Value(0)),
            When(~Q(problems=[]), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "pk")


def row_counts(batch: ImportBatch) -> dict[str, int]:
    """Rows per fate, counted from the stored rows (one query); ``batch.counts`` holds the same once previewed."""
    counts = {fate: 0 for fate in ImportRow.Fate.values}
    for fate, n in ImportRow.objects.filter(batch=batch).values_list("fate").annotate(n=Count("pk")).order_by():
        counts[fate] = n
    return counts


def import_targets(user, kind: str) -> QuerySet[Organization]:
    """The organisations ``user`` may import ``kind`` into: members and attendance go into cells (or a committee's
    cells below it), a tree under any node the user restructures."""
    nodes = Organization.objects.visible_to(user, action_for(kind)).filter(active=True)
    if kind != Kind.TREE:
        nodes = nodes.exclude(kind=Organization.Kind.PARTY_GROUP)
    return nodes


def saved_mapping(organization: Organization, kind: str, signature: str):
    """The mapping saved for files with these headers at the node or the nearest committee above it, else None."""
    return (
        ImportMapping.objects.applying_to(organization.path)
        .filter(kind=kind, signature=signature)
        .order_by("-organization__depth", "-saved_at")
        .first()
    )


# --- the values an ImportChange records, and what stops an undo ---------------------------------------------------


def as_json(value: Any) -> Any:
    """A field's value as ImportChange stores it (dates as ISO text, decimals and UUIDs as text)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def column(model: type[models.Model], name: str) -> str:
    """The attribute holding a field's stored value (``cell`` → ``cell_id``)."""
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def label(model: type[models.Model], pk: object) -> str:
    """How an undo names a record ("Đảng viên #42"): by its kind and number, never by a person's name."""
    return f"{capfirst(model._meta.verbose_name)} #{pk}"


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def pages(queryset: QuerySet, *fields: str, size: int = 2000, descending: bool = False) -> Iterator[Any]:
    """The rows of ``queryset`` by pages of ``size``, in pk order (``fields``: value tuples, pk first), each page its
    own query: no cursor stays open, so a transaction rolled back in the middle leaves nothing behind (a server-side
    cursor of ``iterator()`` would be closed after PostgreSQL dropped it)."""
    last = None
    order = "-pk" if descending else "pk"
    while True:
        page = queryset.order_by(order)
        if last is not None:
            page = page.filter(pk__lt=last) if descending else page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:size] if fields else page[:size])
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1][0] if fields else rows[-1].pk


def _changes_by_model(batch: ImportBatch) -> Iterator[tuple[type[models.Model], list[ImportChange]]]:
    """The batch's changes in order, a model's run at most CHUNK long at a time."""
    run: list[ImportChange] = []
    for change in pages(ImportChange.objects.filter(batch=batch)):
        if run and (run[0].model != change.model or len(run) >= CHUNK):
            yield apps.get_model(run[0].model), run
            run = []
        run.append(change)
    if run:
        yield apps.get_model(run[0].model), run


@cache
def _references(model: type[models.Model]) -> tuple[tuple[type[models.Model], models.Field], ...]:
    """Every (model, foreign key) that can point at a row of ``model``, many-to-many tables included."""
    return tuple(
        (other, field)
        for other in apps.get_models(include_auto_created=True)
        if other._meta.label_lower not in DERIVED
        for field in other._meta.concrete_fields
        if field.is_relation and field.related_model is model
    )


def undo_blockers(batch: ImportBatch) -> list[str]:
    """What stops undoing ``batch`` (Vietnamese, empty: the undo may go): a record it wrote that was changed or
    deleted since, or a record it created that something it did not create now refers to (an attendance mark on an
    imported member, a node added under an imported one)."""
    found: list[str] = []
    created: dict[type[models.Model], set[int]] = defaultdict(set)
    for model, changes in _changes_by_model(batch):
        names = sorted({name for change in changes for name in change.after})
        current = {
            row[0]: dict(zip(names, row[1:], strict=True))
            for row in model._base_manager.filter(pk__in=[c.object_pk for c in changes]).values_list(
                "pk", *[column(model, name) for name in names]
            )
        }
        for change in changes:
            values = current.get(change.object_pk)
            if values is None:
                found.append(_("%(record)s was deleted after the import.") % {"record": label(model, change.object_pk)})
            elif any(as_json(values[name]) != value for name, value in change.after.items()):
                found.append(_("%(record)s was changed after the import.") % {"record": label(model, change.object_pk)})
            elif change.action == ImportChange.Action.CREATED:
                created[model].add(change.object_pk)
    found.extend(_referenced(created))
    found.extend(_grown_under(created))
    if len(found) > BLOCKERS_SHOWN:
        more = len(found) - BLOCKERS_SHOWN
        found = [*found[:BLOCKERS_SHOWN], _("… and %(count)s more.") % {"count": more}]
    return found


def _referenced(created: dict[type[models.Model], set[int]]) -> Iterable[str]:
    by_record: dict[tuple[type[models.Model], int], list[str]] = defaultdict(list)
    for model, pks in created.items():
        for other, field in _references(model):
            for chunk in _chunks(sorted(pks)):
                rows = other._base_manager.filter(**{f"{field.attname}__in": chunk}).values_list("pk", field.attname)
                for pk, target in rows:
                    if pk not in created.get(other, ()):
                        by_record[(model, target)].append(label(other, pk))
    for (model, pk), records in by_record.items():
        shown = ", ".join(records[:5]) + (", …" if len(records) > 5 else "")
        yield _("%(record)s is used by records made after the import: %(records)s.") % {
            "record": label(model, pk),
            "records": shown,
        }


def _grown_under(created: dict[type[models.Model], set[int]]) -> Iterable[str]:
    """A node of the tree added by hand under an imported node (the tree is a path, not a foreign key)."""
    for model, pks in created.items():
        if not issubclass(model, MP_Node):
            continue
        paths = dict(model._base_manager.filter(pk__in=pks).values_list("path", "pk"))
        step: int = getattr(model, "steplen", 4)
        tops = sorted(p for p in paths if not any(p[:end] in paths for end in range(step, len(p), step)))
        for chunk in _chunks(tops, 100):
            under = Q(pk__in=[])
            for path in chunk:
                under |= Q(path__startswith=path)
            for pk, path in model._base_manager.filter(under).exclude(pk__in=pks).values_list("pk", "path"):
                owner = next(paths[path[:end]] for end in range(len(path) - step, 0, -step) if path[:end] in paths)
                yield _("%(record)s is used by records made after the import: %(records)s.") % {
                    "record": label(model, owner),
                    "records": label(model, pk),
                }
