"""Verbs of a cell's resolution and its tasks (DOMAIN.md §6): the resolution of a meeting drafted, its tasks
assigned, adopted on a passing vote (which starts the loop, see services/loop.py), and overdue tasks flagged by
e-mail. What happens to a task once adopted (progress, done, dropped, reviewed) is services/progress.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.common.scoping import Role
from apps.common.text import nfc
from apps.meetings.models import Meeting, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs
from apps.meetings.services import mail
from apps.members.models import Member
from apps.orgs.models import RoleGrant
from apps.resolutions.models import Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import loop

# Stored titles read as they will in the cell's documents (see rules/loop.py on this vocabulary).
RESOLUTION_TITLES = {
    Meeting.Kind.REGULAR: "Nghị quyết sinh hoạt chi bộ tháng {month}/{year}",
    Meeting.Kind.THEMATIC: "Kết luận sinh hoạt chi bộ chuyên đề tháng {month}/{year}",
}


def _require_draft(resolution: Resolution) -> None:
    if resolution.status != Resolution.Status.DRAFT:
        raise ValidationError(_("The resolution is adopted: its tasks are followed up, no longer edited."))


# ---------------------------------------------------------------------------------------------- resolution


@transaction.atomic
def resolution_for_meeting(*, meeting: Meeting, by) -> Resolution:
    """The cell's resolution of the meeting, drafted when the cell's leaders start it (a POST: one per meeting, the
    meeting row is locked); the one already drafted if there is one."""
    live = Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)
    if live.kind not in RESOLUTION_TITLES:
        raise ValidationError(_("A board pre-meeting has no resolution."))
    existing = queries_tasks.resolution_of_meeting(live)
    if existing is not None:
        return existing
    day = services_docs.meeting_day(live)
    resolution = Resolution(
        organization=live.cell,
        meeting=live,
        kind=Resolution.Kind.CELL_THEMATIC if live.kind == Meeting.Kind.THEMATIC else Resolution.Kind.CELL_MONTHLY,
        title=RESOLUTION_TITLES[live.kind].format(month=day.month, year=day.year),
        status=Resolution.Status.DRAFT,
        period_start=day,
        created_by=by,
    )
    resolution.full_clean(exclude=["vote", "amends", "created_by"])
    resolution.save()
    return resolution


@transaction.atomic
def resolution_update(*, resolution: Resolution, title: str, summary: str) -> Resolution:
    live = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _require_draft(live)
    live.title, live.summary = nfc(title), nfc(summary)
    if not live.title:
        raise ValidationError({"title": _("Give the resolution a title.")})
    live.full_clean(exclude=["vote", "amends", "created_by"])
    live.save(update_fields=["title", "summary"])
    return live


@transaction.atomic
def resolution_adopt(*, resolution: Resolution, by) -> Resolution:
    """Adopted when the meeting's closed vote on the resolution passed (more than half of the eligible members
    approve, DOMAIN.md §5): it gets its official number (the next of the cell's term, in the order of adoption),
    then the next meeting is prepared from it (the loop)."""
    live = Resolution.objects.select_for_update(of=("self",)).select_related("meeting__cell").get(pk=resolution.pk)
    _require_draft(live)
    if live.meeting is None:
        raise ValidationError(_("A cell's resolution is adopted at a meeting."))
    # The meeting's votes on the resolution are locked first: a vote being voided at this moment is waited for and
    # then seen voided, and a void that comes after sees the resolution adopted (services_votes.vote_void).
    list(
        Vote.objects.select_for_update()
        .filter(meeting_id=live.meeting_id, purpose=Vote.Purpose.RESOLUTION)
        .values_list("pk", flat=True)
    )
    vote = services_docs.resolution_vote(live.meeting)
    if vote is None:
        raise ValidationError(
            _("No closed vote on the resolution at this meeting: the meeting votes on it first, then it is adopted."),
            code="no_vote",
        )
    result = queries.vote_result(vote)
    if not result.passed:
        raise ValidationError(
            _(
                "The vote did not pass: %(approving)s of %(eligible)s eligible members approved; more than half must "
                "approve."
            )
            % {"approving": result.approving, "eligible": result.eligible},
            code="not_passed",
        )
    live.vote = vote
    live.status = Resolution.Status.ADOPTED
    live.adopted_on = services_docs.meeting_day(live.meeting)
    live.period_start = live.period_start or live.adopted_on
    live.save(update_fields=["vote", "status", "adopted_on", "period_start"])
    services_docs.document_number_issue(meeting=live.meeting, doc_type=documents.DOC_RESOLUTION)
    loop.loop_prepare_next(live, by=by)
    return live


# ---------------------------------------------------------------------------------------------- tasks of the draft


def _clean_task(
    *,
    resolution: Resolution,
    title: str,
    lead: Member | None,
    lead_is_board: bool,
    helpers: Iterable[Member],
    deadline: date | None,
    report_meeting: Meeting | None,
) -> tuple[str, list[Member], date, Meeting | None]:
    errors: dict[str, str] = {}
    title = nfc(title)
    helpers = list(helpers)
    if not title:
        errors["title"] = _("Say what the task is.")
    if lead is None and not lead_is_board:
        errors["lead"] = _("Choose who leads the task: a member or the cell board.")
    elif lead is not None and lead_is_board:
        errors["lead"] = _("The task is led by a member or by the board, not both.")
    elif lead is not None and (lead.cell_id != resolution.organization_id or not lead.active):
        errors["lead"] = _("The lead must be an active member of the cell.")
    if any(h.cell_id != resolution.organization_id or not h.active for h in helpers):
        errors["helpers"] = _("Helpers must be active members of the cell.")
    elif lead is not None and any(h.pk == lead.pk for h in helpers):
        errors["helpers"] = _("The lead is not also a helper.")
    meeting = resolution.meeting
    start = services_docs.meeting_day(meeting) if meeting is not None else None
    if deadline is None:
        errors["deadline"] = _("Give the deadline.")
    elif start is not None and deadline < start:
        errors["deadline"] = _("The deadline cannot be before the meeting that assigns the task.")
    if report_meeting is None and meeting is not None:
        report_meeting = queries_tasks.next_regular_meeting(meeting)
    if report_meeting is not None:
        if report_meeting.cell_id != resolution.organization_id or report_meeting.kind == Meeting.Kind.BOARD:
            errors["report_meeting"] = _("The task is reported at a meeting of the cell.")
        elif meeting is not None and report_meeting.scheduled_at <= meeting.scheduled_at:
            errors["report_meeting"] = _("The task is reported at a later meeting.")
    if errors:
        raise ValidationError(errors)
    assert deadline is not None  # refused above when missing
    return title, helpers, deadline, report_meeting


@transaction.atomic
def task_add(
    *,
    resolution: Resolution,
    title: str,
    description: str = "",
    lead: Member | None = None,
    lead_is_board: bool = False,
    helpers: Iterable[Member] = (),
    deadline: date | None = None,
    report_meeting: Meeting | None = None,
) -> Task:
    """A task of next month (while the resolution is a draft). Without a report meeting, the cell's next planned
    regular meeting after the resolution's meeting."""
    resolution = Resolution.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=resolution.pk)
    _require_draft(resolution)
    title, helpers, deadline, report_meeting = _clean_task(
        resolution=resolution,
        title=title,
        lead=lead,
        lead_is_board=lead_is_board,
        helpers=helpers,
        deadline=deadline,
        report_meeting=report_meeting,
    )
    task = Task(
        resolution=resolution,
        organization_id=resolution.organization_id,
        title=title,
        description=nfc(description),
        lead=lead,
        lead_is_board=lead_is_board,
        deadline=deadline,
        report_meeting=report_meeting,
    )
    task.full_clean(exclude=["parent", "inspection"])
    task.save()
    task.helpers.set(helpers)
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    title: str,
    description: str = "",
    lead: Member | None = None,
    lead_is_board: bool = False,
    helpers: Iterable[Member] = (),
    deadline: date | None = None,
    report_meeting: Meeting | None = None,
) -> Task:
    live = Task.objects.select_for_update().get(pk=task.pk)
    resolution = Resolution.objects.select_related("meeting").get(pk=live.resolution_id)
    _require_draft(resolution)
    title, helpers, deadline, report_meeting = _clean_task(
        resolution=resolution,
        title=title,
        lead=lead,
        lead_is_board=lead_is_board,
        helpers=helpers,
        deadline=deadline,
        report_meeting=report_meeting,
    )
    live.title, live.description = title, nfc(description)
    live.lead, live.lead_is_board = lead, lead_is_board
    live.deadline, live.report_meeting = deadline, report_meeting
    live.full_clean(exclude=["parent", "inspection"])
    live.save()
    live.helpers.set(helpers)
    return live


