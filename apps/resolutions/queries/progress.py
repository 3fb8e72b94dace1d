"""Reads of a task once adopted: its page (the progress log, the helpers, its status of the day) and the one lookup
of progress entries, through which their evidence files are served."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from apps.common.scoping import VIEW
from apps.resolutions.models import Resolution, Task, TaskProgress
from apps.resolutions.queries import tasks as queries_tasks


def progress_for(user, action: str = VIEW) -> QuerySet[TaskProgress]:
    """The one lookup of progress entries for views: those ``user`` may ``action`` (scoped like their task)."""
    return TaskProgress.objects.visible_to(user, action)


def task_page(task: Task, *, today: date) -> dict:
    """What the task's page shows: its progress log (newest first, with authors), its helpers, its status of the day
    and whether it can still move (its resolution adopted, the task neither done nor dropped). Two queries."""
    log = list(task.progress.select_related("author").order_by("-on", "-pk"))
    queries_tasks.set_status(task, today, has_progress=bool(log))
    return {
        "task": task,
        "log": log,
        "helpers": list(task.helpers.order_by("full_name_search", "pk")),
        "today": today,
        "adopted": task.resolution.status != Resolution.Status.DRAFT,
        "is_open": task.state not in (Task.Status.DONE, Task.Status.DROPPED),
    }
