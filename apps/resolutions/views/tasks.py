"""A meeting's resolution and its tasks: drafted and adopted by the cell's leaders, reviewed at the next meeting,
listed for the members who carry them out (my tasks) and for those who oversee them (overdue tasks). A task's own
page and its follow-up (progress, done, dropped, the review's outcome) are views/progress.py.

Who: those who manage the cell (secretary, board, committee staff) edit the resolution, its tasks and the review;
supervisors and inspectors read; a plain member reads their cell's resolutions. Another cell's records are not
found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import ButtonForm
from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import paginate, verb
from apps.meetings.models import Meeting
from apps.meetings.queries.meeting import meetings_for
from apps.resolutions.forms.progress import ReviewForm
from apps.resolutions.forms.tasks import ResolutionForm, TaskForm
from apps.resolutions.models import Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import loop
from apps.resolutions.services import tasks as services_tasks

TASK_FORM = "resolutions/tasks/task_form.html"


def _resolution_url(resolution_id: int, anchor: str = "") -> str:
    return reverse("resolutions:resolution", args=[resolution_id]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------- resolution


@login_required
@require_http_methods(["GET", "POST"])
def meeting_resolution(request, meeting_id: int):
    """The resolution of a meeting. Until it is drafted, the cell's leaders see a button that drafts it (a POST:
    opening the page changes nothing)."""
    meeting = get_object_or_404(meetings_for(request.user, VIEW), pk=meeting_id)
    if meeting.kind == Meeting.Kind.BOARD:
        raise Http404
    resolution = queries_tasks.meeting_resolution_for(request.user, meeting)
    if resolution is not None:
        return redirect(_resolution_url(resolution.pk))
    can_draft = request.user.has_perm("meetings.manage_meeting", meeting)
    if request.method == "POST" and not can_draft:
        raise PermissionDenied
    return verb(
        request,
        ButtonForm(request.POST if request.method == "POST" else None),
        lambda _data: services_tasks.resolution_for_meeting(meeting=meeting, by=request.user),
        done=_("Draft resolution started."),
        then=lambda drafted: _resolution_url(drafted.pk),
        template="resolutions/tasks/no_resolution.html",
        context={"meeting": meeting, "can_draft": can_draft},
    )


@login_required
def resolution(request, resolution_id: int):
    # Queries: session, user, grants, the resolution with its cell, meeting and vote; the tasks under review and
    # their helpers; this resolution's tasks and their helpers; the meeting's closed vote on the resolution.
    return render(request, RESOLUTION_PAGE, resolution_page(request, resolution_id))


RESOLUTION_PAGE = "resolutions/tasks/resolution.html"


def resolution_page(request, resolution_id: int, *, form=None, review: dict | None = None) -> dict:
    """The resolution page's context, read afresh; after a refused form on it, that form (``form``: the content's,
    bound; ``review``: what was typed into a task's review, with its errors), so the page shows it again where it was
    with what was typed (a redirect with the errors as messages lost the text and put the error off-screen)."""
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, VIEW), pk=resolution_id)
    can_manage = request.user.has_perm("resolutions.manage", resolution)
    context = {
        **queries_tasks.resolution_page(resolution, today=today()),
        "can_manage": can_manage,
        "decisions": ReviewForm.base_fields["decision"].choices,
        "form": None,
        "review_refused": review or {},
    }
    if can_manage and context["is_draft"]:
        context["form"] = form or ResolutionForm(instance=resolution)
    return context


@login_required
@require_POST
def resolution_edit(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    form = ResolutionForm(request.POST, instance=resolution)
    return verb(
        request,
        form,
        lambda data: services_tasks.resolution_update(resolution=resolution, **data),
        done=_("Changes saved."),
        then=_resolution_url(resolution.pk),
        template=RESOLUTION_PAGE,
        context=lambda: resolution_page(request, resolution.pk, form=form),
    )


@login_required
@require_POST
def resolution_adopt(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    return verb(
        request,
        ButtonForm(request.POST),
        lambda _data: services_tasks.resolution_adopt(resolution=resolution, by=request.user),
        done=_("Resolution adopted. The next meeting's agenda and draft resolution now review its tasks."),
        then=_resolution_url(resolution.pk),
    )


@login_required
@require_POST
def resolution_refresh_loop(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    if resolution.meeting_id is None:
        raise Http404

    def refresh(_data):
        result = loop.loop_refresh(resolution.meeting, by=request.user)
        messages.success(  # the message says how many items were added: known once the service has run
            request,
            _("Last month's results updated in the draft resolution; %(count)s review item(s) added to the agenda.")
            % {"count": result.items_added},
        )
        return result

    return verb(request, ButtonForm(request.POST), refresh, done=None, then=_resolution_url(resolution.pk, "review"))


# ---------------------------------------------------------------------------------------------- tasks of the draft


def _task_verb(request, resolution: Resolution, action, *, initial: dict, task: Task | None = None):
    """Adding or editing a task of the draft (TASK_FORM): members suggested to lead it, near the residential group
    chosen on the page (``near``); back to the resolution's tasks when it is saved."""
    cell = resolution.organization
    near = request.GET.get("near", "")
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        leads=queries_tasks.suggest_leads(cell, near),
        members=queries_tasks.helper_choices(request.user, cell),
        meetings=queries_tasks.report_meeting_choices(resolution),
    )
    return verb(
        request,
        form,
        action,
        done=_("Changes saved.") if task else _("Task added."),
        then=_resolution_url(resolution.pk, "tasks"),
        template=TASK_FORM,
        context={
            "resolution": resolution,
            "task": task,
            "residences": queries_tasks.residences(cell),
            "near": near,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request, resolution_id: int):
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=resolution_id)
    following = queries_tasks.next_regular_meeting(resolution.meeting) if resolution.meeting_id else None
    return _task_verb(
        request,
        resolution,
        lambda data: services_tasks.task_add(resolution=resolution, **data),
        initial={"report_meeting": following.pk if following else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, MANAGE), pk=task_id)
    resolution = get_object_or_404(queries_tasks.resolutions_for(request.user, MANAGE), pk=task.resolution_id)
    initial = {
        "title": task.title,
        "description": task.description,
        "lead": task.lead_id,
        "lead_is_board": task.lead_is_board,
        "helpers": list(task.helpers.values_list("pk", flat=True)),
        "deadline": task.deadline,
        "report_meeting": task.report_meeting_id,
    }
    return _task_verb(
        request, resolution, lambda data: services_tasks.task_update(task=task, **data), initial=initial, task=task
    )


@login_required
@require_POST
def task_delete(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, MANAGE), pk=task_id)
    return verb(
        request,
        ButtonForm(request.POST),
        lambda _data: services_tasks.task_delete(task=task),
        done=_("Task removed."),
        then=_resolution_url(task.resolution_id, "tasks"),
    )


# ---------------------------------------------------------------------------------------------- lists


@login_required
def my_tasks(request):
    # Queries: session, user, grants, the user's member, the tasks with lead, report meeting, organisation and
    # resolution (progress as an EXISTS), their helpers.
    return render(request, "resolutions/tasks/mine.html", queries_tasks.my_tasks(request.user, today=today()))


@login_required
def overdue(request):
    day = today()
    page = paginate(request, queries_tasks.overdue_for(request.user, today=day))
    for task in page.object_list:
        task.days_late = (day - task.deadline).days
    return render(request, "resolutions/tasks/overdue.html", {"page": page})
