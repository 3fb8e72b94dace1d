"""Verbs of a task once its resolution is adopted (DOMAIN.md §6): progress logged with evidence by those who carry
it out, the task marked done or dropped, and its outcome recorded at the meeting that reviews it. A task assigned
by the committee above is answered by the cell's own follow-up task instead (services/follow.py)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.resolutions.models import Resolution, Task, TaskProgress

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

REVIEW_DONE, REVIEW_DROPPED, REVIEW_OPEN = "done", "dropped", "open"


def _require_adopted(task: Task) -> None:
    if task.resolution.status == Resolution.Status.DRAFT:
        raise ValidationError(_("The resolution is not adopted yet: its tasks have not started."))


def _require_own(task: Task) -> None:
    """A task assigned by the committee above (a directive or an inspection's remedy) is decided upstairs; the cell
    records its own follow-up task instead, which feeds the committee's completion figures."""
    if task.resolution.organization_id != task.organization_id:
        raise ValidationError(
            _("This task was assigned by the committee above: record the cell's follow-up task instead.")
        )


def _live_task(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("resolution").get(pk=task.pk)


@transaction.atomic
def task_progress_add(
    *,
    task: Task,
    on: date,
    text: str,
    evidence=None,
    percent: int | None = None,
    by,
    today: date | None = None,
) -> TaskProgress:
    """A dated entry of the progress log with its evidence (text, and a file of at most 10 MB)."""
    live = _live_task(task)
    _require_adopted(live)
    if live.dropped_reason:
        raise ValidationError(_("The task was dropped."))
    errors: dict[str, str] = {}
    text = nfc(text)
    if not text:
        errors["text"] = _("Say what was done.")
    if on is None:
        errors["on"] = _("Give the date.")
    elif on > (today or timezone.localdate()):
        errors["on"] = _("Progress is recorded for a day that has come.")
    if percent is not None and not 0 <= percent <= 100:
        errors["percent"] = _("The share done is between 0 and 100 %.")
    if evidence and evidence.size > MAX_EVIDENCE_BYTES:
        errors["evidence"] = _("The file must be smaller than 10 MB.")
    if errors:
        raise ValidationError(errors)
    entry = TaskProgress(task=live, on=on, text=text, percent=percent, author=by)
    if evidence:
        entry.evidence = evidence
    entry.full_clean(exclude=["author"])
    entry.save()
    return entry


@transaction.atomic
def task_mark_done(*, task: Task, on: date | None = None, today: date | None = None) -> Task:
    live = _live_task(task)
    _require_own(live)
    _require_adopted(live)
    today = today or timezone.localdate()
    on = on or today
    if live.dropped_reason:
        raise ValidationError(_("The task was dropped."))
    if live.completed_on is not None:
        raise ValidationError(_("The task is already done."))
    if on > today:
        raise ValidationError({"on": _("A task is done on a day that has come.")})
    live.completed_on = on
    live.save(update_fields=["completed_on"])
    return live


@transaction.atomic
def task_drop(*, task: Task, reason: str) -> Task:
    live = _live_task(task)
    _require_own(live)
    _require_adopted(live)
    reason = nfc(reason)
    if live.completed_on is not None:
        raise ValidationError(_("The task is done: it is no longer dropped."))
    if not reason:
        raise ValidationError({"reason": _("Give the reason for dropping the task.")})
    live.dropped_reason = reason
    live.full_clean(exclude=["parent", "inspection"])
    live.save(update_fields=["dropped_reason"])
    return live


@transaction.atomic
def task_review(
    *, task: Task, outcome: str, decision: str, reason: str = "", on: date | None = None, today: date | None = None
) -> Task:
    """The secretary records a task's outcome at the meeting that reviews it: done (on the given day, today by
    default), dropped with a reason, or still open (a done or dropped mark is then taken back)."""
    live = _live_task(task)
    _require_own(live)
    _require_adopted(live)
    today = today or timezone.localdate()
    outcome, reason = nfc(outcome), nfc(reason)
    if decision == REVIEW_DONE:
        day = on or live.completed_on or today
        if day > today:
            raise ValidationError({"on": _("A task is done on a day that has come.")})
        live.completed_on, live.dropped_reason = day, ""
    elif decision == REVIEW_DROPPED:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for dropping the task.")})
        live.completed_on, live.dropped_reason = None, reason
    elif decision == REVIEW_OPEN:
        live.completed_on, live.dropped_reason = None, ""
    else:
        raise ValidationError({"decision": _("Choose done, dropped or still open.")})
    live.outcome = outcome
    live.full_clean(exclude=["parent", "inspection"])
    live.save(update_fields=["completed_on", "dropped_reason", "outcome"])
    return live
