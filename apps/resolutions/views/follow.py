"""Follow-up beyond the cell: committee resolutions and directives flowing down to cells, the cells' follow-ups,
residents' feedback and amendments (inspections and their remedies are views/inspections.py).

Who: a committee's staff and administrators ("restructure" on its subtree) issue committee resolutions and assign
their tasks to cells; a cell's leaders follow up what they were given and record residents' feedback; inspectors
and supervisors read; a plain member reads their cell's directives and feedback. Every lookup is scoped: what a
person may not see, or may not change, is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW
from apps.common.views import verb
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for
from apps.resolutions.forms.follow import (
    AmendForm,
    CommitteeResolutionForm,
    CommitteeTaskForm,
    FeedbackForm,
    FeedbackResponseForm,
    FollowUpForm,
)
from apps.resolutions.models import Resolution
from apps.resolutions.queries import follow as queries_follow
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import follow as services_follow

FORM_PAGE = "resolutions/follow/form.html"


def form_verb(request, form, action, *, done: str | None, then, title: str, back_url: str, back_label: str, intro=""):
    """A verb on the shared form page (its title, the way back and an intro): ``verb``."""
    page = {"title": title, "back_url": back_url, "back_label": back_label, "intro": intro}
    return verb(request, form, action, done=done, then=then, template=FORM_PAGE, context=page)


def _committee(request, org_id: int, action: str, perm: str) -> Organization:
    """A committee, for those with ``perm`` on it (a plain member's view of a node is not a committee's view)."""
    committee = get_object_or_404(organizations_for(request.user, action), pk=org_id)
    if committee.kind != Organization.Kind.COMMITTEE or not request.user.has_perm(perm, committee):
        raise Http404
    return committee


def _committee_resolution(request, resolution_id: int, action: str = VIEW) -> Resolution:
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, action), pk=resolution_id)
    if resolution.kind not in Resolution.COMMITTEE_KINDS:
        raise Http404
    return resolution


# ---------------------------------------------------------------------------------------------- committee resolutions


@login_required
def committee_resolutions(request, org_id: int):
    committee = _committee(request, org_id, VIEW, "resolutions.view_committee")
    context = {
        "committee": committee,
        "resolutions": queries_follow.committee_resolutions_of(request.user, committee),
    }
    return render(request, "resolutions/follow/committee_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_new(request, org_id: int):
    committee = _committee(request, org_id, RESTRUCTURE, "resolutions.issue")
    form = CommitteeResolutionForm(request.POST or None, initial={"adopted_on": timezone.localdate()})
    return form_verb(
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
    resolution = _committee_resolution(request, resolution_id)
    context = {
        "resolution": resolution,
        "completion": queries_follow.committee_resolution_completion(request.user, resolution),
        "can_assign": request.user.has_perm("resolutions.issue", resolution.organization)
        and resolution.status != Resolution.Status.AMENDED,
        "versions": queries_follow.versions_of(request.user, resolution),
    }
    return render(request, "resolutions/follow/committee_resolution.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_task_add(request, resolution_id: int):
    resolution = _committee_resolution(request, resolution_id, RESTRUCTURE)
    form = CommitteeTaskForm(
        request.POST or None,
        cells=queries_follow.cells_under(request.user, resolution.organization),
        initial={"deadline": resolution.period_end},
    )

    def assign(data):
        tasks = services_follow.committee_task_assign(resolution=resolution, **data)
        # The message counts the tasks made: known once the service has run.
        messages.success(request, _("Task assigned to %(count)d cell(s).") % {"count": len(tasks)})
        return tasks

    return form_verb(
        request,
        form,
        assign,
        done=None,
        then=reverse("resolutions:committee_resolution", args=[resolution.pk]),
        title=_("Assign a task to cells"),
        back_url=reverse("resolutions:committee_resolution", args=[resolution.pk]),
        back_label=resolution.title,
    )


@login_required
def cell_directives(request, cell_id: int):
    cell = get_object_or_404(organizations_for(request.user, VIEW), pk=cell_id)
    if not cell.is_cell:
        raise Http404
    context = {
        "cell": cell,
        "rows": queries_follow.cell_directives(request.user, cell),
    }
    return render(request, "resolutions/follow/cell_directives.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, MANAGE), pk=task_id)
    if not request.user.has_perm("resolutions.follow_up_task", task):
        raise Http404
    cell = task.organization
    form = FollowUpForm(
        request.POST or None,
        members=queries_follow.lead_choices(cell),
        initial={"title": task.title, "deadline": task.deadline},
    )
    back = reverse("resolutions:cell_directives", args=[cell.pk])
    return form_verb(
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


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, resolution_id: int):
    """The list, and the form to add an item (those who manage the resolution's organisation)."""
    action = MANAGE if request.method == "POST" else VIEW
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, action), pk=resolution_id)
    can_manage = request.user.has_perm("resolutions.manage", resolution)
    form = None
    if can_manage:
        form = FeedbackForm(
            request.POST or None, tasks=resolution.tasks.all(), initial={"received_on": timezone.localdate()}
        )
    return verb(
        request,
        form,
        lambda data: services_follow.feedback_add(resolution=resolution, by=request.user, **data),
        done=_("Feedback recorded."),
        then=reverse("resolutions:feedback", args=[resolution.pk]),
        template="resolutions/follow/feedback.html",
        context={
            "resolution": resolution,
            "items": queries_follow.feedback_of(request.user, resolution),
            "can_manage": can_manage,
            "can_amend": can_manage and resolution.status == Resolution.Status.ADOPTED,
            "versions": queries_follow.versions_of(request.user, resolution),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_respond(request, feedback_id: int):
    item = get_object_or_404(queries_follow.feedback_for(request.user, MANAGE), pk=feedback_id)
    form = FeedbackResponseForm(
        request.POST or None, initial={"response": item.response, "status": item.Status.ANSWERED}
    )
    back = reverse("resolutions:feedback", args=[item.resolution_id])
    return form_verb(
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


def _new_version_url(new: Resolution) -> str:
    """A committee's resolution goes back to its tasks; a cell's to its feedback page."""
    if new.kind in Resolution.COMMITTEE_KINDS:
        return reverse("resolutions:committee_resolution", args=[new.pk])
    return reverse("resolutions:feedback", args=[new.pk])


@login_required
@require_http_methods(["GET", "POST"])
def resolution_amend(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    form = AmendForm(
        request.POST or None,
        initial={"title": resolution.title, "summary": resolution.summary, "adopted_on": timezone.localdate()},
    )
    return form_verb(
        request,
        form,
        lambda data: services_follow.resolution_amend(
            resolution=resolution,
            reason=data["amendment_reason"],
            adopted_on=data["adopted_on"],
            title=data["title"],
            summary=data["summary"],
            by=request.user,
        ),
        done=_("Amendment recorded; the previous version is kept."),
        then=_new_version_url,
        title=_("Amend the resolution"),
        back_url=reverse("resolutions:feedback", args=[resolution.pk]),
        back_label=resolution.title,
        intro=_("A new version is recorded; the current one is kept as superseded, with its tasks and targets."),
    )
