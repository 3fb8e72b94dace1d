"""The export pages: the confirm page of a list's export (a GET changes nothing; the button POSTs), the progress
page of a large one (polled by htmx until the file is ready), the download and the list of one's own exports.

An export is its owner's alone: anybody else asking for it gets 404. The table itself is built by its provider as
the user may see it (apps.exports.rules.tables): a list or an object outside the user's scope is 404 too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.common.forms import ButtonForm
from apps.common.views import verb
from apps.exports.models import Export
from apps.exports.queries import exports as queries
from apps.exports.rules import xlsx
from apps.exports.rules.tables import Unavailable
from apps.exports.services import exports as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PARAMS, MAX_VALUE = 20, 200  # a list page's query string is short: anything longer is cut


def _params(request) -> dict[str, str]:
    return {key[:40]: value[:MAX_VALUE] for key, value in list(request.GET.items())[:MAX_PARAMS]}


def _export_or_404(request, export_id: int) -> Export:
    return get_object_or_404(queries.exports_for(request.user), pk=export_id)


def _after(export: Export) -> str:
    """A table written at once downloads (the browser stays on the page); a large one shows its progress."""
    if export.status == Export.Status.DONE:
        return reverse("exports:download", args=[export.pk])
    return reverse("exports:detail", args=[export.pk])


@login_required
@require_http_methods(["GET", "POST"])
def start(request, table: str):
    params = _params(request)
    try:
        prepared = queries.table_for(request.user, table, params)
    except Unavailable:
        raise Http404 from None
    return verb(
        request,
        ButtonForm(request.POST if request.method == "POST" else None),
        lambda _data: services.export_start(user=request.user, name=table, params=params, table=prepared),
        done=None,  # a small table downloads at once; a large one's page shows where it is
        then=_after,
        template="exports/exports/start.html",
        context=lambda: {"table": prepared, "inline": services.runs_inline(prepared), "back": _back(request)},
    )


def _back(request) -> str:
    """The list page the export was asked from (same site only), for the confirm page's "back" link."""
    referer = request.headers.get("Referer", "")
    host = request.get_host()
    for scheme in ("http://", "https://"):
        prefix = f"{scheme}{host}/"
        if referer.startswith(prefix):
            return "/" + referer.removeprefix(prefix)
    return ""


@login_required
@require_GET
def detail(request, export_id: int):
    export = _export_or_404(request, export_id)
    template = "exports/exports/detail.html#progress" if request.htmx else "exports/exports/detail.html"
    return render(request, template, {"export": export})


@login_required
@require_GET
def download(request, export_id: int):
    export = _export_or_404(request, export_id)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    services.export_downloaded(export)  # every download of the file is an "access" entry
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=_file_name(export), content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


def _file_name(export: Export) -> str:
    return f"{xlsx.file_stem(export.title, timezone.localdate(export.created_at))}.xlsx"


@login_required
@require_GET
def export_list(request):
    return render(request, "exports/exports/list.html", {"exports": queries.recent(request.user)})
