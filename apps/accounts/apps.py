from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: the second factor, lockout behind a trusted proxy, throttles, session expiry."""

    name = "apps.accounts"
    label = "accounts"

    def ready(self):
        from auditlog.registry import auditlog  # noqa: PLC0415  (the app registry is ready only now)
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from apps.accounts.models import AccountState, SecondFactorEvent  # noqa: PLC0415
        from apps.accounts.services.sessions import session_stamp  # noqa: PLC0415

        user_logged_in.connect(session_stamp, dispatch_uid="accounts.session_stamp")
        auditlog.register(SecondFactorEvent)
        auditlog.register(AccountState)
