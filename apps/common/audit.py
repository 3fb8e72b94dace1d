"""The audit trail (DOMAIN.md §12), written by the services themselves.

django-auditlog records a change to an audited model when an object is saved or deleted (its signals; Django sends
the delete signals for each row of ``QuerySet.delete()`` too). Writes that send no signal (``QuerySet.update()``,
``bulk_create``, ``bulk_update``) and deletions of many rows (``bulk_delete``: one insert of entries instead of one
per row) go through the functions here instead, which write the change and its audit
entries together: a service never writes an audited model in bulk without a trace (tests/test_house.py checks
it). Reads of sensitive records and exports are recorded as "access" entries. The acting user is the one
django-auditlog's middleware set for the request.

Personal data stays out of the log (``scrub``, run on every entry before it is written): an entry names its record
"<verbose name> #<pk>", never by its ``__str__`` (a person's name); the fields an app registers as ``mask_fields``
(national ID, phone, birth date, reasons...) are recorded as changed with both values replaced by ``MASK``. Every
entry is then sealed into the hash chain once its transaction commits (apps/common/audit_chain.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from auditlog.context import auditlog_value, disable_auditlog
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import pre_save
from django.dispatch import Signal

from apps.common import audit_chain

Changes = dict[str, list[Any]]

# What a masked field's old and new values are replaced with: the entry keeps the field's name (it changed, or was
# set) and nothing of the value. An empty value stays empty ("" or "None"), so that "was set" and "was cleared" show.
MASK = "[masked]"
# auditlog's register(..., mask_callable=MASK_CALLABLE) for the models with personal fields.
MASK_CALLABLE = "apps.common.audit.mask"


def mask(value: Any) -> Any:
    if value is None or value in ("", "None"):
        return value
    return MASK


def _masked_fields(model: type[models.Model] | None) -> set[str]:
    if model is None or not is_audited(model):
        return set()
    return set(auditlog.get_model_fields(model).get("mask_fields") or ())


def scrub(entry: LogEntry) -> None:
    """Keep personal data out of an entry before it is written (pre_save of LogEntry, and the bulk entries here)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is not None:
        entry.object_repr = _label(model, entry.object_pk)
    masked = _masked_fields(model)
    if masked and isinstance(entry.changes, dict):
        entry.changes = {
            name: ([mask(v) for v in values] if isinstance(values, list | tuple) else mask(values))
            if name in masked
            else values
            for name, values in entry.changes.items()
        }
    if masked and isinstance(entry.serialized_data, dict):
        fields = entry.serialized_data.get("fields")
        if isinstance(fields, dict):
            entry.serialized_data["fields"] = {k: mask(v) if k in masked else v for k, v in fields.items()}


def on_entry_saving(sender, instance: LogEntry, **kwargs) -> None:
    """pre_save of LogEntry (connected in CommonConfig.ready)."""
    if instance._state.adding:
        scrub(instance)


# Sent after every bulk write made here (update, bulk_create, bulk_update) with ``sender=model``, ``pks`` (the
# rows written) and ``fields`` (the names of the fields written; None for new rows), which Django's post_save does
# not see: upper apps that keep figures derived from these rows (the oversight fact table) listen to it beside
# post_save and post_delete, and ignore a write of fields they do not count (a reminder's timestamp).
rows_written = Signal()


# Sent by ``bulk_delete`` before it deletes, once per model with the rows about to go (the cascade's too), loaded:
# upper apps that keep derived figures compute what the deletion changes from them in a few queries, and skip their
# per-row ``post_delete`` work while ``bulk_deleting()`` is true.
rows_deleting = Signal()
_bulk_deleting: ContextVar[bool] = ContextVar("chibo_bulk_deleting", default=False)


def bulk_deleting() -> bool:
    """Whether the rows being deleted now were announced by ``rows_deleting`` (post_delete receivers skip them)."""
    return _bulk_deleting.get()


@contextmanager
def _announced() -> Iterator[None]:
    token = _bulk_deleting.set(True)
    try:
        yield
    finally:
        _bulk_deleting.reset(token)


