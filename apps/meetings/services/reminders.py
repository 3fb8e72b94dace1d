"""The reminders sent by the scheduled job (management command ``send_meeting_notifications``) before meetings."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.meetings.models import Meeting
from apps.meetings.services import mail

logger = logging.getLogger(__name__)


def _mark_reminded(meetings, *, was: datetime | None, now: datetime | None) -> int:
    """Set ``reminder_sent_at`` from ``was`` to ``now`` on the meetings that still hold ``was``, with their audit
    entries; the rows are locked while read and written, so two runs never both claim a meeting."""
    with transaction.atomic():
        return audit.update(meetings.select_for_update().filter(reminder_sent_at=was), reminder_sent_at=now)


def reminders_send(*, now: datetime, within: timedelta) -> int:
    """Remind the people of each meeting starting within ``within`` from ``now`` that was not reminded yet.

    Safe to run often and concurrently: each meeting is claimed by setting ``reminder_sent_at`` only where it is
    still empty, so a meeting is reminded once; if sending fails the claim is released and the next run retries.
    Meetings of one cell at the same hour (a shared regular + thematic session) go out as one message.
    Runs in autocommit (the management command), so each message leaves as soon as its meetings are claimed.
    Returns the number of meetings reminded."""
    due = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            reminder_sent_at__isnull=True,
            scheduled_at__gt=now,
            scheduled_at__lte=now + within,
        )
        .select_related("cell")
        .order_by("cell_id", "scheduled_at", "kind", "pk")
    )
    groups: dict[tuple[int, bool, datetime], list[Meeting]] = defaultdict(list)
    for meeting in due:
        claimed = _mark_reminded(Meeting.objects.filter(pk=meeting.pk), was=None, now=now)
        if claimed:
            groups[(meeting.cell_id, meeting.kind == Meeting.Kind.BOARD, meeting.scheduled_at)].append(meeting)
    reminded, failed = 0, []
    for (cell_id, board, at), meetings in groups.items():
        people = mail.board_users(cell_id, timezone.localdate(now)) if board else mail.cell_users(cell_id)
        cell = meetings[0].cell
        when = timezone.localtime(at)
        subject = _("Reminder: meeting of %(cell)s on %(date)s") % {
            "cell": cell.name,
            "date": f"{when:%d/%m/%Y %H:%M}",
        }
        body = mail.compose(
            _("Reminder of the coming meeting of %(cell)s:") % {"cell": cell.name},
            "\n".join(f"- {mail.describe(m)}" for m in meetings),
            mail.site_link("meetings:mine"),
            _("If you cannot attend, send an apology with your reason before the meeting."),
        )
        try:
            mail.send(people, "reminders", subject, body, meeting=meetings[0])
        except Exception:
            logger.exception("Reminder for meetings %s could not be sent", [m.pk for m in meetings])
            _mark_reminded(Meeting.objects.filter(pk__in=[m.pk for m in meetings]), was=now, now=None)
            failed.extend(meetings)
            continue
        reminded += len(meetings)
    if failed:
        raise ReminderFailure(reminded=reminded, failed=[m.pk for m in failed])
    return reminded


class ReminderFailure(Exception):
    def __init__(self, *, reminded: int, failed: list[int]):
        super().__init__(f"{len(failed)} meeting reminder(s) could not be sent: {failed}")
        self.reminded = reminded
        self.failed = failed
