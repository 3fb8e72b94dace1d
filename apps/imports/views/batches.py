"""The imports' pages: the history of a committee's imports, the upload, a batch's page (its progress while a job
runs, polled by htmx; its mapping, its preview, what it imported) and its original file (docs/decisions/0012).

A batch is found only through ``queries.batch_for(user, pk, action)``: outside the user's subtree it is 404, and a
member sees no import at all. The roles that only read (a supervisor, the inspection commission) see the history
and the pages without any button; the verbs' own views refuse them (apps/imports/views/steps.py).
"""

from __future__ import annotations

import mimetypes
import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.common.scoping import MANAGE, ROLE_ACTIONS, VIEW, grants_for
from apps.common.views import paginate, verb
from apps.imports.forms.batches import MappingForm, UploadForm
from apps.imports.models import ImportBatch, ImportRow, Kind
from apps.imports.queries import batches as queries
from apps.imports.rules import mapping as rules_mapping
from apps.imports.services import batches as services
from apps.meetings.queries.meeting import meetings_for
from apps.members.queries.member import members_for
from apps.orgs.queries.tree import organizations_for

ROWS_PER_PAGE = 50
# The values a preview row shows beside its fate, per kind (the rest are in the file).
SHOWN = {
    Kind.MEMBERS: ("full_name", "date_of_birth", "card_number", "cell"),
    Kind.TREE: ("code", "name", "kind", "parent_code"),
    Kind.ATTENDANCE: ("full_name", "card_number", "date_of_birth", "cell"),
}
ENCODINGS = {
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI",
    "nfd": gettext_lazy("Decomposed Unicode"),
    "spacing": gettext_lazy("Name tidied"),
}
# The fate filters of the preview: "problems" (every row with a problem, errors and warnings) comes first.
FILTERS = ("problems", "all", *ImportRow.Fate.values)
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")  # a date, or the day of a date and time
# The records a commit wrote, linked from the batch's page: their page and how each is looked up for the user.
LINKED = {
    "members.member": ("members:detail", members_for, "full_name"),
    "orgs.organization": ("orgs:detail", organizations_for, "name"),
    "meetings.meeting": ("meetings:detail", meetings_for, ""),  # its kind, cell and day
}
LINKS_SHOWN = 10


# -- who may do what (no query: the request's grants are loaded once) ---------------------------------------------
def sees_imports(user) -> bool:
    """A role that reads some subtree's records: a member (who reads only their own) sees no import."""
    return user.is_superuser or any(VIEW in ROLE_ACTIONS[g.role] for g in grants_for(user))


def may_import(user) -> bool:
    return user.is_superuser or any(MANAGE in ROLE_ACTIONS[g.role] for g in grants_for(user))


def may_change(user, batch: ImportBatch) -> bool:
    """Map, commit, cancel or undo this batch: the right its kind needs on its organisation."""
    return user.has_perm("imports.handle_batch", batch)


def batch_or_404(request, batch_id: int, action: str = VIEW) -> ImportBatch:
    if not sees_imports(request.user):
        raise Http404
    return queries.batch_for(request.user, batch_id, action=action)