def _written(model: type[models.Model], pks: Iterable[object], fields: Sequence[str] | None) -> None:
    pks = [pk for pk in pks if pk is not None]
    if pks:
        rows_written.send(sender=model, pks=pks, fields=None if fields is None else tuple(fields))


def record_access(instance) -> None:
    accessed.send(sender=instance.__class__, instance=instance)


def is_audited(model: type[models.Model]) -> bool:
    return auditlog.contains(model)


def _text(value) -> str | None:
    return None if value is None else str(value.pk if isinstance(value, models.Model) else value)


def _entries(model: type[models.Model], rows: Iterable[tuple[object, str, Changes | None]], action: int) -> None:
    """One LogEntry per (pk, repr, changes), with the request's actor and address, in one insert."""
    if not is_audited(model):
        return
    context = _request_context()
    actor = context.get("actor")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(model)
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=label[:500],
            action=action,
            changes=changes,
            actor=actor,
            actor_email=getattr(actor, "email", None) if actor else None,
            remote_addr=context.get("remote_addr"),
        )
        for pk, label, changes in rows
    ]
    for entry in entries:
        scrub(entry)
    if entries:
        LogEntry.objects.bulk_create(entries)
        audit_chain.queue_seal(entry.pk for entry in entries)


def record_update(model: type[models.Model], rows: dict[object, Changes]) -> None:
    """One "update" entry per row (pk → changes), for a write made by a library that sends no signal (treebeard
    moving a subtree rewrites its paths in SQL)."""
    _entries(
        model, ((pk, _label(model, pk), changes) for pk, changes in rows.items() if changes), LogEntry.Action.UPDATE
    )


def _request_context() -> dict:
    """What django-auditlog's middleware set for the request in progress (actor, address). Its context manager leaves
    the value behind when the request ends, so the value is the request's only while the receiver it connected for
    that request is connected: a service run after a request on the same thread (a test) must not get its actor."""
    context = auditlog_value.get({})
    duid = context.get("signal_duid")
    live = duid is not None and any(lookup_key[0] == duid for lookup_key, *_receiver in pre_save.receivers)
    return context if live else {}


def _excluded(model: type[models.Model]) -> set[str]:
    options = auditlog.get_model_fields(model) if is_audited(model) else {}
    return set(options.get("exclude_fields") or ())


def _label(model: type[models.Model], pk) -> str:
    """The entry's name for a row ("Phát biểu #12"): no query, whatever the model's ``__str__`` reads."""
    return f"{model._meta.verbose_name} #{pk}"


def _column(model: type[models.Model], name: str) -> str:
    """The column of a concrete field (``cell`` → ``cell_id``)."""
    return cast(models.Field, model._meta.get_field(name)).attname


def update(queryset: models.QuerySet, **values) -> int:
    """``queryset.update(**values)``, with one audit entry per row that changed (old → new of each field)."""
    model = queryset.model
    fields = [f for f in values if f not in _excluded(model)]
    if not is_audited(model) or not fields:  # not audited, or only fields kept out of the log (a vote's tallies)
        if not rows_written.has_listeners(model):
            return queryset.update(**values)
        pks = list(queryset.values_list("pk", flat=True))
        count = model._default_manager.filter(pk__in=pks).update(**values)
        _written(model, pks, list(values))
        return count
    columns = [_column(model, f) for f in fields]
    before = {row[0]: row[1:] for row in queryset.values_list("pk", *columns)}
    changed = model._default_manager.filter(pk__in=before)
    count = changed.update(**values)
    if any(hasattr(values[f], "resolve_expression") for f in fields):  # F() + 1 and the like: read what it gave
        after = {row[0]: row[1:] for row in changed.values_list("pk", *columns)}
    else:
        after = {pk: tuple(values[f] for f in fields) for pk in before}
    rows = []
    for pk, old in before.items():
        new = after[pk]
        changes = {f: [_text(o), _text(n)] for f, o, n in zip(fields, old, new, strict=True) if _text(o) != _text(n)}
        if changes:
            rows.append((pk, _label(model, pk), changes))
    _entries(model, rows, LogEntry.Action.UPDATE)
    _written(model, before, list(values))
    return count


