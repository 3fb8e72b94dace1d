"""Follow-up beyond the cell: committee resolutions and directives flowing down to cells, the cells' follow-ups,
residents' feedback, amendments, inspections and their remedies.

Who: a committee's staff and administrators ("restructure" on its subtree) issue committee resolutions, assign
their tasks to cells, and record inspections; a cell's leaders follow up what they were given and record
residents' feedback; inspectors and supervisors read; a plain member reads their cell's directives and feedback.
Every lookup is scoped: what a person may not see, or may not change, is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, allows
from apps.common.views import verb
from apps.orgs.models import Organization
from apps.resolutions.forms.follow import (
    AmendForm,
    CommitteeResolutionForm,
    CommitteeTaskForm,
    ConclusionForm,
    FeedbackForm,
    FeedbackResponseForm,
    FollowUpForm,
    InspectionForm,
    RemedyForm,
)
from apps.resolutions.models import Inspection, Resolution
from apps.resolutions.queries import follow as queries_follow
from apps.resolutions.services import follow as services_follow

FORM_PAGE = "resolutions/follow/form.html"


def _form_context(*, title: str, back_url: str, back_label: str, intro: str = "") -> dict:
    return {"title": title, "back_url": back_url, "back_label": back_label, "intro": intro}


def _form_page(request, form, **page):
    return render(request, FORM_PAGE, {"form": form, **_form_context(**page)})


def _form_verb(request, form, action, *, done: str, then, **page):
    """A verb on the shared form page (its title, way back and intro in ``page``): ``verb``."""
    return verb(request, form, action, done=done, then=then, template=FORM_PAGE, context=_form_context(**page))


def _committee(request, org_id: int, action: str = VIEW) -> Organization:
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, action).filter(kind=Organization.Kind.COMMITTEE), pk=org_id
    )
    if not allows(request.user, action, org.path):  # a plain member's view of a node is not a committee's view
        raise Http404
    return org


# ---------------------------------------------------------------------------------------------- committee resolutions


@login_required
def committee_resolutions(request, org_id: int):
    committee = _committee(request, org_id)
    context = {
        "committee": committee,
        "resolutions": queries_follow.committee_resolutions_for(request.user, committee),
        "can_issue": allows(request.user, RESTRUCTURE, committee.path),
    }
    return render(request, "resolutions/follow/committee_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_new(request, org_id: int):
    committee = _committee(request, org_id, RESTRUCTURE)
    form = CommitteeResolutionForm(request.POST or None, initial={"adopted_on": timezone.localdate()})
    return _form_verb(
        request,
        form,
        lambda data: services_follow.committee_resolution_create(committee=committee, by=request.user, **data),
        done=_("Resolution issued. Now assign its tasks to cells."),
        then=lambda resolution: reverse("resolutions:committee_resolution", args=[resolution.pk]),
        title=_("New committee resolution or directive"),
        back_url=reverse("resolutions:committee_resolutions", args=[committee.pk]),
        back_label=committee.name,
    )


@login_required
def committee_resolution(request, resolution_id: int):
    resolution = get_object_or_404(queries_follow.committee_resolution_detail(request.user, resolution_id))
    committee = resolution.organization
    context = {
        "resolution": resolution,
        "completion": queries_follow.committee_resolution_completion(request.user, resolution),
        "can_assign": allows(request.user, RESTRUCTURE, committee.path)
        and resolution.status != Resolution.Status.AMENDED,
        "can_manage": request.user.has_perm("resolutions.manage", resolution),
        "versions": queries_follow.versions_of(request.user, resolution),
    }
    return render(request, "resolutions/follow/committee_resolution.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_task_add(request, resolution_id: int):
    resolution = get_object_or_404(queries_follow.committee_resolution_detail(request.user, resolution_id, RESTRUCTURE))
    form = CommitteeTaskForm(
        request.POST or None,
        cells=queries_follow.cells_under(request.user, resolution.organization),
        initial={"deadline": resolution.period_end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            tasks = services_follow.committee_task_assign(resolution=resolution, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Task assigned to %(count)d cell(s).") % {"count": len(tasks)})
            return redirect("resolutions:committee_resolution", resolution.pk)
    return _form_page(
        request,
        form,
        title=_("Assign a task to cells"),
        back_url=reverse("resolutions:committee_resolution", args=[resolution.pk]),
        back_label=resolution.title,
    )


@login_required
def cell_directives(request, cell_id: int):
    cell = get_object_or_404(
        Organization.objects.visible_to(request.user, VIEW).filter(kind=Organization.Kind.CELL), pk=cell_id
    )
    context = {
        "cell": cell,
        "rows": queries_follow.cell_directives(request.user, cell),
        "can_follow": allows(request.user, MANAGE, cell.path),
    }
    return render(request, "resolutions/follow/cell_directives.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request, task_id: int):
    task = get_object_or_404(queries_follow.directive_for_follow_up(request.user, task_id, MANAGE))
    cell = task.organization
    form = FollowUpForm(
        request.POST or None,
        members=queries_follow.lead_choices(cell),
        initial={"title": task.title, "deadline": task.deadline},
    )
    back = reverse("resolutions:cell_directives", args=[cell.pk])
    return _form_verb(
        request,
        form,
        lambda data: services_follow.follow_up_create(parent=task, by=request.user, **data),
        done=_("Follow-up task created; the committee sees its progress."),
        then=back,
        title=_("Follow up: %(task)s") % {"task": task.title},
        back_url=back,
        back_label=cell.name,
        intro=_("From %(committee)s, due %(deadline)s.")
        % {"committee": task.resolution.organization.name, "deadline": task.deadline.strftime("%d/%m/%Y")},
    )


# ---------------------------------------------------------------------------------------------- feedback, amendments


def _resolution(request, resolution_id: int, action: str = VIEW) -> Resolution:
    return get_object_or_404(
        Resolution.objects.visible_to(request.user, action).select_related("organization"), pk=resolution_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, resolution_id: int):
    """The list, and the form to add an item (those who manage the resolution's organisation)."""
    resolution = _resolution(request, resolution_id, MANAGE if request.method == "POST" else VIEW)
    can_manage = request.user.has_perm("resolutions.manage", resolution)
    form = None
    if can_manage:
        form = FeedbackForm(
            request.POST or None, tasks=resolution.tasks.all(), initial={"received_on": timezone.localdate()}
        )
    if request.method == "POST" and form.is_valid():
        try:
            services_follow.feedback_add(resolution=resolution, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Feedback recorded."))
            return redirect("resolutions:feedback", resolution.pk)
    context = {
        "resolution": resolution,
        "items": queries_follow.feedback_for(request.user, resolution),
        "form": form,
        "can_manage": can_manage,
        "can_amend": can_manage and resolution.status == Resolution.Status.ADOPTED,
        "versions": queries_follow.versions_of(request.user, resolution),
    }
    return render(request, "resolutions/follow/feedback.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_respond(request, feedback_id: int):
    item = get_object_or_404(queries_follow.feedback_detail(request.user, feedback_id, MANAGE))
    form = FeedbackResponseForm(
        request.POST or None, initial={"response": item.response, "status": item.Status.ANSWERED}
    )
    back = reverse("resolutions:feedback", args=[item.resolution_id])
    return _form_verb(
        request,
        form,
        lambda data: services_follow.feedback_respond(feedback=item, **data),
        done=_("Response saved."),
        then=back,
        title=_("Respond to the feedback"),
        back_url=back,
        back_label=item.resolution.title,
        intro=item.content,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolution_amend(request, resolution_id: int):
    resolution = _resolution(request, resolution_id, MANAGE)
    form = AmendForm(
        request.POST or None,
        initial={"title": resolution.title, "summary": resolution.summary, "adopted_on": timezone.localdate()},
    )

    def amend(data):
        return services_follow.resolution_amend(
            resolution=resolution,
            reason=data["amendment_reason"],
            adopted_on=data["adopted_on"],
            title=data["title"],
            summary=data["summary"],
            by=request.user,
        )

    def new_version_url(new: Resolution) -> str:
        """A committee's resolution goes back to its tasks; a cell's to its feedback page."""
        if new.kind in services_follow.COMMITTEE_KINDS:
            return reverse("resolutions:committee_resolution", args=[new.pk])
        return reverse("resolutions:feedback", args=[new.pk])

    return _form_verb(
        request,
        form,
        amend,
        done=_("Amendment recorded; the previous version is kept."),
        then=new_version_url,
        title=_("Amend the resolution"),
        back_url=reverse("resolutions:feedback", args=[resolution.pk]),
        back_label=resolution.title,
        intro=_("A new version is recorded; the current one is kept as superseded, with its tasks and targets."),
    )


# ---------------------------------------------------------------------------------------------- inspections


@login_required
def inspections(request, org_id: int):
    organization = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
    if not request.user.has_perm("resolutions.view_inspections", organization):  # plain members do not
        raise Http404
    can_inspect = allows(request.user, RESTRUCTURE, organization.path)
    cells = []
    if can_inspect:
        cells = [organization] if organization.is_cell else list(queries_follow.cells_under(request.user, organization))
    context = {
        "organization": organization,
        "rows": queries_follow.inspections_for(request.user, organization),
        "cells": cells,
    }
    return render(request, "resolutions/follow/inspections.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request, org_id: int):
    cell = get_object_or_404(
        Organization.objects.visible_to(request.user, RESTRUCTURE).filter(kind=Organization.Kind.CELL), pk=org_id
    )
    if not request.user.has_perm("resolutions.inspect", cell):
        raise Http404
    form = InspectionForm(
        request.POST or None,
        resolutions=queries_follow.resolutions_of(request.user, cell),
        initial={"started_on": timezone.localdate()},
    )
    return _form_verb(
        request,
        form,
        lambda data: services_follow.inspection_create(organization=cell, by=request.user, **data),
        done=_("Inspection recorded."),
        then=lambda inspection: reverse("resolutions:inspection", args=[inspection.pk]),
        title=_("New inspection or supervision"),
        back_url=reverse("resolutions:inspections", args=[cell.pk]),
        back_label=cell.name,
    )


def _inspection_page(request, row, *, conclusion_form=None, remedy_form=None):
    inspection = row.inspection
    can_inspect = request.user.has_perm("resolutions.inspect", inspection.organization)
    if can_inspect:
        initial = {f: getattr(inspection, f) for f in ("findings", "conclusion", "ended_on")}
        conclusion_form = conclusion_form or ConclusionForm(initial=initial)
        remedy_form = remedy_form or RemedyForm()
    context = {
        "inspection": inspection,
        "row": row,
        "can_inspect": can_inspect,
        "conclusion_form": conclusion_form,
        "remedy_form": remedy_form,
    }
    return render(request, "resolutions/follow/inspection.html", context)


def _inspected(request, inspection_id: int):
    row = queries_follow.inspection_detail(request.user, inspection_id)
    if row is None:
        raise Http404
    return row


def _inspecting(request, inspection_id: int) -> Inspection:
    """The inspection, for those who record inspections (the committee above); others: not found."""
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user, RESTRUCTURE).select_related("organization"), pk=inspection_id
    )
    if not request.user.has_perm("resolutions.inspect", inspection.organization):
        raise Http404
    return inspection


@login_required
def inspection(request, inspection_id: int):
    return _inspection_page(request, _inspected(request, inspection_id))


@login_required
@require_POST
def inspection_conclude(request, inspection_id: int):
    inspection = _inspecting(request, inspection_id)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services_follow.inspection_conclude(inspection=inspection, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Findings and conclusion saved."))
            return redirect("resolutions:inspection", inspection.pk)
    return _inspection_page(request, _inspected(request, inspection_id), conclusion_form=form)


@login_required
@require_POST
def inspection_remedy_add(request, inspection_id: int):
    inspection = _inspecting(request, inspection_id)
    form = RemedyForm(request.POST)
    if form.is_valid():
        try:
            services_follow.inspection_remedy_add(inspection=inspection, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Remedy required; the cell follows it up."))
            return redirect("resolutions:inspection", inspection.pk)
    return _inspection_page(request, _inspected(request, inspection_id), remedy_form=form)
