"""Writing exports: a small table in the request that asks for it, a large one by the background worker, which
writes its progress to the export's own row as it goes (docs/decisions/0010-exports.md).

Every export is recorded when it is asked for: the Export row (who, which table with which parameters, when) and
an "access" entry in the audit log (DOMAIN.md §12: every export logged)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from functools import partial

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.exports import tasks
from apps.exports.models import Export
from apps.exports.queries import exports as queries
from apps.exports.rules import xlsx
from apps.exports.rules.tables import Table, Unavailable

logger = logging.getLogger(__name__)

INLINE_ROWS = 1000  # a table this small is written in the request (settings.CHIBO_EXPORT_INLINE_ROWS)
PROGRESS_EVERY = 200  # the job writes its progress every so many rows (settings.CHIBO_EXPORT_PROGRESS_EVERY)


def inline_rows() -> int:
    return getattr(settings, "CHIBO_EXPORT_INLINE_ROWS", INLINE_ROWS)


def progress_every() -> int:
    return max(1, getattr(settings, "CHIBO_EXPORT_PROGRESS_EVERY", PROGRESS_EVERY))


def runs_inline(table: Table) -> bool:
    return table.count <= inline_rows()


def export_downloaded(export: Export) -> None:
    """A download of the export's file: an "access" entry each time (who, when, from where)."""
    audit.record_access(export)


def export_start(*, user, name: str, params: Mapping[str, str], table: Table | None = None) -> Export:
    """Record the export and write it: at once when the table is small (the row comes back done, its file ready),
    else queued for the worker once the transaction commits. ``table``: the one the confirm page already built."""
    with transaction.atomic():
        table = table if table is not None else queries.table_for(user, name, params)
        export = Export.objects.create(
            user=user, table=name, params=dict(params), title=table.title[:300], rows_total=table.count
        )
        audit.record_access(export)
        if runs_inline(table):
            _write(export, table)
        else:
            transaction.on_commit(partial(_enqueue, export.pk), robust=True)
    return export


def _enqueue(export_id: int) -> None:
    tasks.run_export.enqueue(export_id)  # through the module: the task module imports this one


def export_run(export_id: int) -> str:
    """The background job: build the table again as its owner may see it now, write it with its progress on the
    row every few rows (each its own small write, so the page polling the row sees it move), then the file."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != Export.Status.QUEUED:
        return "skipped"  # gone, or already taken by another run
    _set(export, status=Export.Status.RUNNING)
    try:
        table = queries.table_for(export.user, export.table, export.params)
        _set(export, rows_total=table.count)
        _write(export, table, progress=partial(_progress, export.pk))
    except Unavailable:
        _fail(export, _("You may no longer see this table."))
        return "failed"
    except Exception as exc:
        logger.exception("export %s failed", export_id)
        _fail(export, _("The file could not be written (%(error)s).") % {"error": type(exc).__name__})
        return "failed"
    return "done"


def _write(export: Export, table: Table, *, progress=None) -> None:
    """Write the sheet to a temporary file, then store it as the export's file and mark the export done."""
    now = timezone.localtime()
    with tempfile.TemporaryFile() as out:
        written = xlsx.write(
            table,
            out,
            exported_by=queries.person_name(export.user),
            exported_at=now,
            progress=progress,
            every=progress_every(),
        )
        out.seek(0)
        export.file.save(f"{xlsx.file_stem(table.title, now.date())}.xlsx", File(out), save=False)
    _set(
        export,
        file=export.file.name,
        status=Export.Status.DONE,
        rows_done=written,
        rows_total=written,
        finished_at=timezone.now(),
    )


def _progress(export_id: int, rows: int) -> None:
    audit.update(Export.objects.filter(pk=export_id), rows_done=rows)


def _fail(export: Export, message: str) -> None:
    _set(export, status=Export.Status.FAILED, error=message, finished_at=timezone.now())


def _set(export: Export, **values) -> None:
    """Write fields of the export's row (kept out of the audit log: the row's creation is the record)."""
    audit.update(Export.objects.filter(pk=export.pk), **values)
    for name, value in values.items():
        setattr(export, name, value)
