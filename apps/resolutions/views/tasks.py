"""A meeting's resolution and its tasks: drafted and adopted by the cell's leaders, followed up by the members who
carry the tasks out, reviewed at the next meeting, overseen by the committee above.

Who: those who manage the cell (secretary, board, committee staff) edit the resolution, its tasks and the review;
a task's lead and helpers post its progress (the lead may also mark it done); supervisors and inspectors read;
a plain member reads their cell's resolutions. Another cell's records are not found (404); a record that is
visible but not for this action answers 403 where the brief's rule says so (posting progress, marking done)."""

from __future__ import annotations

import mimetypes
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import error_messages, form_error_messages, paginate
from apps.meetings.models import Meeting
from apps.meetings.queries import meeting as meeting_queries
from apps.meetings.services import docs as services_docs
from apps.members.models import Member
from apps.resolutions.forms.tasks import DoneForm, DropForm, ProgressForm, ResolutionForm, ReviewForm, TaskForm
from apps.resolutions.models import Resolution, Task, TaskProgress
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import loop
from apps.resolutions.services import tasks as services_tasks

# ---------------------------------------------------------------------------------------------- helpers


def _resolution(request, resolution_id: int, action: str = VIEW) -> Resolution:
    return get_object_or_404(queries_tasks.resolutions_for(request.user, action), pk=resolution_id)


def _task(request, task_id: int, action: str = VIEW) -> Task:
    return get_object_or_404(
        Task.objects.visible_to(request.user, action).select_related(
            "resolution__meeting", "organization", "lead", "report_meeting"
        ),
        pk=task_id,
    )


def _to_resolution(resolution_id: int, anchor: str = ""):
    return redirect(reverse("resolutions:resolution", args=[resolution_id]) + (f"#{anchor}" if anchor else ""))


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# ---------------------------------------------------------------------------------------------- resolution


