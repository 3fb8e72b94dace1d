"""The monthly briefing pack of a committee (giao ban, issue 12 point 3): the page, the month's focus (staff with
manage rights on the committee), and the .docx in the party format. The page and the document read only; the
download is recorded as an access (on the saved briefing, else on the committee).

A cell has no briefing (404); supervisors and the inspection commission read the pack but may not write the focus
(403); outside the user's subtrees the committee is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.common.audit import record_access
from apps.common.scoping import today
from apps.common.views import verb
from apps.oversight.forms.briefing import BriefingForm
from apps.oversight.queries import briefing as queries
from apps.oversight.queries import thresholds as queries_thresholds
from apps.oversight.rules.periods import month_of
from apps.oversight.services import briefing as services
from apps.oversight.views.warnings import overseen

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE = "oversight/briefing/page.html"


def _committee(request, org_id: int):
    committee = overseen(request, org_id)
    if committee.is_cell:
        raise Http404
    return committee


def _month(month: str | None):
    if month is None:
        return month_of(today())
    found = queries.parse_month(month)
    if found is None:
        raise Http404
    return found


def _page(request, committee, month, form) -> dict:
    pack = queries.pack(request.user, committee, month, today=today())
    can_write = queries_thresholds.sets_thresholds(request.user, committee)
    if can_write and form is None:
        form = BriefingForm(initial={"focus": pack.focus, "held_on": pack.briefing.held_on if pack.briefing else None})
    return {"org": committee, "pack": pack, "can_write": can_write, "form": form}


@login_required
@require_GET
def briefing(request, org_id: int, month: str | None = None):
    committee = _committee(request, org_id)
    return render(request, TEMPLATE, _page(request, committee, _month(month), None))


@login_required
@require_POST
def briefing_focus(request, org_id: int, month: str):
    committee = _committee(request, org_id)
    day = _month(month)
    if not queries_thresholds.sets_thresholds(request.user, committee):
        raise PermissionDenied
    form = BriefingForm(request.POST)
    return verb(
        request,
        form,
        lambda data: services.briefing_focus_set(committee=committee, month=day, by=request.user, **data),
        done=_("The briefing's focus is saved."),
        then=reverse("oversight:briefing", args=[committee.pk, f"{day:%Y-%m}"]),
        template=TEMPLATE,
        context=lambda: {k: v for k, v in _page(request, committee, day, form).items() if k != "form"},
    )


@login_required
@require_GET
def briefing_docx(request, org_id: int, month: str):
    committee = _committee(request, org_id)
    pack = queries.pack(request.user, committee, _month(month), today=today())
    if not pack.ready:
        raise Http404
    content = services.briefing_document(pack, ancestors=queries.ancestors(committee))
    record_access(pack.briefing if pack.briefing is not None else committee)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="giao-ban-{pack.key}.docx"'
    response["Cache-Control"] = "private, no-store"
    return response
