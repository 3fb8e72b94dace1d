from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: the second factor, lockout behind a trusted proxy, throttles, session expiry."""

    name = "apps.accounts"
    label = "accounts"
