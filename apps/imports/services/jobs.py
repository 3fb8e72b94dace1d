"""The import pipeline's jobs (apps/imports/tasks.py runs them; docs/decisions/0012-imports.md): analyse the file,
preview every row, commit, undo a commit. The writing ones run as the person who asked (django-auditlog's actor on
every entry). Each reads the stored file again, writes its progress on the batch in small committed
updates and ends on a status: the next step's, or ``failed`` with a Vietnamese reason and nothing half-written.

A kind (``services/<kind>.py``) brings ``plan(*, batch, table_rows, context)`` (the fate of each row) and
``apply(*, batch, planned, user)`` (writes, audited, with an ImportChange per record: services/changes.py). A kind
whose ``apply`` takes the rows in pieces says so with ``APPLY_CHUNK = n``: the commit then hands them over as they
are planned, inside the same transaction, instead of all at the end.
"""

from __future__ import annotations

import importlib
import json
import logging
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.imports import permissions
from apps.imports.models import ImportBatch, ImportRow
from apps.imports.queries import batches as queries
from apps.imports.rules import layout
from apps.imports.rules import mapping as rules_mapping
from apps.imports.rules.plan import CREATE, UPDATE, WARNING, Planned, SourceRow
from apps.imports.rules.sheets import FORMAT_CSV, UnreadableFile, open_workbook
from apps.imports.services import changes
from apps.imports.services.context import PlanContext

logger = logging.getLogger(__name__)
Status = ImportBatch.Status
ROWS_CHUNK = 1000  # preview rows written per insert


class Changed(Exception):
    """The commit's plan differs from the preview's: nothing is written."""


class Blocked(Exception):
    """Records of the import were used since it was committed: the undo writes nothing."""


# --- the jobs ---------------------------------------------------------------------------------------------------


def batch_analyse(batch_id: int) -> str:
    """Find each sheet's header row and columns, count the data rows, suggest the mapping (the one saved for these
    headers at the organisation or above, else from the Vietnamese headers)."""
    batch = ImportBatch.objects.select_related("organization").filter(pk=batch_id).first()
    if batch is None or not move(batch, (Status.UPLOADED,), Status.ANALYSING):
        return "skipped"
    try:
        sheets, first = [], None
        with _workbook(batch) as workbook:
            for sheet in workbook.sheets:
                table = layout.find_table(sheet, batch.kind)
                if table is None:
                    continue
                first = first or table
                sheets.append(
                    {
                        "name": sheet.name,
                        "header_row": table.header_row,
                        "columns": [[column.index, column.label] for column in table.columns],
                        "signature": rules_mapping.signature(table.columns),
                        "rows": sum(1 for _row in table.rows()),
                    }
                )
        if first is None:
            return fail(batch, _("No header row was found in the file (such as “Họ và tên”, “Ngày sinh”)."))
        saved = queries.saved_mapping(batch.organization, batch.kind, sheets[0]["signature"])
        indexes = {index for index, _label in sheets[0]["columns"]}
        suggestion = (
            {name: index for name, index in saved.mapping.items() if index in indexes}
            if saved
            else rules_mapping.suggest(batch.kind, first.columns)
        )
        total = sum(sheet["rows"] for sheet in sheets)
        set_fields(
            batch,
            status=Status.MAPPING,
            sheets=sheets,
            mapping=suggestion,
            rows_total=total,
            analysed_at=timezone.now(),
        )
        return "mapping"
    except UnreadableFile as exc:
        return fail(batch, str(exc.message))
    except Exception as exc:
        logger.exception("import %s: analyse failed", batch_id)
        return fail(batch, _unexpected(exc))


