"""The import pipeline's requests (docs/decisions/0012-imports.md): upload, choose the columns, commit, cancel,
undo. Each checks the right the kind needs on the batch's organisation and the batch's status, moves the status
(compare and set: two requests cannot both move it) and queues the next job once the transaction commits. The jobs
themselves (analyse, preview, commit, undo) are in services/jobs.py, re-exported here; what a commit changed and
how it is reversed in services/changes.py."""

from __future__ import annotations

import hashlib
import os
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common import rules as common_rules
from apps.common.text import nfc
from apps.imports import permissions, tasks
from apps.imports.models import ImportBatch, ImportMapping, ImportRow, Kind
from apps.imports.queries import batches as queries
from apps.imports.rules import mapping as rules_mapping
from apps.imports.services.jobs import batch_analyse, batch_commit, batch_preview, batch_undo, move
from apps.orgs.models import Organization

# The jobs, beside the requests that queue them.
__all__ = ["batch_analyse", "batch_commit", "batch_preview", "batch_undo"]

Status = ImportBatch.Status
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHANGEABLE = (Status.MAPPING, Status.PREVIEWED, Status.FAILED)  # the mapping may be chosen (again)


# --- the requests -----------------------------------------------------------------------------------------------


def batch_upload(*, user, organization: Organization, kind: str, uploaded_file, year: int | None = None) -> ImportBatch:
    """Store the file and queue its analysis. Checks the right the kind needs on ``organization``, the file's size
    and that its first bytes are those of a spreadsheet (the analysis reads it whole and may still refuse it)."""
    if kind not in Kind.values:
        raise ValidationError(_("Choose what the file holds."))
    if not permissions.import_into(user, organization, kind):
        raise PermissionDenied
    if kind != Kind.TREE and organization.kind == Organization.Kind.PARTY_GROUP:
        raise ValidationError(_("Members and attendance go into a cell or a committee, not a party group."))
    if kind == Kind.ATTENDANCE and not (year and common_rules.FIRST_YEAR <= year <= timezone.localdate().year):
        raise ValidationError(_("Enter the year the attendance register covers."))
    limit = settings.CHIBO_IMPORT_MAX_BYTES
    if not uploaded_file.size:
        raise ValidationError(_("The file is empty."))
    if uploaded_file.size > limit:
        raise ValidationError(_("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)})
    uploaded_file.seek(0)
    extension = sniff(uploaded_file.read(4096))
    if extension is None:
        raise ValidationError(_("This file is not a spreadsheet: upload an Excel file (.xlsx, .xls) or a .csv file."))
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic():
        batch = ImportBatch(
            organization=organization,
            kind=kind,
            year=year if kind == Kind.ATTENDANCE else None,
            uploaded_by=user,
            file_name=nfc(os.path.basename(uploaded_file.name or ""))[:255] or "file",
            sha256=digest.hexdigest(),
            size=uploaded_file.size,
        )
        batch.file.save(f"{secrets.token_hex(8)}.{extension}", uploaded_file, save=False)
        batch.save()
        transaction.on_commit(partial(_enqueue, "analyse_batch", batch.pk), robust=True)
    return batch


def sniff(head: bytes) -> str | None:
    """The file's type by its first bytes: a zip (.xlsx), an OLE2 compound file (.xls), or text without NUL bytes
    (.csv); None for anything else (a PDF, a picture, a program)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 (NUL bytes in every other place)
        return "csv"
    if not head or b"\x00" in head or head.startswith((b"%PDF", b"MZ", b"\x7fELF", b"\x89PNG", b"\xff\xd8\xff")):
        return None
    return "csv"


def batch_set_mapping(*, batch: ImportBatch, user, mapping: dict[str, int], options: dict[str, Any]) -> None:
    """Save the columns chosen (on the batch, and as the organisation's mapping for files with these headers) and
    queue the preview."""
    _require(user, batch)
    if batch.status not in CHANGEABLE or not batch.sheets:
        raise ValidationError(_("The columns of this import can no longer be changed."))
    mapping = _clean_mapping(batch, mapping)
    options = _clean_options(batch, user, options)
    with transaction.atomic():
        if not move(batch, CHANGEABLE, Status.PREVIEWING, mapping=mapping, options=options, error="", rows_done=0):
            raise ValidationError(_("The columns of this import can no longer be changed."))
        ImportMapping.objects.update_or_create(
            organization=batch.organization,
            kind=batch.kind,
            signature=batch.sheets[0].get("signature", ""),
            defaults={"mapping": mapping, "saved_by": user},
        )
        transaction.on_commit(partial(_enqueue, "preview_batch", batch.pk, user.pk), robust=True)


def _clean_mapping(batch: ImportBatch, mapping: dict[str, int]) -> dict[str, int]:
    fields = {field.name: field for field in rules_mapping.FIELDS.get(batch.kind, [])}
    indexes = {int(index) for sheet in batch.sheets for index, _label in sheet.get("columns", [])}
    cleaned = {name: int(index) for name, index in (mapping or {}).items() if index is not None and index != ""}
    unknown = [name for name, index in cleaned.items() if name not in fields or index not in indexes]
    if unknown:
        raise ValidationError(_("The file has no such column."))
    if len(set(cleaned.values())) < len(cleaned):
        raise ValidationError(_("A column of the file is chosen for two fields."))
    missing = rules_mapping.missing_fields(batch.kind, cleaned)
    if missing:
        raise ValidationError(_("Choose the column of “%(field)s”.") % {"field": missing[0].label_vi})
    return cleaned


def _clean_options(batch: ImportBatch, user, options: dict[str, Any]) -> dict[str, Any]:
    options = dict(options or {})
    cell_id = options.get("cell_id")
    if cell_id:
        cells = Organization.objects.visible_to(user, queries.action_for(batch.kind)).filter(
            pk=cell_id, kind=Organization.Kind.CELL, path__startswith=batch.organization.path
        )
        if not cells.exists():
            raise ValidationError(_("Choose a cell of this organisation."))
        options["cell_id"] = int(cell_id)
    else:
        options["cell_id"] = None
    options["sheet_per_cell"] = bool(options.get("sheet_per_cell"))
    return options


def batch_commit_request(*, batch: ImportBatch, user) -> None:
    """Queue the commit of a previewed import."""
    _require(user, batch)
    with transaction.atomic():
        if not move(batch, (Status.PREVIEWED,), Status.COMMITTING, error=""):
            raise ValidationError(_("This import is not ready to be committed."))
        transaction.on_commit(partial(_enqueue, "commit_batch", batch.pk, user.pk), robust=True)


def batch_cancel(*, batch: ImportBatch, user) -> None:
    _require(user, batch)
    if not move(batch, (Status.UPLOADED, *CHANGEABLE), Status.CANCELLED):
        raise ValidationError(_("This import can no longer be cancelled."))


def batch_undo_request(*, batch: ImportBatch, user) -> None:
    """Queue the undo of a committed import, or refuse at once with the list of what was touched since (the job
    checks again, inside the transaction that takes the records back)."""
    _require(user, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("organization").get(pk=batch.pk)
        if locked.status != Status.COMMITTED:
            raise ValidationError(_("Only an import that was committed can be undone."))
        blockers = queries.undo_blockers(locked)
        if blockers:
            raise ValidationError([_("The import cannot be undone: its records were used since."), *blockers])
        move(batch, (Status.COMMITTED,), Status.UNDOING, error="")
        transaction.on_commit(partial(_enqueue, "undo_batch", batch.pk, user.pk), robust=True)


# Where a stalled batch goes back to: what its lost job left is rolled back or harmless (a commit and an undo run in
# one transaction; a preview's rows are replaced by the next preview), and from there its page offers what to do.
RECOVERED = {
    Status.UPLOADED: Status.FAILED,  # the file could not be read: upload it again
    Status.ANALYSING: Status.FAILED,
    Status.PREVIEWING: Status.FAILED,  # choose the columns again: the preview runs anew
    Status.COMMITTING: Status.PREVIEWED,  # import again
    Status.UNDOING: Status.COMMITTED,  # undo again
}


def batch_recover(*, batch: ImportBatch, user) -> None:
    """A batch whose job was lost (the worker stopped mid-way, ``ImportBatch.stalled``) gets a status someone can act
    on, with what happened written on it. Refused while the job may still be working."""
    _require(user, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        if not locked.stalled:
            raise ValidationError(_("This import is still being worked on; wait for it."))
        message = _("The background work on this import was interrupted; nothing of it was written.")
        if locked.status == Status.PREVIEWING:
            ImportRow.objects.filter(batch=locked).delete()
        move(batch, (locked.status,), RECOVERED[Status(locked.status)], error=message)


def batch_downloaded(*, batch: ImportBatch) -> None:
    """The original file was opened: an "access" entry each time (who, when, from where)."""
    audit.record_access(batch)


def _require(user, batch: ImportBatch) -> None:
    if not permissions.import_into(user, batch.organization, batch.kind):
        raise PermissionDenied


def _enqueue(name: str, *args: int) -> None:
    getattr(tasks, name).enqueue(*args)  # through the module: the task module imports this one
