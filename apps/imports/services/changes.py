"""What a commit changed, recorded so that it can be undone (docs/decisions/0012-imports.md): one ImportChange per
record created or updated, with the fields' values before and after; undo replays them backwards. What stops an
undo is read by apps.imports.queries.batches.undo_blockers."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from treebeard.mp_tree import MP_Node

from apps.common import audit
from apps.imports.models import ImportBatch, ImportChange
from apps.imports.queries import batches as queries

CHUNK = 1000


# --- what a commit changed, and undoing it ------------------------------------------------------------------------


def record_created(batch: ImportBatch, model: type[models.Model], objects: Iterable[models.Model], fields) -> None:
    """One ImportChange per new record, with the values of ``fields`` it was created with."""
    columns = [(name, queries.column(model, name)) for name in fields]
    ImportChange.objects.bulk_create(
        [
            ImportChange(
                batch=batch,
                model=model._meta.label_lower,
                object_pk=obj.pk,
                action=ImportChange.Action.CREATED,
                after={name: queries.as_json(getattr(obj, attname)) for name, attname in columns},
            )
            for obj in objects
        ],
        batch_size=CHUNK,
    )


def record_updated(batch: ImportBatch, model: type[models.Model], rows: Iterable[tuple[int, dict, dict]]) -> None:
    """One ImportChange per updated record: (pk, the fields' values before, after), JSON-ready."""
    ImportChange.objects.bulk_create(
        [
            ImportChange(
                batch=batch,
                model=model._meta.label_lower,
                object_pk=pk,
                action=ImportChange.Action.UPDATED,
                before={name: queries.as_json(value) for name, value in before.items()},
                after={name: queries.as_json(value) for name, value in after.items()},
            )
            for pk, before, after in rows
        ],
        batch_size=CHUNK,
    )


def reverse(batch: ImportBatch) -> None:
    """Each recorded change backwards: updated records get their values back, created ones are deleted (dependent
    records first: they were created after what they depend on)."""
    run: list[ImportChange] = []
    for change in queries.pages(ImportChange.objects.filter(batch=batch), descending=True):
        if run and (run[0].model != change.model or len(run) >= queries.CHUNK):
            _reverse_run(run)
            run = []
        run.append(change)
    if run:
        _reverse_run(run)


def _reverse_run(changes: list[ImportChange]) -> None:
    model = apps.get_model(changes[0].model)
    updated = [c for c in changes if c.action == ImportChange.Action.UPDATED]
    if updated:
        objects = model._base_manager.in_bulk([c.object_pk for c in updated])
        names: set[str] = set()
        for change in updated:
            obj = objects[change.object_pk]
            for name, value in change.before.items():
                field = model._meta.get_field(name)
                setattr(obj, field.attname, field.to_python(value))
                names.add(name)
        audit.bulk_update(model, list(objects.values()), sorted(names))
    created = [c.object_pk for c in changes if c.action == ImportChange.Action.CREATED]
    if created:
        _delete(model, created)


def _delete(model: type[models.Model], pks: list[int]) -> None:
    """Delete the records and what cascades from them, one "delete" entry each written in one insert per model
    (apps.common.audit.bulk_delete; a member's cell periods go with it). A tree's nodes go through treebeard's
    delete, which keeps the parents' counts right."""
    rows = model._base_manager.filter(pk__in=pks)
    if issubclass(model, MP_Node):
        rows.delete()
        return
    audit.bulk_delete(rows)