def batch_preview(batch_id: int, user_id: int | None = None) -> str:
    """Plan every row and store it (in chunks, with the progress on the batch); the counts per fate."""
    batch = ImportBatch.objects.select_related("organization", "uploaded_by").filter(pk=batch_id).first()
    if batch is None or not move(batch, (Status.PREVIEWING,), Status.PREVIEWING):  # started: worked_at stamped
        return "skipped"
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else batch.uploaded_by
    every = max(1, settings.CHIBO_IMPORT_PROGRESS_EVERY)
    try:
        ImportRow.objects.filter(batch=batch).delete()
        counts: Counter[str] = Counter()
        rows: list[ImportRow] = []
        with _workbook(batch) as workbook:
            for done, planned in enumerate(_plan(batch, user, workbook), start=1):
                _count(counts, planned)
                rows.append(_stored(batch, planned))
                if len(rows) >= ROWS_CHUNK:
                    ImportRow.objects.bulk_create(rows)
                    rows = []
                if done % every == 0:
                    set_fields(batch, rows_done=done, rows_total=max(done, batch.rows_total))
        ImportRow.objects.bulk_create(rows)
        done = sum(counts[fate] for fate in ImportRow.Fate.values)
        set_fields(
            batch,
            status=Status.PREVIEWED,
            counts=_counts(counts),
            rows_done=done,
            rows_total=done,
            previewed_at=timezone.now(),
        )
        return "previewed"
    except Exception as exc:
        ImportRow.objects.filter(batch=batch).delete()
        if not isinstance(exc, UnreadableFile):
            logger.exception("import %s: preview failed", batch_id)
        return fail(batch, str(exc.message) if isinstance(exc, UnreadableFile) else _unexpected(exc))


class Gone(Exception):
    """The batch left the job's status while the job waited for its lock (recovered, or done by another run)."""


def _locked(batch: ImportBatch, status: str) -> None:
    """Lock the batch's row for the job's transaction and check it is still the job's (``Gone`` if not): a recovery
    or a second run of the same job waits for the lock, then finds the batch moved on."""
    if not ImportBatch.objects.select_for_update(of=("self",)).filter(pk=batch.pk, status=status).exists():
        raise Gone


def batch_commit(batch_id: int, user_id: int) -> str:
    """Re-plan every row inside one transaction; if each row's fate is still the preview's, write the rows to create
    or update; else write nothing and say so. The batch's row is locked for the transaction, and every status it
    is given is compared and set from ``committing`` (a recovery meanwhile wins, a second run skips)."""
    batch = ImportBatch.objects.select_related("organization").filter(pk=batch_id).first()
    if batch is None or not move(batch, (Status.COMMITTING,), Status.COMMITTING):  # started: worked_at stamped
        return "skipped"
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not permissions.import_into(user, batch.organization, batch.kind):
        return _failed(batch, Status.COMMITTING, _("You may no longer import into this organisation."))
    try:
        with set_actor(user), transaction.atomic():
            _locked(batch, Status.COMMITTING)
            counts = _commit(batch, user)
            set_fields(batch, status=Status.COMMITTED, counts=counts, committed_at=timezone.now(), committed_by=user)
        return "committed"
    except Gone:
        return "skipped"
    except Changed as exc:
        return _failed(batch, Status.COMMITTING, _("The data changed since the preview; preview it again.") + f" {exc}")
    except UnreadableFile as exc:
        return _failed(batch, Status.COMMITTING, str(exc.message))
    except Exception as exc:
        logger.exception("import %s: commit failed", batch_id)
        return _failed(batch, Status.COMMITTING, _unexpected(exc))


