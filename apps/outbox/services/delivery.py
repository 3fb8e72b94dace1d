"""Verbs of the outbox: queue messages, deliver one (the background task), record a member told in person.

A message is a row first, written in the transaction of the action that causes it; its delivery is put on the
task queue when that transaction commits. The request never waits on a mail server: delivery runs in the
worker (``manage.py db_worker``), records ``sent`` or the error, and tries again after a growing delay
(``CHIBO_OUTBOX_RETRY_DELAYS``) before leaving the message ``failed`` for the page that shows it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.outbox import sms, tasks
from apps.outbox.models import OutboundMessage
from apps.outbox.rules import delivery as rules

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Channel, Status = OutboundMessage.Channel, OutboundMessage.Status
_RELATIONS = ["organization", "meeting", "member", "recipient", "recorded_by"]


@dataclass(frozen=True)
class Recipient:
    """Where one message goes: the address, and the account and/or member it is for (either may be missing)."""

    address: str
    user: User | None = None
    member: Any = None  # a members.Member, or None: the outbox sits beside the members app and does not import it


def _enqueue(message_id: int, *, after: datetime | None = None) -> None:
    task = tasks.deliver  # through the module: the task module imports this one (a task runs a service)
    if after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=after)
    task.enqueue(message_id)


def message_queue(
    *,
    channel: str,
    purpose: str,
    recipients: Iterable[Recipient],
    subject: str,
    body: str,
    meeting=None,
    organization=None,
) -> list[OutboundMessage]:
    """One queued message per recipient; their delivery goes on the task queue when the transaction commits.

    The messages belong to ``organization``, else to the meeting's cell (what decides who sees them)."""
    if channel not in (Channel.EMAIL, Channel.SMS):
        raise ValueError(channel)
    if channel == Channel.SMS and not sms.sms_configured():
        raise ValidationError(_("SMS is not configured on this server."))
    organization_id = organization.pk if organization is not None else (meeting.cell_id if meeting else None)
    subject, body = nfc(subject)[:300], nfc(body)
    rows = [
        OutboundMessage(
            organization_id=organization_id,
            meeting=meeting,
            member=r.member,
            recipient=r.user,
            channel=channel,
            purpose=purpose,
            address=nfc(r.address),
            subject=subject,
            body=body,
        )
        for r in recipients
    ]
    for row in rows:
        row.full_clean(exclude=_RELATIONS)
    rows = OutboundMessage.objects.bulk_create(rows)
    for row in rows:
        # robust: a queue that cannot take the job must not turn the saved action into an error; the row stays
        # queued and is shown as waiting.
        transaction.on_commit(partial(_enqueue, row.pk), robust=True)
    return rows


def _send(message: OutboundMessage) -> None:
    if message.channel == Channel.EMAIL:
        EmailMessage(
            message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address], connection=get_connection()
        ).send(fail_silently=False)
    elif message.channel == Channel.SMS:
        backend = sms.sms_backend()
        if backend is None:
            raise RuntimeError("CHIBO_SMS_BACKEND is not set")
        backend.send(to=message.address, text=message.body)
    else:
        raise ValueError(message.channel)


def message_deliver(*, message_id: int) -> str:
    """Try one queued message once and record the outcome; returns its status.

    The mail server is called outside any transaction (a slow server must not hold the database's write lock);
    the outcome is written afterwards, and a further try is put on the queue when that write commits."""
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if message.status != Status.QUEUED:
        return message.status  # delivered or given up meanwhile: never send twice
    try:
        _send(message)
    except Exception as exc:  # any failure of the transport is a failed attempt, never the caller's error
        error = rules.redact(f"{type(exc).__name__}: {exc}", message.address)[:300]
        logger.warning("Message %s not delivered (attempt %s): %s", message.pk, message.attempts + 1, error)
        with transaction.atomic():
            now = timezone.now()
            message.attempts += 1
            message.last_error = error
            delay = rules.retry_delay(attempts=message.attempts, delays=settings.CHIBO_OUTBOX_RETRY_DELAYS)
            if delay is None:
                message.status, message.next_attempt_at = Status.FAILED, None
            else:
                message.next_attempt_at = now + delay
                transaction.on_commit(partial(_enqueue, message.pk, after=message.next_attempt_at), robust=True)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return message.status
    message.attempts += 1
    message.status, message.sent_at, message.next_attempt_at = Status.SENT, timezone.now(), None
    message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return message.status


@transaction.atomic
def message_record_in_person(*, purpose: str, members: Iterable, meeting=None, by) -> list[OutboundMessage]:
    """The secretary's record that these members were told face to face or signed the printed list: a delivered
    message on the ``in_person`` channel, at the time it is recorded."""
    now = timezone.now()
    rows = [
        OutboundMessage(
            organization_id=meeting.cell_id if meeting else member.cell_id,
            meeting=meeting,
            member=member,
            recipient_id=member.user_id,
            channel=Channel.IN_PERSON,
            purpose=purpose,
            status=Status.SENT,
            sent_at=now,
            recorded_by=by,
        )
        for member in members
    ]
    for row in rows:
        row.full_clean(exclude=_RELATIONS)
    return OutboundMessage.objects.bulk_create(rows)