@login_required
@require_http_methods(["GET", "POST"])
def meeting_resolution(request, meeting_id: int):
    """The resolution of a meeting. Until it is drafted, the cell's leaders see a button that drafts it (a POST:
    opening the page changes nothing)."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user, VIEW).exclude(kind=Meeting.Kind.BOARD).select_related("cell"),
        pk=meeting_id,
    )
    resolution = (
        Resolution.objects.visible_to(request.user, VIEW)
        .filter(meeting=meeting, organization_id=meeting.cell_id)
        .exclude(status=Resolution.Status.AMENDED)
        .order_by("pk")
        .first()
    )
    can_draft = request.user.has_perm("meetings.manage_meeting", meeting)
    if resolution is None and request.method == "POST":
        if not can_draft:
            raise PermissionDenied
        try:
            resolution = services_tasks.resolution_for_meeting(meeting=meeting, by=request.user)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Draft resolution started."))
    if resolution is None:
        return render(request, "resolutions/tasks/no_resolution.html", {"meeting": meeting, "can_draft": can_draft})
    return redirect("resolutions:resolution", resolution.pk)


def _review_rows(resolution: Resolution, on) -> list[Task]:
    if resolution.meeting_id is None:
        return []
    return queries_tasks.annotate_status(queries_tasks.with_facts(queries_tasks.review_tasks(resolution.meeting)), on)


@login_required
def resolution(request, resolution_id: int):
    resolution = _resolution(request, resolution_id)
    can_manage = request.user.has_perm("resolutions.manage", resolution)
    day = today()
    # Queries: session, user, grants, the resolution with its cell, meeting and vote; the tasks under review and
    # their helpers; this resolution's tasks and their helpers; the meeting's closed vote on the resolution.
    review = _review_rows(resolution, day)
    tasks = queries_tasks.annotate_status(queries_tasks.with_facts(resolution.tasks.all()), day)
    vote = resolution.vote
    if vote is None and resolution.meeting_id and resolution.status == Resolution.Status.DRAFT:
        vote = services_docs.resolution_vote(resolution.meeting)
    context = {
        "resolution": resolution,
        "meeting": resolution.meeting,
        "review": review,
        "tasks": tasks,
        "vote": vote,
        "vote_result": meeting_queries.vote_result(vote) if vote is not None and vote.eligible is not None else None,
        "can_manage": can_manage,
        "is_draft": resolution.status == Resolution.Status.DRAFT,
        "decisions": ReviewForm.base_fields["decision"].choices,
    }
    if can_manage and context["is_draft"]:
        context["form"] = ResolutionForm(instance=resolution)
    return render(request, "resolutions/tasks/resolution.html", context)


@login_required
@require_POST
def resolution_edit(request, resolution_id: int):
    resolution = _resolution(request, resolution_id, MANAGE)
    form = ResolutionForm(request.POST, instance=resolution)
    if form.is_valid():
        try:
            services_tasks.resolution_update(resolution=resolution, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Changes saved."))
    else:
        form_error_messages(request, form)
    return _to_resolution(resolution.pk)


@login_required
@require_POST
def resolution_adopt(request, resolution_id: int):
    resolution = _resolution(request, resolution_id, MANAGE)
    try:
        services_tasks.resolution_adopt(resolution=resolution, by=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("Resolution adopted. The next meeting's agenda and draft resolution now review its tasks.")
        )
    return _to_resolution(resolution.pk)


@login_required
@require_POST
def resolution_refresh_loop(request, resolution_id: int):
    resolution = _resolution(request, resolution_id, MANAGE)
    if resolution.meeting_id is None:
        raise Http404
    try:
        result = loop.loop_refresh(resolution.meeting, by=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Last month's results updated in the draft resolution; %(count)s review item(s) added to the agenda.")
            % {"count": result.items_added},
        )
    return _to_resolution(resolution.pk, "review")


# ---------------------------------------------------------------------------------------------- tasks of the draft


def _task_form(request, resolution: Resolution, *, data=None, initial=None) -> TaskForm:
    cell = resolution.organization
    near = request.GET.get("near", "")
    return TaskForm(
        data,
        initial=initial,
        leads=queries_tasks.suggest_leads(cell, near),
        members=Member.objects.visible_to(request.user, MANAGE).filter(cell=cell, active=True),
        meetings=queries_tasks.report_meeting_choices(resolution),
    )


def _task_form_page(request, resolution: Resolution, form: TaskForm, task: Task | None = None):
    context = {
        "resolution": resolution,
        "task": task,
        "form": form,
        "residences": queries_tasks.residences(resolution.organization),
        "near": request.GET.get("near", ""),
    }
    return render(request, "resolutions/tasks/task_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request, resolution_id: int):
    resolution = _resolution(request, resolution_id, MANAGE)
    following = queries_tasks.next_regular_meeting(resolution.meeting) if resolution.meeting_id else None
    form = _task_form(
        request,
        resolution,
        data=request.POST if request.method == "POST" else None,
        initial={"report_meeting": following.pk if following else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_tasks.task_add(resolution=resolution, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Task added."))
            return _to_resolution(resolution.pk, "tasks")
    return _task_form_page(request, resolution, form)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, task_id: int):
    task = _task(request, task_id, MANAGE)
    resolution = _resolution(request, task.resolution_id, MANAGE)
    initial = {
        "title": task.title,
        "description": task.description,
        "lead": task.lead_id,
        "lead_is_board": task.lead_is_board,
        "helpers": list(task.helpers.values_list("pk", flat=True)),
        "deadline": task.deadline,
        "report_meeting": task.report_meeting_id,
    }
    form = _task_form(request, resolution, data=request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_tasks.task_update(task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _to_resolution(resolution.pk, "tasks")
    return _task_form_page(request, resolution, form, task)


@login_required
@require_POST
def task_delete(request, task_id: int):
    task = _task(request, task_id, MANAGE)
    try:
        services_tasks.task_delete(task=task)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Task removed."))
    return _to_resolution(task.resolution_id, "tasks")


# ---------------------------------------------------------------------------------------------- a task


def _task_page(request, task: Task, *, progress_form=None, status: int = 200):
    day = today()
    log = list(TaskProgress.objects.filter(task=task).select_related("author").order_by("-on", "-pk"))
    task.has_progress = bool(log)
    queries_tasks.annotate_status([task], day)
    can_manage = request.user.has_perm("resolutions.manage", task)
    can_post = request.user.has_perm("resolutions.post_progress", task)
    adopted = task.resolution.status != Resolution.Status.DRAFT
    open_ = task.state not in (Task.Status.DONE, Task.Status.DROPPED)
    context = {
        "task": task,
        "helpers": list(task.helpers.order_by("full_name_search", "pk")),
        "log": log,
        "can_manage": can_manage,
        "can_post": can_post and adopted and not task.dropped_reason,
        "can_done": request.user.has_perm("resolutions.mark_done", task) and adopted and open_,
        "can_drop": can_manage and adopted and open_,
    }
    if context["can_post"]:
        context["progress_form"] = progress_form or ProgressForm(initial={"on": day})
    context["today"] = day
    if context["can_drop"]:
        context["drop_form"] = DropForm()
    return render(request, "resolutions/tasks/task.html", context, status=status)


@login_required
def task(request, task_id: int):
    return _task_page(request, _task(request, task_id))


@login_required
@require_POST
def task_progress(request, task_id: int):
    task = _task(request, task_id)
    if not request.user.has_perm("resolutions.post_progress", task):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_tasks.task_progress_add(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("resolutions:task", task.pk)
    return _task_page(request, task, progress_form=form)


@login_required
@require_POST
def task_done(request, task_id: int):
    task = _task(request, task_id)
    if not request.user.has_perm("resolutions.mark_done", task):
        raise PermissionDenied
    form = DoneForm(request.POST)
    if form.is_valid():
        try:
            services_tasks.task_mark_done(task=task, on=form.cleaned_data["on"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Task marked done."))
    else:
        messages.error(request, _("Give the date as dd/mm/yyyy."))
    return redirect("resolutions:task", task.pk)


@login_required
@require_POST
def task_drop(request, task_id: int):
    task = _task(request, task_id, MANAGE)
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services_tasks.task_drop(task=task, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Task dropped."))
    else:
        messages.error(request, _("Give the reason for dropping the task."))
    return redirect("resolutions:task", task.pk)


@login_required
@require_POST
def task_review(request, task_id: int):
    """The outcome of a task recorded at the meeting that reviews it (from that meeting's resolution page)."""
    task = _task(request, task_id, MANAGE)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_tasks.task_review(
                task=task, outcome=data["outcome"], decision=data["decision"], reason=data["reason"], on=data["on"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Outcome recorded."))
    else:
        form_error_messages(request, form)
    return _back(request, reverse("resolutions:task", args=[task.pk]))


@login_required
def evidence(request, progress_id: int):
    """Evidence files are served through the same scoping as the task, never from a public folder."""
    entry = get_object_or_404(TaskProgress.objects.visible_to(request.user, VIEW), pk=progress_id)
    if not entry.evidence:
        raise Http404
    name = os.path.basename(entry.evidence.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(entry.evidence.open("rb"), as_attachment=True, filename=name, content_type=content_type)


# ---------------------------------------------------------------------------------------------- lists


@login_required
def my_tasks(request):
    # Queries: session, user, grants, the user's member, the tasks with lead, report meeting, organisation and
    # resolution (progress as an EXISTS), their helpers.
    member, tasks = queries_tasks.my_tasks(request.user)
    rows = queries_tasks.annotate_status(queries_tasks.with_facts(tasks), today())
    context = {
        "member": member,
        "rows": rows,
        "open_count": sum(1 for t in rows if t.state not in (Task.Status.DONE, Task.Status.DROPPED)),
    }
    return render(request, "resolutions/tasks/mine.html", context)


@login_required
def overdue(request):
    day = today()
    page = paginate(request, queries_tasks.overdue_for(request.user, today=day))
    for task in page.object_list:
        task.days_late = (day - task.deadline).days
    return render(request, "resolutions/tasks/overdue.html", {"page": page})