def batch_undo(batch_id: int, user_id: int) -> str:
    """Take a committed import back in one transaction: its updated records get their earlier values, its new ones
    are deleted. Refused (the batch stays committed, with the reason on it) when its records were used since. Locked
    and compared-and-set from ``undoing`` like the commit."""
    batch = ImportBatch.objects.select_related("organization").filter(pk=batch_id).first()
    if batch is None or not move(batch, (Status.UNDOING,), Status.UNDOING):  # started: worked_at stamped
        return "skipped"
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not permissions.import_into(user, batch.organization, batch.kind):
        move(batch, (Status.UNDOING,), Status.COMMITTED, error=_("You may no longer import into this organisation."))
        return "refused"
    with set_actor(user):
        try:
            with transaction.atomic():
                _locked(batch, Status.UNDOING)
                blockers = queries.undo_blockers(batch)
                if blockers:
                    raise Blocked("; ".join(str(blocker) for blocker in blockers))
                changes.reverse(batch)
                set_fields(batch, status=Status.UNDONE, undone_at=timezone.now(), undone_by=user)
            return "undone"
        except Gone:
            return "skipped"
        except Blocked as exc:
            message = _("The import cannot be undone: its records were used since.") + f" {exc}"
            move(batch, (Status.UNDOING,), Status.COMMITTED, error=message)
            return "refused"
        except Exception as exc:
            logger.exception("import %s: undo failed", batch_id)
            message = _("The undo stopped on an unexpected error (%(error)s); nothing was changed.")
            move(batch, (Status.UNDOING,), Status.COMMITTED, error=message % {"error": type(exc).__name__})
            return "failed"


def _commit(batch: ImportBatch, user) -> dict[str, int]:
    kind = _kind(batch.kind)
    piece = getattr(kind, "APPLY_CHUNK", 0)
    stored = (row[1:] for row in queries.pages(batch.rows.all(), "sheet", "row_number", "fate", "target_pk", "data"))
    counts: Counter[str] = Counter()
    pending: list[Planned] = []
    with _workbook(batch) as workbook:
        for planned in _plan(batch, user, workbook):
            _same(next(stored, None), planned)
            _count(counts, planned)
            if planned.fate in (CREATE, UPDATE):
                pending.append(planned)
                if piece and len(pending) >= piece:
                    kind.apply(batch=batch, planned=pending, user=user)
                    pending = []
    if next(stored, None) is not None:
        raise Changed(_("Some rows of the preview are no longer in the file."))
    if pending:
        kind.apply(batch=batch, planned=pending, user=user)
    return _counts(counts)


def _same(stored: tuple | None, planned: Planned) -> None:
    """Raise Changed unless the stored preview row says what the new plan says (fate, record, values)."""
    if stored is None:
        raise Changed(_("Row %(row)s of “%(sheet)s” was not in the preview.") % _where(planned))
    sheet, row_number, fate, target_pk, data = stored
    same_row = (sheet, row_number) == (planned.sheet, planned.row_number)
    same_data = data == planned.data or data == json.loads(json.dumps(planned.data, cls=DjangoJSONEncoder))
    if not (same_row and fate == planned.fate and target_pk == planned.target_pk and same_data):
        raise Changed(_("Row %(row)s of “%(sheet)s” is now judged differently.") % _where(planned))


def _where(planned: Planned) -> dict[str, object]:
    return {"row": planned.row_number, "sheet": planned.sheet}


def _plan(batch: ImportBatch, user, workbook) -> Iterator[Planned]:
    context = PlanContext(
        batch=batch,
        user=user,
        organization=batch.organization,
        options=batch.options or {},
        today=timezone.localdate(),
        columns={sheet["name"]: [(int(i), str(label)) for i, label in sheet["columns"]] for sheet in batch.sheets},
    )
    return _kind(batch.kind).plan(batch=batch, table_rows=_source_rows(batch, workbook), context=context)


def _source_rows(batch: ImportBatch, workbook) -> Iterator[SourceRow]:
    """The data rows of every analysed sheet with the mapping applied (a sheet whose columns moved keeps its fields,
    found by their header), the whole raw row in ``extra["raw"]``."""
    by_name = {sheet.name: sheet for sheet in workbook.sheets}
    first = {int(i): label for i, label in batch.sheets[0]["columns"]}
    for info in batch.sheets:
        sheet = by_name.get(info["name"])
        if sheet is None and len(batch.sheets) == len(workbook.sheets) == 1 and workbook.format == FORMAT_CSV:
            sheet = workbook.sheets[0]  # a text file analysed while its sheet was named after the stored file
        table = layout.find_table(sheet, batch.kind) if sheet is not None else None
        if table is None:
            raise UnreadableFile(_("The file changed since it was analysed."))
        labels = {int(i): label for i, label in info["columns"]}
        at = {label: i for i, label in labels.items()}
        mapping = {
            name: index if labels.get(index) == first.get(index) else at.get(first.get(index), index)
            for name, index in (batch.mapping or {}).items()
        }
        encoding = table.encoding.value if table.encoding else None  # the sheet's legacy font, a hint for short cells
        for number, values in table.rows():
            picked = {name: values[index] if index < len(values) else None for name, index in mapping.items()}
            extra = {"raw": values, "encoding": encoding}
            yield SourceRow(sheet=info["name"], row_number=number, values=picked, extra=extra)


