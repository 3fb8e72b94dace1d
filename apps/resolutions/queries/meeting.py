"""What the meetings app reads about the cell's resolution of a meeting, given to it through its seam
(apps.meetings.services.meeting.MeetingResolution): meetings sit below resolutions and never import them. The
resolutions app sets these reads when it is ready (apps/resolutions/apps.py)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from apps.meetings.models import Meeting, Vote
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs
from apps.meetings.services.meeting import MeetingResolution
from apps.members.models import Member
from apps.resolutions.models import Resolution, TargetActual, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.rules import follow as follow_up


class Reads(MeetingResolution):
    def adopted_on(self, vote: Vote) -> bool:
        return Resolution.objects.filter(vote=vote).exclude(status=Resolution.Status.DRAFT).exists()

    def adopted_vote_ids(self, meeting: Meeting) -> QuerySet:
        return Resolution.objects.filter(meeting=meeting, organization_id=meeting.cell_id, vote__isnull=False).values(
            "vote_id"
        )

    def document_tables(self, meeting: Meeting) -> list[documents.TableSpec]:
        return resolution_tables(meeting)


def _lead_cell(task: Task) -> str:
    lead = documents.BOARD_LEAD if task.lead_is_board else (task.lead.full_name if task.lead is not None else "")
    helpers = [h.full_name for h in task.helpers.all()]
    return f"{lead}\n{documents.HELPERS}: {', '.join(helpers)}" if helpers else lead


def resolution_tables(meeting: Meeting) -> list[documents.TableSpec]:
    """The tasks and targets of the cell's resolution of the meeting, as tables for the .docx; none when no
    resolution is recorded there. Four queries whatever the number of rows: the resolution, its tasks (with lead and
    report meeting), their helpers, its targets with their actuals."""
    resolution = queries_tasks.resolution_of_meeting(meeting)
    if resolution is None:
        return []
    tables = []
    tasks = list(
        resolution.tasks.select_related("lead", "report_meeting")
        .prefetch_related(Prefetch("helpers", queryset=Member.objects.order_by("full_name_search", "pk")))
        .order_by("deadline", "pk")
    )
    if tasks:
        task_rows = [
            (
                str(number),
                task.title,
                _lead_cell(task),
                f"{task.deadline:%d/%m/%Y}",
                f"{services_docs.meeting_day(task.report_meeting):%d/%m/%Y}" if task.report_meeting_id else "",
            )
            for number, task in enumerate(tasks, start=1)
        ]
        tables.append(
            documents.TableSpec(documents.TASKS_CAPTION, documents.TASKS_HEADER, task_rows, (1.2, 6.3, 4.0, 2.5, 2.5))
        )
    targets = list(
        resolution.targets.order_by("pk").prefetch_related(
            Prefetch("actuals", queryset=TargetActual.objects.order_by("on", "pk"), to_attr="actuals_in_order")
        )
    )
    if targets:
        target_rows: list[tuple[str, ...]] = []
        for number, target in enumerate(targets, start=1):
            latest = target.actuals_in_order[-1] if target.actuals_in_order else None
            actual = latest.value if latest is not None else None
            share = follow_up.target_share(value=target.value, actual=actual, direction=target.direction)
            target_rows.append(
                (
                    str(number),
                    target.title,
                    target.unit,
                    documents.target_text(direction=target.direction, value=target.value),
                    documents.number_text(actual) if actual is not None else "",
                    f"{documents.percent_text(float(share))}%" if share is not None else "",
                )
            )
        tables.append(
            documents.TableSpec(
                documents.TARGETS_CAPTION, documents.TARGETS_HEADER, target_rows, (1.2, 6.1, 2.0, 2.4, 2.4, 2.4)
            )
        )
    return tables
