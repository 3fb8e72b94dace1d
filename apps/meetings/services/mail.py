"""E-mail to people about meetings, through the outbox (apps.outbox): each message is recorded in the current
transaction and delivered by the task queue's worker after it commits, through Django's mail framework (file
backend by default, SMTP by settings). A mail server that is down never fails the action that sends: the
message is retried, then shown as failed.

Each user's NotificationPreference decides (no row = everything on). Messages carry no personal data beyond what
the recipient may already see."""

from collections.abc import Iterable

from apps.meetings.models import NotificationPreference
from apps.outbox.models import OutboundMessage
from apps.outbox.services import delivery as outbox

KINDS = ("calendar", "reminders", "preparation")
PURPOSES = {
    "calendar": OutboundMessage.Purpose.CALENDAR,
    "reminders": OutboundMessage.Purpose.REMINDER,
    "preparation": OutboundMessage.Purpose.PREPARATION,
}


def recipients(users: Iterable, kind: str) -> list:
    """Users with an e-mail address who have not switched this kind of message off."""
    if kind not in KINDS:
        raise ValueError(kind)
    users = [u for u in users if u is not None and u.email and u.is_active]
    off = set(NotificationPreference.objects.filter(user__in=users, **{kind: False}).values_list("user_id", flat=True))
    return [u for u in users if u.pk not in off]


def send(
    users: Iterable, kind: str, subject: str, body: str, *, meeting=None, organization=None, purpose: str = ""
) -> int:
    """Queue one message per recipient, delivered after the current transaction commits. Returns the count queued.

    ``meeting`` or ``organization`` says whose messages these are (who may see their delivery); ``purpose``
    overrides the one the kind implies (a meeting notice is a preparation message with its own purpose)."""
    targets = recipients(users, kind)
    outbox.message_queue(
        channel=OutboundMessage.Channel.EMAIL,
        purpose=purpose or PURPOSES[kind],
        recipients=[outbox.Recipient(address=u.email, user=u) for u in targets],
        subject=subject,
        body=body,
        meeting=meeting,
        organization=organization,
    )
    return len(targets)