@transaction.atomic
def task_delete(*, task: Task) -> None:
    live = Task.objects.select_for_update().select_related("resolution").get(pk=task.pk)
    _require_draft(live.resolution)
    live.delete()


# ---------------------------------------------------------------------------------------------- overdue alerts


def _secretaries(org_ids: set[int], on: date) -> dict[int, list]:
    """The cell secretaries (role grants in force on the day) of each organisation: one query."""
    grants = (
        RoleGrant.objects.filter(organization_id__in=org_ids, role=Role.CELL_SECRETARY, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
        .order_by("organization_id", "user_id")
    )
    found: dict[int, list] = defaultdict(list)
    for grant in grants:
        found[grant.organization_id].append(grant.user)
    return found


def _alert(task: Task) -> tuple[str, str]:
    subject = _("Overdue task: %(title)s") % {"title": task.title}
    lead = _("the cell board") if task.lead_is_board else (task.lead.full_name if task.lead is not None else "—")
    lines = [
        _("The deadline of this task of %(org)s has passed and it is not marked done.") % {"org": task.organization},
        "",
        _("Task: %(title)s") % {"title": task.title},
        _("Resolution: %(title)s") % {"title": task.resolution.title},
        _("Lead: %(lead)s") % {"lead": lead},
        _("Deadline: %(date)s") % {"date": f"{task.deadline:%d/%m/%Y}"},
        "",
        _("Post the progress, or mark it done: %(url)s")
        % {"url": settings.SITE_URL + reverse("resolutions:task", args=[task.pk])},
    ]
    return subject, "\n".join(lines)


@transaction.atomic
def task_alerts_send(*, on: date) -> int:
    """E-mail the lead and the cell's secretary about each task that became overdue on ``on``: its deadline was
    the day before and it is neither done nor dropped. Nothing is stored, so running it once a day sends each
    alert once; re-running for the same day sends again. Returns the number of messages queued."""
    tasks = list(
        Task.objects.filter(queries_tasks.UNFINISHED, deadline=on - timedelta(days=1))
        .exclude(resolution__status=Resolution.Status.DRAFT)  # an amended resolution keeps its tasks
        .select_related("lead__user", "organization", "resolution")
        .order_by("organization_id", "pk")
    )
    secretaries = _secretaries({t.organization_id for t in tasks}, on)
    sent = 0
    for task in tasks:
        users = list(secretaries.get(task.organization_id, []))
        if task.lead_id and task.lead.user_id and task.lead.user not in users:
            users.insert(0, task.lead.user)
        subject, body = _alert(task)
        sent += mail.send(users, "reminders", subject, body, organization=task.organization)
    return sent
