"""The tasks' lists as an Excel table (apps.exports), each the rows of its page, read through the same queries:

- ``?list=overdue`` (the default): the overdue tasks in the user's scope (``resolutions:overdue``);
- ``?list=mine``: the tasks the user's member leads or helps with (``resolutions:my_tasks``);
- ``?resolution=<id>``: a resolution's own tasks with their status of the day (``resolutions:resolution``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, today
from apps.exports.rules.tables import DATE, INT, Column, Params, Table, Unavailable, int_param
from apps.members.queries.exports import scope_name
from apps.resolutions.models import Task
from apps.resolutions.queries.tasks import (
    annotate_status,
    label_of,
    my_tasks,
    overdue_for,
    resolution_page,
    resolutions_for,
    with_progress_flag,
)
from apps.resolutions.rules import follow as rules

LISTS = ("overdue", "mine")


def _columns() -> list[Column]:
    return [
        Column(_("No."), INT, width=6),
        Column(_("Task"), width=40),
        Column(_("Resolution"), width=30),
        Column(_("Organisation"), width=24),
        Column(_("Lead"), width=24),
        Column(_("Deadline"), DATE),
        Column(_("Status"), width=14),
        Column(_("Days late"), INT, width=10),
        Column(_("Completed on"), DATE, width=13),
    ]


def tasks(user, params: Params) -> Table:
    day = today()
    if (params.get("resolution") or "").strip():
        resolution = resolutions_for(user, VIEW).filter(pk=int_param(params, "resolution")).first()
        if resolution is None:
            raise Unavailable("resolution")
        rows = resolution_page(resolution, today=day)["tasks"]
        title, organisation = resolution.title, resolution.organization.name
    else:
        kind = params.get("list") or "overdue"
        if kind not in LISTS:
            raise Unavailable("list")
        if kind == "mine":
            page = my_tasks(user, today=day)
            rows = page["rows"]
            title = _("My tasks")
            organisation = page["member"].full_name if page["member"] else scope_name(user, None)
        else:
            rows = annotate_status(with_progress_flag(overdue_for(user, today=day)), day)
            title, organisation = _("Overdue tasks"), scope_name(user, None)
    return Table(
        title=title,
        organisation=organisation,
        period=_("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        columns=_columns(),
        rows=_task_rows(rows, day),
        count=len(rows),
    )


def _lead(task: Task) -> str:
    if task.lead_is_board:
        return _("the cell board")
    return task.lead.full_name if task.lead else ""


def _task_rows(tasks_: Iterable[Task], day) -> Iterator[list]:
    for number, task in enumerate(tasks_, start=1):
        late = task.state == rules.LATE
        yield [
            number,
            task.title,
            task.resolution.title,
            task.organization.name,
            _lead(task),
            task.deadline,
            label_of(task.state),
            (day - task.deadline).days if late else None,
            task.completed_on,
        ]
