"""A task once its resolution is adopted: its page with the progress log, progress posted with evidence by those who
carry it out, the task marked done or dropped, its outcome recorded at the meeting that reviews it, and the
evidence files served through the task's scoping.

Who: a task's lead and helpers post its progress (the lead may also mark it done); those who manage the cell drop
it and record the review's outcome; everyone who sees the cell's resolutions reads. Another cell's task is not
found (404); a task that is visible but not for this action answers 403 where the brief's rule says so (posting
progress, marking done)."""

from __future__ import annotations

import mimetypes
import os
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import verb
from apps.resolutions.forms.progress import DoneForm, DropForm, ProgressForm, ReviewForm
from apps.resolutions.models import Task
from apps.resolutions.queries import progress as queries_progress
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import progress as services_progress
from apps.resolutions.views import tasks as views_tasks

TASK_PAGE = "resolutions/progress/task.html"


def _task_url(task: Task) -> str:
    return reverse("resolutions:task", args=[task.pk])


def _next_url(request, fallback: str) -> str:
    """Where the form said to go back to (a page of this site, as an absolute path), else ``fallback``. A relative
    value ("b") is refused: ``redirect`` would try it as a URL name and fail."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _task_page(request, task: Task, *, progress_form: ProgressForm | None = None) -> dict:
    """The task page's context: what it shows, and the tools the user may use on it today."""
    page = queries_progress.task_page(task, today=today())
    user = request.user
    can_manage = user.has_perm("resolutions.manage", task)
    can_post = user.has_perm("resolutions.post_progress", task) and page["adopted"] and not task.dropped_reason
    can_done = user.has_perm("resolutions.mark_done", task) and page["adopted"] and page["is_open"]
    can_drop = can_manage and page["adopted"] and page["is_open"]
    return {
        **page,
        "can_manage": can_manage,
        "can_post": can_post,
        "can_done": can_done,
        "can_drop": can_drop,
        # A member or a supervisor may follow a task of a committee's directive without seeing the directive itself.
        "can_open_resolution": queries_tasks.resolutions_for(user, VIEW).filter(pk=task.resolution_id).exists(),
        "progress_form": (progress_form or ProgressForm(initial={"on": page["today"]})) if can_post else None,
        "drop_form": DropForm() if can_drop else None,
    }


@login_required
def task(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, VIEW), pk=task_id)
    return render(request, TASK_PAGE, _task_page(request, task))


@login_required
@require_POST
def task_progress(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, VIEW), pk=task_id)
    if not request.user.has_perm("resolutions.post_progress", task):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES)
    return verb(
        request,
        form,
        lambda data: services_progress.task_progress_add(task=task, by=request.user, **data),
        done=_("Progress recorded."),
        then=_task_url(task),
        template=TASK_PAGE,
        context=lambda: _task_page(request, task, progress_form=form),
    )


@login_required
@require_POST
def task_done(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, VIEW), pk=task_id)
    if not request.user.has_perm("resolutions.mark_done", task):
        raise PermissionDenied
    return verb(
        request,
        DoneForm(request.POST),
        lambda data: services_progress.task_mark_done(task=task, on=data["on"]),
        done=_("Task marked done."),
        then=_task_url(task),
    )


@login_required
@require_POST
def task_drop(request, task_id: int):
    task = get_object_or_404(queries_tasks.tasks_for(request.user, MANAGE), pk=task_id)
    return verb(
        request,
        DropForm(request.POST),
        lambda data: services_progress.task_drop(task=task, reason=data["reason"]),
        done=_("Task dropped."),
        then=_task_url(task),
    )


@login_required
@require_POST
def task_review(request, task_id: int):
    """The outcome of a task recorded at the meeting that reviews it (from that meeting's resolution page). Refused,
    that page is shown again with the task's form open, what was typed and the errors beside it."""
    task = get_object_or_404(queries_tasks.tasks_for(request.user, MANAGE), pk=task_id)
    back = _next_url(request, _task_url(task))
    form = ReviewForm(request.POST)
    on_page = _resolution_of(back)
    page = {}
    if on_page is not None:
        page = {
            "template": views_tasks.RESOLUTION_PAGE,
            "context": lambda: views_tasks.resolution_page(request, on_page, review=_refused_review(task, form)),
        }
    return verb(
        request,
        form,
        lambda data: services_progress.task_review(
            task=task, outcome=data["outcome"], decision=data["decision"], reason=data["reason"], on=data["on"]
        ),
        done=_("Outcome recorded."),
        then=back,
        **page,
    )


def _resolution_of(path: str) -> int | None:
    """The resolution whose page ``path`` is, if it is one."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.kwargs.get("resolution_id") if match.view_name == "resolutions:resolution" else None


def _refused_review(task: Task, form: ReviewForm) -> dict:
    return {
        "task": task.pk,
        **{name: form.data.get(name, "") for name in ("outcome", "decision", "on", "reason")},
        "errors": [message for errors in form.errors.values() for message in errors],
    }


@login_required
def evidence(request, progress_id: int):
    """Evidence files are served through the same scoping as the task, never from a public folder."""
    entry = get_object_or_404(queries_progress.progress_for(request.user, VIEW), pk=progress_id)
    if not entry.evidence:
        raise Http404
    name = os.path.basename(entry.evidence.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(entry.evidence.open("rb"), as_attachment=True, filename=name, content_type=content_type)