# -- the pages --------------------------------------------------------------------------------------------------------
@login_required
@require_GET
def batch_list(request):
    if not sees_imports(request.user):
        raise Http404
    page = paginate(request, queries.batches_for(request.user))
    return render(request, "imports/batches/list.html", {"page": page, "can_import": may_import(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    if not may_import(request.user):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    return verb(
        request,
        form,
        lambda data: services.batch_upload(
            user=request.user,
            organization=data["organization"],
            kind=data["kind"],
            uploaded_file=data["file"],
            year=data["year"],
        ),
        done=_("The file was uploaded; it is being read."),
        then=lambda batch: reverse("imports:detail", args=[batch.pk]),
        template="imports/batches/upload.html",
        once=True,  # two taps on "Upload" bring the file in once
    )


@login_required
@require_GET
def detail(request, batch_id: int):
    batch = batch_or_404(request, batch_id)
    if request.htmx:
        response = render(request, "imports/batches/detail.html#progress", {"batch": batch})
        if not batch.busy or batch.stalled:
            # The job is done (or lost): the whole page shows what comes next (or the way to recover it).
            response["HX-Refresh"] = "true"
        return response
    can_change = may_change(request.user, batch)
    context = {
        "batch": batch,
        "can_change": can_change,
        "can_map": can_change and batch.status in services.CHANGEABLE and bool(batch.sheets),
        "can_cancel": can_change and batch.status in (ImportBatch.Status.UPLOADED, *services.CHANGEABLE),
        "labels": field_labels(batch.kind),
        "mapping_shown": mapping_shown(batch),
    }
    if batch.status == ImportBatch.Status.MAPPING and can_change:
        context["form"] = MappingForm(batch=batch, user=request.user)
    if batch.status in SHOWS_ROWS and batch.previewed_at:  # a file that failed before its preview has no rows
        context.update(rows_page(request, batch))
    if batch.status == ImportBatch.Status.COMMITTED:
        context["written"] = written_links(request.user, batch)
    return render(request, "imports/batches/detail.html", context)


SHOWS_ROWS = {
    ImportBatch.Status.PREVIEWED,
    ImportBatch.Status.COMMITTING,
    ImportBatch.Status.COMMITTED,
    ImportBatch.Status.UNDOING,
    ImportBatch.Status.UNDONE,
    ImportBatch.Status.CANCELLED,
    ImportBatch.Status.FAILED,
}


@login_required
@require_GET
def original_file(request, batch_id: int):
    """The file as it was uploaded: an access entry each time, like a member's profile."""
    batch = batch_or_404(request, batch_id)
    if not batch.file:
        raise Http404
    services.batch_downloaded(batch=batch)
    content_type = mimetypes.guess_type(batch.file_name)[0] or "application/octet-stream"
    response = FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=batch.file_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- what the batch's page shows ------------------------------------------------------------------------------------
def field_labels(kind: str) -> dict[str, str]:
    return {field.name: str(field.label_vi) for field in rules_mapping.FIELDS.get(kind, [])}


def mapping_shown(batch: ImportBatch) -> list[tuple[str, str]]:
    """The chosen mapping as (field, column's header) pairs, for everyone who reads the batch."""
    if not batch.mapping:
        return []
    headers: dict[int, str] = {}
    for sheet in batch.sheets or []:
        for index, label in sheet.get("columns") or []:
            headers.setdefault(int(index), str(label))
    labels = field_labels(batch.kind)
    return [
        (labels.get(name, name), headers.get(int(index), "")) for name, index in batch.mapping.items() if index != ""
    ]


def rows_page(request, batch: ImportBatch) -> dict:
    """The preview's rows, those with a problem first (the default filter), paginated; each with what it shows."""
    wanted = request.GET.get("fate", "")
    counts = batch.counts or {}
    if wanted not in FILTERS:
        wanted = "problems" if int(counts.get("refused", 0)) + int(counts.get("warnings", 0)) else "all"
    rows = queries.batch_rows(
        batch,
        fate=wanted if wanted in ImportRow.Fate.values else None,
        problems_only=wanted == "problems",
    )
    page = paginate(request, rows, ROWS_PER_PAGE)
    labels = field_labels(batch.kind)
    shown = [shown_row(row, batch.kind, labels) for row in page.object_list]
    return {
        "shows_rows": True,  # even when the filter leaves no row (an empty page object is falsy in a template)
        "page": page,
        "shown_rows": shown,
        "fate": wanted,
        "filters": [(f, FILTER_LABELS[f]) for f in FILTERS],
    }


FILTER_LABELS = {
    "problems": gettext_lazy("With problems"),
    "all": gettext_lazy("All rows"),
    **dict(ImportRow.Fate.choices),
}
MATCHED_BY = {
    "card_number": gettext_lazy("found by the party card number"),
    "national_id": gettext_lazy("found by the national ID"),
    "name_birth": gettext_lazy("found by the name and date of birth"),
    "name": gettext_lazy("found by the name"),
    "code": gettext_lazy("found by the code"),
}


def shown_row(row: ImportRow, kind: str, labels: dict[str, str]) -> dict:
    """A preview row as the page shows it: the values read, what it changes, how it found its record, what the
    converter repaired and its problems."""
    data = row.data or {}
    values = [(labels.get(name, name), _shown(data.get(name))) for name in SHOWN.get(kind, ()) if data.get(name)]
    if kind == Kind.ATTENDANCE and data.get("marks"):
        values.append((_("Months marked"), str(len(data["marks"]))))
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    return {
        "row": row,
        "values": values,
        "changes": [
            (labels.get(name, EXTRA_LABELS.get(name, name)), _shown(pair[0]), _shown(pair[1]))
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ],
        "matched_by": MATCHED_BY.get(data.get("matched_by", ""), ""),
        "conversions": [
            {
                **change,
                "field_label": labels.get(change.get("field", ""), ""),
                "encoding_label": ENCODINGS.get(change.get("encoding", ""), change.get("encoding", "")),
            }
            for change in row.conversions or []
        ],
    }


EXTRA_LABELS = {"status": gettext_lazy("Status")}


def _shown(value) -> str:
    """A stored value as the page shows it: dates dd/mm/yyyy, nothing as "—"."""
    if value in (None, ""):
        return "—"
    text = str(value)
    if match := ISO_DATE.match(text):
        return f"{match[3]}/{match[2]}/{match[1]}"
    return text


def written_links(user, batch: ImportBatch) -> list[dict]:
    """A few of the records the commit created or updated, linked to their pages (those the user may open)."""
    changes = list(batch.changes.filter(model__in=LINKED).order_by("pk")[:LINKS_SHOWN])
    found: dict[str, dict] = {}
    for model in {change.model for change in changes}:
        _url, lookup, _name = LINKED[model]
        found[model] = lookup(user).in_bulk([c.object_pk for c in changes if c.model == model])
    links = []
    for change in changes:
        url_name, _lookup, attribute = LINKED[change.model]
        record = found[change.model].get(change.object_pk)
        if record is not None:
            links.append(
                {
                    "url": reverse(url_name, args=[record.pk]),
                    "name": (getattr(record, attribute) if attribute else "") or str(record),
                    "action": change.get_action_display(),
                }
            )
    return links