def bulk_create(model: type[models.Model], objects: Sequence[models.Model], **kwargs) -> list[models.Model]:
    """``model.objects.bulk_create(objects)``, with one "create" entry per new row (its fields as the changes)."""
    created = model._default_manager.bulk_create(objects, **kwargs)
    excluded = _excluded(model)
    _entries(
        model,
        (
            (
                obj.pk,
                _label(model, obj.pk),
                {
                    f.name: [None, _text(getattr(obj, f.attname))]
                    for f in model._meta.concrete_fields
                    if not f.primary_key and f.name not in excluded
                },
            )
            for obj in created
            if obj.pk is not None
        ),
        LogEntry.Action.CREATE,
    )
    _written(model, (obj.pk for obj in created), None)
    return created


def bulk_update(model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]) -> int:
    """``model.objects.bulk_update(objects, fields)``, with one entry per row whose values changed."""
    excluded = _excluded(model)
    audited = [f for f in fields if f not in excluded]
    columns = [_column(model, f) for f in audited]
    before = {
        row[0]: row[1:]
        for row in model._default_manager.filter(pk__in=[o.pk for o in objects]).values_list("pk", *columns)
    }
    count = model._default_manager.bulk_update(objects, fields)
    rows = []
    for obj in objects:
        old = before.get(obj.pk, ())
        changes = {
            f: [_text(o), _text(getattr(obj, c))]
            for f, c, o in zip(audited, columns, old, strict=False)
            if _text(o) != _text(getattr(obj, c))
        }
        if changes:
            rows.append((obj.pk, _label(model, obj.pk), changes))
    _entries(model, rows, LogEntry.Action.UPDATE)
    _written(model, (obj.pk for obj in objects), fields)
    return count


def bulk_delete(queryset: models.QuerySet) -> int:
    """``queryset.delete()`` with its cascade, for many rows: one "delete" entry per audited row (its fields' last
    values as the changes, as django-auditlog records a deletion), written in one insert per model, and
    ``rows_deleting`` sent per model before anything is deleted; a reference the deletion clears (SET_NULL) gets an
    "update" entry and ``rows_written``. Django's per-row signals still go out, with django-auditlog's receivers
    disabled and ``bulk_deleting()`` true. The number of rows deleted, cascade included."""
    with transaction.atomic(using=queryset.db):  # the entries and the marks go with the rows, or none of them
        return _bulk_delete(queryset)


def _bulk_delete(queryset: models.QuerySet) -> int:
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(list(queryset))
    for model, instances in collector.data.items():
        rows = list(instances)
        if not rows:
            continue
        excluded = _excluded(model)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in excluded]
        _entries(
            model,
            (
                (obj.pk, _label(model, obj.pk), {f.name: [_text(getattr(obj, f.attname)), None] for f in fields})
                for obj in rows
            ),
            LogEntry.Action.DELETE,
        )
        rows_deleting.send(sender=model, instances=rows)
    cleared = _field_updates(collector)
    with disable_auditlog(), _announced():
        count, _per_model = collector.delete()
    for model, pks, field in cleared:
        _written(model, pks, [field])
    return count


def _field_updates(collector: Collector) -> list[tuple[type[models.Model], list, str]]:
    """The references the deletion will set to NULL (or to a default: ``on_delete=SET_NULL``/``SET_DEFAULT``, a
    task's lead, a meeting's preparer), which Django writes with an ``UPDATE`` and no signal: one "update" entry per
    row, old → new, in one insert per field. Returns (model, pks, field name) of each, for ``rows_written`` once the
    write is done."""
    cleared = []
    for (field, value), batches in collector.field_updates.items():
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                model = batch.model
                rows = list(batch.values_list("pk", field.attname))
            else:
                objects: list[models.Model] = list(batch)  # type: ignore[call-overload]  # stubs: a list of instances
                if not objects:
                    continue
                model = type(objects[0])
                rows = [(obj.pk, getattr(obj, field.attname)) for obj in objects]
            if not rows:
                continue
            new = _text(value)
            if field.name not in _excluded(model):
                _entries(
                    model,
                    ((pk, _label(model, pk), {field.name: [_text(old), new]}) for pk, old in rows if _text(old) != new),
                    LogEntry.Action.UPDATE,
                )
            cleared.append((model, [pk for pk, _old in rows], field.name))
    return cleared
