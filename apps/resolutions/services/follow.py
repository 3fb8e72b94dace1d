"""Verbs of follow-up beyond the cell's own loop (DOMAIN.md §6, seeds 002 and 003): committee resolutions and
directives whose tasks flow down to cells, the cells' follow-up tasks, residents' feedback, amendments that keep
their versions. Inspections and their required remedies, which flow down the same way, are services/inspections.py.

Shapes chosen:
- A committee task is assigned to one cell (``Task.organization`` = the cell, ``resolution`` = the committee's).
  Assigning one task to several cells creates one task per cell, so each cell's progress is its own row.
- A cell's follow-up is a Task of the cell with ``parent`` = the committee task (one per committee task). It sits
  in a standing container per cell and year, "Thực hiện chỉ đạo cấp trên năm 2026" (kind cell_monthly, adopted):
  the follow-up never waits for the next monthly vote and never lands in a draft that may still change or be
  amended; the monthly resolution can still refer to it.
- An amendment copies the resolution (title, summary, kind, period, organisation, meeting) into a new version
  pointing at the old one, which becomes "amended". Tasks and targets stay on the original (their history and
  progress stay where they were recorded); both pages show the chain of versions.

Titles of containers are stored in Vietnamese: they are records that read as Vietnamese in documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.resolutions.models import Feedback, Resolution, Task

FOLLOW_UP_TITLE = "Thực hiện chỉ đạo cấp trên năm {year}"


def _inside(org: Organization, ancestor: Organization) -> bool:
    return org.pk != ancestor.pk and org.path.startswith(ancestor.path)


# ---------------------------------------------------------------------------------------------- committee resolutions


@transaction.atomic
def committee_resolution_create(
    *,
    committee: Organization,
    kind: str,
    title: str,
    summary: str = "",
    adopted_on: date,
    period_start: date | None = None,
    period_end: date | None = None,
    by,
) -> Resolution:
    """A committee's own resolution or directive, issued on ``adopted_on``."""
    errors = {}
    if committee.kind != Organization.Kind.COMMITTEE:
        raise ValidationError(_("Only a party committee issues committee resolutions and directives."))
    if kind not in Resolution.COMMITTEE_KINDS:
        errors["kind"] = _("Choose a resolution or a directive of the committee.")
    title = nfc(title)
    if not title:
        errors["title"] = _("Give the title.")
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if errors:
        raise ValidationError(errors)
    resolution = Resolution(
        organization=committee,
        kind=kind,
        title=title,
        summary=nfc(summary),
        status=Resolution.Status.ADOPTED,
        adopted_on=adopted_on,
        period_start=period_start,
        period_end=period_end,
        created_by=by,
    )
    resolution.full_clean(exclude=["created_by"])
    resolution.save()
    return resolution


@transaction.atomic
def committee_task_assign(
    *, resolution: Resolution, cells: Iterable[Organization], title: str, description: str = "", deadline: date
) -> list[Task]:
    """One task per chosen cell of the committee's subtree; the cell carries it out (``Task.organization``)."""
    resolution = Resolution.objects.select_related("organization").get(pk=resolution.pk)
    if resolution.kind not in Resolution.COMMITTEE_KINDS:
        raise ValidationError(_("Only a committee's resolution or directive assigns tasks to cells."))
    if resolution.status == Resolution.Status.AMENDED:
        raise ValidationError(_("This resolution was amended: assign tasks on its newest version."))
    cells = list(cells)
    errors = {}
    if not cells:
        errors["cells"] = _("Choose at least one cell.")
    elif any(c.kind != Organization.Kind.CELL or not _inside(c, resolution.organization) for c in cells):
        errors["cells"] = _("Tasks go to cells under this committee.")
    title = nfc(title)
    if not title:
        errors["title"] = _("Describe the task.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline.")
    if errors:
        raise ValidationError(errors)
    tasks = []
    for cell in cells:
        task = Task(
            resolution=resolution,
            organization=cell,
            title=title,
            description=nfc(description),
            deadline=deadline,
        )
        task.full_clean()
        task.save()
        tasks.append(task)
    return tasks


@transaction.atomic
def follow_up_container(*, cell: Organization, year: int, by=None) -> Resolution:
    """The cell's standing resolution that holds its follow-ups of the year (created on first use). The cell's row
    is locked first, so two follow-ups made at once (of different directives) cannot both create one."""
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    title = FOLLOW_UP_TITLE.format(year=year)
    container = (
        Resolution.objects.filter(organization=cell, kind=Resolution.Kind.CELL_MONTHLY, title=title, meeting=None)
        .order_by("pk")
        .first()
    )
    if container is None:
        container = Resolution(
            organization=cell,
            kind=Resolution.Kind.CELL_MONTHLY,
            title=title,
            status=Resolution.Status.ADOPTED,
            adopted_on=timezone.localdate(),
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            created_by=by,
        )
        container.full_clean(exclude=["created_by"])
        container.save()
    return container


