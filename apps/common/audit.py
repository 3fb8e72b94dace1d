"""The audit trail (DOMAIN.md §12), written by the services themselves.

django-auditlog records a change to an audited model when an object is saved or deleted (its signals; Django sends
the delete signals for each row of ``QuerySet.delete()`` too). Writes that send no signal (``QuerySet.update()``,
``bulk_create``, ``bulk_update``) go through the functions here instead, which write the change and its audit
entries together: a service never writes an audited model in bulk without a trace (tests/test_house.py checks
it). Reads of sensitive records and exports are recorded as "access" entries. The acting user is the one
django-auditlog's middleware set for the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import Signal

Changes = dict[str, list[Any]]


# Sent after every bulk write made here (update, bulk_create, bulk_update) with ``sender=model``, ``pks`` (the
# rows written) and ``fields`` (the names of the fields written; None for new rows), which Django's post_save does
# not see: upper apps that keep figures derived from these rows (the oversight fact table) listen to it beside
# post_save and post_delete, and ignore a write of fields they do not count (a reminder's timestamp).
rows_written = Signal()


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
    LogEntry.objects.bulk_create(
        [
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
