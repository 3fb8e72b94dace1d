"""Targets (chỉ tiêu) of a resolution: the list with the latest actual, share and outcome and the roll-up
"n exceeded, m met, k missed"; adding and editing targets; recording actuals; the roll-up per organisation.

Who: those who manage the resolution's organisation change targets and record actuals; everyone who sees the
resolution reads (a plain member: their own cell's). Another cell's resolution is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb, year_param
from apps.orgs.queries.tree import organizations_for
from apps.resolutions.forms.targets import ActualForm, TargetForm
from apps.resolutions.models import Resolution, Target
from apps.resolutions.queries import follow as queries_follow
from apps.resolutions.queries import targets as queries_targets
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import targets as services_targets

FORM_PAGE = "resolutions/targets/form.html"


def _target(request, target_id: int, action: str = VIEW) -> Target:
    return get_object_or_404(queries_targets.targets_for(request.user, action), pk=target_id)


def _editable(resolution: Resolution) -> bool:
    return resolution.status in services_targets.EDITABLE


def _target_action(request, target: Target, form, action, *, done: str, title: str):
    """A verb on one target (targets/form.html); back to the target's page when it is done."""
    return verb(
        request,
        form,
        action,
        done=done,
        then=reverse("resolutions:target", args=[target.pk]),
        template=FORM_PAGE,
        context={"resolution": target.resolution, "target": target, "title": title},
    )


@login_required
def targets(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, VIEW), pk=resolution_id)
    rows, rollup = queries_targets.resolution_targets(request.user, resolution)
    can_manage = request.user.has_perm("resolutions.manage", resolution)
    context = {
        "resolution": resolution,
        "rows": rows,
        "rollup": rollup,
        "can_manage": can_manage,
        "can_add": can_manage and _editable(resolution),
        "versions": queries_follow.versions_of(request.user, resolution),
    }
    return render(request, "resolutions/targets/list.html", context)


def _initial_period(resolution: Resolution) -> dict:
    today = timezone.localdate()
    return {
        "period_start": resolution.period_start or today,
        "period_end": resolution.period_end or today.replace(month=12, day=31),
    }


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    form = TargetForm(request.POST or None, initial=_initial_period(resolution))
    return verb(
        request,
        form,
        lambda data: services_targets.target_create(resolution=resolution, **data),
        done=_("Target added."),
        then=reverse("resolutions:targets", args=[resolution.pk]),
        template=FORM_PAGE,
        context={"resolution": resolution, "title": _("Add a target")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, target_id: int):
    target = _target(request, target_id, MANAGE)
    initial = {f: getattr(target, f) for f in ("title", "unit", "value", "direction", "period_start", "period_end")}
    form = TargetForm(request.POST or None, initial=initial)
    return _target_action(
        request,
        target,
        form,
        lambda data: services_targets.target_update(target=target, **data),
        done=_("Changes saved."),
        title=_("Edit the target"),
    )


@login_required
def target(request, target_id: int):
    target = _target(request, target_id)
    can_manage = request.user.has_perm("resolutions.manage", target)
    context = {
        "target": target,
        "resolution": target.resolution,
        "row": queries_targets.row_of(target),
        "actuals": queries_targets.actuals_of(target),
        "can_manage": can_manage,
        "can_edit": can_manage and _editable(target.resolution),
        "form": ActualForm(initial={"on": timezone.localdate()}) if can_manage else None,
    }
    return render(request, "resolutions/targets/target.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_actual_add(request, target_id: int):
    target = _target(request, target_id, MANAGE)
    form = ActualForm(request.POST or None, initial={"on": timezone.localdate()})
    return _target_action(
        request,
        target,
        form,
        lambda data: services_targets.target_actual_record(target=target, by=request.user, **data),
        done=_("Value recorded."),
        title=_("Record a value"),
    )


@login_required
def org_targets(request, org_id: int):
    organization = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    year = year_param(request)
    page = queries_targets.org_targets(request.user, organization, year=year)
    context = {"organization": organization, "page": page, "year": year, "years": (year - 1, year + 1)}
    return render(request, "resolutions/targets/org.html", context)
