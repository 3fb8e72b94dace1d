"""E-mail to people about meetings, through Django's mail framework (file backend by default, SMTP by settings).

Sent after the transaction commits; each user's NotificationPreference decides (no row = everything on).
Messages carry no personal data beyond what the recipient may already see."""

from collections.abc import Iterable

from django.core.mail import get_connection, send_mass_mail
from django.db import transaction

from .models import NotificationPreference

KINDS = ("calendar", "reminders", "preparation")


def recipients(users: Iterable, kind: str) -> list:
    """Users with an e-mail address who have not switched this kind of message off."""
    if kind not in KINDS:
        raise ValueError(kind)
    users = [u for u in users if u is not None and u.email and u.is_active]
    off = set(NotificationPreference.objects.filter(user__in=users, **{kind: False}).values_list("user_id", flat=True))
    return [u for u in users if u.pk not in off]


def send(users: Iterable, kind: str, subject: str, body: str) -> int:
    """Queue one message per recipient, sent when the current transaction commits. Returns the count queued."""
    from django.conf import settings

    targets = recipients(users, kind)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in targets]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, connection=get_connection(), fail_silently=False))
    return len(messages)