@transaction.atomic
def follow_up_create(
    *,
    parent: Task,
    title: str = "",
    description: str = "",
    lead: Member | None = None,
    deadline: date | None = None,
    by,
) -> Task:
    """The cell's own task answering a committee task assigned to it (one per committee task)."""
    parent = Task.objects.select_for_update().select_related("organization", "resolution").get(pk=parent.pk)
    cell = parent.organization
    if not parent.assigned_from_above:
        raise ValidationError(_("Only a task assigned to the cell by the committee gets a follow-up."))
    if parent.follow_ups.exists():
        raise ValidationError(_("The cell already follows this task up."))
    errors = {}
    if lead is not None and (lead.cell_id != cell.pk or not lead.active):
        errors["lead"] = _("The lead must be an active member of the cell.")
    if errors:
        raise ValidationError(errors)
    deadline = deadline or parent.deadline
    container = follow_up_container(cell=cell, year=deadline.year, by=by)
    task = Task(
        resolution=container,
        organization=cell,
        parent=parent,
        title=nfc(title) or parent.title,
        description=nfc(description),
        lead=lead,
        lead_is_board=lead is None,
        deadline=deadline,
    )
    task.full_clean()
    task.save()
    return task


# ---------------------------------------------------------------------------------------------- residents' feedback


@transaction.atomic
def feedback_add(
    *,
    resolution: Resolution,
    source: str,
    source_detail: str = "",
    received_on: date,
    content: str,
    task: Task | None = None,
    by,
    today: date | None = None,
) -> Feedback:
    """A feedback item from residents (a residents' meeting, a mass organisation, a person) on the resolution or
    one of its tasks."""
    today = today or timezone.localdate()
    errors = {}
    if source not in Feedback.Source.values:
        errors["source"] = _("Choose where the feedback came from.")
    if received_on is None or received_on > today:
        errors["received_on"] = _("The date cannot be in the future.")
    content = nfc(content)
    if not content:
        errors["content"] = _("Write what the residents said.")
    if task is not None and task.resolution_id != resolution.pk:
        errors["task"] = _("Choose a task of this resolution.")
    if errors:
        raise ValidationError(errors)
    item = Feedback(
        resolution=resolution,
        task=task,
        organization_id=resolution.organization_id,
        source=source,
        source_detail=nfc(source_detail),
        received_on=received_on,
        content=content,
        recorded_by=by,
    )
    item.full_clean(exclude=["recorded_by"])
    item.save()
    return item


@transaction.atomic
def feedback_respond(*, feedback: Feedback, response: str, status: str) -> Feedback:
    """Record the answer given to the residents; "closed" when nothing more is to be done."""
    live = Feedback.objects.select_for_update().get(pk=feedback.pk)
    errors = {}
    if status not in (Feedback.Status.ANSWERED, Feedback.Status.CLOSED):
        errors["status"] = _("Choose answered or closed.")
    response = nfc(response)
    if not response:
        errors["response"] = _("Write the answer given to the residents.")
    if errors:
        raise ValidationError(errors)
    live.response, live.status = response, status
    live.full_clean(exclude=["recorded_by"])
    live.save(update_fields=["response", "status"])
    return live


# ---------------------------------------------------------------------------------------------- amendments


@transaction.atomic
def resolution_amend(
    *,
    resolution: Resolution,
    reason: str,
    adopted_on: date,
    title: str = "",
    summary: str | None = None,
    by,
) -> Resolution:
    """A new version of an adopted resolution (adjusted, e.g., to residents' problems). The old one is kept with
    status "amended"; tasks and targets stay on it."""
    old = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if old.status == Resolution.Status.DRAFT:
        raise ValidationError(_("A draft is still edited as it is; amend a resolution once it is adopted."))
    if old.status == Resolution.Status.AMENDED or Resolution.objects.filter(amends=old).exists():
        raise ValidationError(_("This resolution was already amended: amend its newest version."))
    errors = {}
    reason = nfc(reason)
    if not reason:
        errors["amendment_reason"] = _("Give the reason for the amendment.")
    if adopted_on is None:
        errors["adopted_on"] = _("Give the date the amendment was decided.")
    elif old.adopted_on and adopted_on < old.adopted_on:
        errors["adopted_on"] = _("An amendment cannot be dated before the resolution it amends.")
    if errors:
        raise ValidationError(errors)
    new = Resolution(
        organization_id=old.organization_id,
        meeting_id=old.meeting_id,
        kind=old.kind,
        title=nfc(title) or old.title,
        summary=old.summary if summary is None else nfc(summary),
        status=Resolution.Status.ADOPTED,
        adopted_on=adopted_on,
        period_start=old.period_start,
        period_end=old.period_end,
        amends=old,
        amendment_reason=reason,
        created_by=by,
    )
    new.full_clean(exclude=["created_by"])
    new.save()
    old.status = Resolution.Status.AMENDED
    old.save(update_fields=["status"])
    return new
