"""The two steps of logging in: after the password, the user waits in the session (not logged in) until a code
from their authenticator or a recovery code; then they are logged in and verified together."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model

from apps.accounts.services.sessions import now

PENDING = "accounts_pending"


def second_step_start(request, user, next_url: str) -> None:
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": now(), "next": next_url}


def pending(request) -> dict | None:
    """The password step waiting for its code, unless it has expired (then it is dropped)."""
    data = request.session.get(PENDING)
    if not data:
        return None
    if now() - data["at"] > settings.CHIBO_LOGIN_SECOND_STEP_SECONDS:
        del request.session[PENDING]
        return None
    return data


def pending_user(data: dict):
    return get_user_model()._default_manager.filter(pk=data["user"], is_active=True).first()


def second_step_finish(request, user, device, data: dict | None) -> None:
    """Log the user in (unless already: a session made without the code) and mark the session verified."""
    if data is not None:
        auth.login(request, user, backend=data["backend"])
        request.session.pop(PENDING, None)
    session_verify(request, device)


def session_verify(request, device) -> None:
    """Mark the session verified with this device (django-otp keeps its id in the session)."""
    django_otp.login(request, device)