def _kind(kind: str):
    """The kind's module (services/members.py, tree.py, attendance.py): it imports this one, so it is found by name."""
    return importlib.import_module(f"apps.imports.services.{kind}")


def _counts(counts: Counter[str]) -> dict[str, int]:
    """Rows per fate and rows with warnings, every key present (the pages show zeros too)."""
    return {key: counts[key] for key in (*ImportRow.Fate.values, "warnings")}


def _count(counts: Counter[str], planned: Planned) -> None:
    counts[planned.fate] += 1
    if any(problem.level == WARNING for problem in planned.problems):
        counts["warnings"] += 1


def _stored(batch: ImportBatch, planned: Planned) -> ImportRow:
    return ImportRow(
        batch=batch,
        sheet=planned.sheet[:100],
        row_number=planned.row_number,
        fate=planned.fate,
        data=planned.data,
        problems=[problem.as_json() for problem in planned.problems],
        conversions=[conversion.as_json() for conversion in planned.conversions],
        target_pk=planned.target_pk,
    )


@contextmanager
def _workbook(batch: ImportBatch):
    """The stored file opened as a workbook (a local copy when the storage has no path)."""
    limits = {"max_rows": settings.CHIBO_IMPORT_MAX_ROWS, "max_bytes": settings.CHIBO_IMPORT_MAX_BYTES}
    try:
        path: Path | None = Path(batch.file.path)
    except NotImplementedError:
        path = None
    copy = None
    if path is None or not path.is_file():  # a storage that keeps no local file (the tests' in-memory one)
        # A folder of its own, the file under its stored name.
        copy = tempfile.TemporaryDirectory(prefix="chibo-import-")  # noqa: SIM115  (cleaned up below)
        path = Path(copy.name) / Path(batch.file.name).name
        with batch.file.open("rb") as source, path.open("wb") as out:
            for chunk in source.chunks():
                out.write(chunk)
    try:
        workbook = open_workbook(path, name=Path(batch.file_name).stem or None, **limits)
        try:
            yield workbook
        finally:
            workbook.close()
    finally:
        if copy is not None:
            copy.cleanup()


def _unexpected(exc: Exception) -> str:
    return _("The import stopped on an unexpected error (%(error)s); nothing was written.") % {
        "error": type(exc).__name__
    }


# --- the batch's row ----------------------------------------------------------------------------------------------


def set_fields(batch: ImportBatch, **values) -> None:
    values["worked_at"] = timezone.now()
    audit.update(ImportBatch.objects.filter(pk=batch.pk), **values)
    for name, value in values.items():
        setattr(batch, name, value)


def move(batch: ImportBatch, sources: Sequence[str], target: str, **values) -> bool:
    """Compare and set: the status moves only from one of ``sources`` (two requests cannot both move it)."""
    values["worked_at"] = timezone.now()
    moved = audit.update(ImportBatch.objects.filter(pk=batch.pk, status__in=sources), status=target, **values)
    if moved:
        for name, value in {"status": target, **values}.items():
            setattr(batch, name, value)
    return bool(moved)


def fail(batch: ImportBatch, message: str) -> str:
    set_fields(batch, status=Status.FAILED, error=message)
    return "failed"


def _failed(batch: ImportBatch, source: str, message: str) -> str:
    """``fail``, compared and set from the job's status: a batch recovered or moved on meanwhile keeps its own."""
    return "failed" if move(batch, (source,), Status.FAILED, error=message) else "skipped"
