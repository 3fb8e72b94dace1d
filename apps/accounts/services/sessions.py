"""Sessions: stamped at login (when, which epoch); "log out everywhere" moves the user's epoch on."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import AccountState
from apps.accounts.queries import sessions as queries
from apps.common import audit

STARTED = "accounts_started"  # the login, seconds since the epoch
EPOCH = "accounts_epoch"  # the user's session epoch at the login


def now() -> float:
    return timezone.now().timestamp()


def session_stamp(sender, request, user, **kwargs) -> None:
    """Receiver of ``user_logged_in`` (the login form, the second step, and the test client's force_login)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[STARTED] = now()
    request.session[EPOCH] = queries.session_epoch(user.pk)


def sessions_end(user, *, keep: str | None = None) -> int:
    """Delete the user's live session rows (all but ``keep``) and move their epoch on; returns the new epoch. Used by
    "log out everywhere" and by an administrator's reset of a lost second factor."""
    with transaction.atomic():
        state, _created = AccountState.objects.get_or_create(user=user)
        audit.update(AccountState.objects.filter(pk=state.pk), session_epoch=F("session_epoch") + 1)
        others = [
            row.session_key
            for row in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator()
            if str(row.get_decoded().get(SESSION_KEY)) == str(user.pk)
        ]
        Session.objects.filter(session_key__in=others).delete()
        return queries.session_epoch(user.pk)


def log_out_everywhere(request) -> int:
    """End every other session of the user: their session rows are deleted (a rare action, so reading the live
    sessions here costs less than a lookup on every request), and their epoch moves on, recorded in the log.
    Returns the new epoch."""
    epoch = sessions_end(request.user, keep=request.session.session_key)
    request.session[EPOCH] = epoch
    return epoch
