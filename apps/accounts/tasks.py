"""Background work of the accounts app (django-tasks; docs/decisions/0005)."""

from django_tasks import task

from apps.accounts.services import password_reset


@task()
def password_reset_mail(user_id: int, domain: str, use_https: bool) -> str:
    """Send a password-reset mail; the token is made here, so the queue never holds it."""
    return password_reset.reset_mail_send(user_id=user_id, domain=domain, use_https=use_https)
