"""The verbs on a batch: choose the columns (then the preview runs), import the previewed rows, undo an import,
cancel one before it is imported, recover one whose job was lost. Each is refused (404) to a role that only reads:
the batch is looked up with the right its kind needs (a tree's: the right to restructure). The services
decide whether the batch's status allows the verb and say why not in Vietnamese (docs/decisions/0012)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import ButtonForm
from apps.common.scoping import MANAGE
from apps.common.views import verb
from apps.imports.forms.batches import MappingForm
from apps.imports.models import ImportBatch
from apps.imports.queries import batches as queries
from apps.imports.services import batches as services
from apps.imports.views.batches import batch_or_404, field_labels


def changeable_or_404(request, batch_id: int) -> ImportBatch:
    """The batch with the right its kind needs (a tree's: restructure); 404 for a role that only reads it."""
    return batch_or_404(request, batch_id, MANAGE)


def _detail(batch: ImportBatch) -> str:
    return reverse("imports:detail", args=[batch.pk])


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, batch_id: int):
    """Which column holds each field. Shown again from the preview ("change the mapping"); saving runs the preview
    anew and keeps the mapping for the next file with the same headers."""
    batch = changeable_or_404(request, batch_id)
    form = MappingForm(request.POST or None, batch=batch, user=request.user)
    return verb(
        request,
        form,
        lambda data: services.batch_set_mapping(
            batch=batch,
            user=request.user,
            mapping=data["mapping"],
            options=data["options"],
        ),
        done=_("Columns saved; the rows are being checked."),
        then=_detail(batch),
        template="imports/batches/mapping.html",
        context=lambda: {
            "batch": batch,
            "open": batch.status in services.CHANGEABLE and bool(batch.sheets),
            "labels": field_labels(batch.kind),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commit(request, batch_id: int):
    """The confirmation, then the import itself (a job: the batch's page follows it)."""
    batch = changeable_or_404(request, batch_id)
    return verb(
        request,
        ButtonForm(request.POST if request.method == "POST" else None),
        lambda _data: services.batch_commit_request(batch=batch, user=request.user),
        done=_("The rows are being imported."),
        then=_detail(batch),
        template="imports/batches/commit.html",
        context=lambda: {
            "batch": batch,
            "open": batch.status == ImportBatch.Status.PREVIEWED and bool(_writes(batch)),
            "nothing": batch.status == ImportBatch.Status.PREVIEWED and not _writes(batch),
        },
    )


def _writes(batch: ImportBatch) -> int:
    """How many rows the commit would write (created or updated records)."""
    counts = batch.counts or {}
    return int(counts.get("create", 0)) + int(counts.get("update", 0))


@login_required
@require_http_methods(["GET", "POST"])
def undo(request, batch_id: int):
    """What undoing would take back, or what stands in the way (records changed since the import), then the undo
    (a job: the batch's page follows it)."""
    batch = changeable_or_404(request, batch_id)
    committed = batch.status == ImportBatch.Status.COMMITTED
    return verb(
        request,
        ButtonForm(request.POST if request.method == "POST" else None),
        lambda _data: services.batch_undo_request(batch=batch, user=request.user),
        done=_("The import is being undone."),
        then=_detail(batch),
        template="imports/batches/undo.html",
        context=lambda: {
            "batch": batch,
            "open": committed,
            "blockers": queries.undo_blockers(batch) if committed else [],
        },
    )


def _button(request, batch_id: int, service, done: str):
    """A one-button verb posted from the batch's page: the service's refusal shown there, else ``done``."""
    batch = changeable_or_404(request, batch_id)
    url = _detail(batch)
    return verb(
        request,
        ButtonForm(request.POST),
        lambda _data: service(batch=batch, user=request.user),
        done=done,
        then=url,
        back=url,
    )


@login_required
@require_POST
def cancel(request, batch_id: int):
    return _button(request, batch_id, services.batch_cancel, _("The import was cancelled; nothing was written."))


@login_required
@require_POST
def recover(request, batch_id: int):
    """A batch whose background job was lost gets back a status someone can act on (its page says what)."""
    return _button(
        request, batch_id, services.batch_recover, _("The interrupted work was stopped; nothing of it was written.")
    )
