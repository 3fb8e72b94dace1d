"""Password reset, throttled per client address and per e-mail address; the mail goes through the task queue, and
the queue holds the user's id only (the link's token is made when the mail is sent)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts import tasks
from apps.accounts.services import throttle

PURPOSE = "reset"


def reset_allowed_from(address: str) -> bool:
    """Counts the request against the client address; False past the hourly limit."""
    return throttle.attempt(throttle.address_key(PURPOSE, address), settings.CHIBO_RESET_PER_ADDRESS_PER_HOUR)


def reset_mail_queue(email: str, *, domain: str, use_https: bool) -> int:
    """Queue a reset mail for every active account with this address (none past the e-mail's hourly limit, and
    nothing said either way). Returns how many mails were queued (for tests only: never shown)."""
    if not throttle.attempt(throttle.email_key(PURPOSE, email), settings.CHIBO_RESET_PER_EMAIL_PER_HOUR):
        return 0
    queued = 0
    for user in PasswordResetForm().get_users(email):
        tasks.password_reset_mail.enqueue(user_id=user.pk, domain=domain, use_https=use_https)
        queued += 1
    return queued


def reset_mail_send(*, user_id: int, domain: str, use_https: bool) -> str:
    """Send one reset mail (run by the task): Django's own templates and token."""
    form = PasswordResetForm()
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return "skipped"
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    form.send_mail(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.html",
        context,
        None,
        user.email,
    )
    return "sent"
