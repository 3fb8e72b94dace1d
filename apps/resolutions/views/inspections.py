"""Inspections and supervision of a cell's implementation, with their findings, conclusion and required remedies
(which the cell follows up like a directive: views/follow.py).

Who: the committee above (staff, administrators: "restructure" on the subtree) and the inspection commission (its
role over the cell) record inspections (``resolutions.inspect``); the roles that read an organisation's records read
its inspections; a plain member does not. What a person may not see, or may not change, is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.scoping import VIEW
from apps.common.views import verb
from apps.orgs.queries.tree import organizations_for
from apps.resolutions.forms.inspections import ConclusionForm, InspectionForm, RemedyForm
from apps.resolutions.models import Inspection
from apps.resolutions.queries import inspections as queries_inspections
from apps.resolutions.services import inspections as services_inspections
from apps.resolutions.views.follow import form_verb

INSPECTION_PAGE = "resolutions/inspections/inspection.html"


def _inspecting(request, inspection_id: int) -> Inspection:
    """The inspection, for those who record inspections (the committee above, the inspection commission); others:
    not found."""
    inspection = get_object_or_404(queries_inspections.inspections_for(request.user, VIEW), pk=inspection_id)
    if not request.user.has_perm("resolutions.inspect", inspection.organization):
        raise Http404
    return inspection


def _inspection_page(request, inspection: Inspection, *, conclusion_form=None, remedy_form=None) -> dict:
    """The inspection page's context: the inspection with its remedies, and for the inspectors their two forms."""
    can_inspect = request.user.has_perm("resolutions.inspect", inspection.organization)
    if can_inspect:
        initial = {f: getattr(inspection, f) for f in ("findings", "conclusion", "ended_on")}
        conclusion_form = conclusion_form or ConclusionForm(initial=initial)
        remedy_form = remedy_form or RemedyForm()
    return {
        "inspection": inspection,
        "row": queries_inspections.inspection_row(request.user, inspection),
        "can_inspect": can_inspect,
        "conclusion_form": conclusion_form,
        "remedy_form": remedy_form,
    }


def _inspection_verb(request, inspection: Inspection, form, action, *, done: str, form_name: str):
    """A verb on the inspection page: back to it when saved, the page again with the form's errors when refused."""
    return verb(
        request,
        form,
        action,
        done=done,
        then=reverse("resolutions:inspection", args=[inspection.pk]),
        template=INSPECTION_PAGE,
        context=lambda: _inspection_page(request, inspection, **{form_name: form}),
    )


@login_required
def inspections(request, org_id: int):
    organization = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if not request.user.has_perm("resolutions.view_inspections", organization):  # plain members do not
        raise Http404
    cells = []
    if request.user.has_perm("resolutions.inspect", organization):
        cells = queries_inspections.inspectable_cells(request.user, organization)
    context = {
        "organization": organization,
        "rows": queries_inspections.inspection_rows(request.user, organization),
        "cells": cells,
    }
    return render(request, "resolutions/inspections/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request, org_id: int):
    cell = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if not cell.is_cell or not request.user.has_perm("resolutions.inspect", cell):
        raise Http404
    form = InspectionForm(
        request.POST or None,
        resolutions=queries_inspections.resolutions_of(request.user, cell),
        initial={"started_on": timezone.localdate()},
    )
    return form_verb(
        request,
        form,
        lambda data: services_inspections.inspection_create(organization=cell, by=request.user, **data),
        done=_("Inspection recorded."),
        then=lambda inspection: reverse("resolutions:inspection", args=[inspection.pk]),
        title=_("New inspection or supervision"),
        back_url=reverse("resolutions:inspections", args=[cell.pk]),
        back_label=cell.name,
    )


@login_required
def inspection(request, inspection_id: int):
    inspection = get_object_or_404(queries_inspections.inspections_for(request.user, VIEW), pk=inspection_id)
    return render(request, INSPECTION_PAGE, _inspection_page(request, inspection))


@login_required
@require_POST
def inspection_conclude(request, inspection_id: int):
    inspection = _inspecting(request, inspection_id)
    return _inspection_verb(
        request,
        inspection,
        ConclusionForm(request.POST),
        lambda data: services_inspections.inspection_conclude(inspection=inspection, **data),
        done=_("Findings and conclusion saved."),
        form_name="conclusion_form",
    )


@login_required
@require_POST
def inspection_remedy_add(request, inspection_id: int):
    inspection = _inspecting(request, inspection_id)
    return _inspection_verb(
        request,
        inspection,
        RemedyForm(request.POST),
        lambda data: services_inspections.inspection_remedy_add(inspection=inspection, by=request.user, **data),
        done=_("Remedy required; the cell follows it up."),
        form_name="remedy_form",
    )
