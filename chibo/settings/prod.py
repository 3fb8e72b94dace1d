"""Production: PostgreSQL through DATABASE_URL, gunicorn, static files collected and served by WhiteNoise."""

import os

from django.core.exceptions import ImproperlyConfigured

from chibo.settings.base import *  # noqa: F403

DEBUG = False
# Keys published in this repository's docs, examples and tests: never a production key.
KNOWN_EXAMPLE_KEYS = {
    "dev-only-insecure-key-change-me",
    "change-me",
    "changeme",
    "secret",
    "django-insecure-change-me",
    "replace-with-a-long-random-string-of-at-least-fifty-characters-0123456789",
}


def weak_secret_key(key: str) -> str | None:
    """Why ``key`` may not sign production sessions and tokens, or None when it is strong enough."""
    if key in KNOWN_EXAMPLE_KEYS:
        return "it is an example key published with chibo"
    if key.startswith(("django-insecure", "dev-only")):
        return "it is a development key"
    if len(key) < 50:
        return "it is shorter than 50 characters"
    if len(set(key)) < 5:
        return "it has fewer than 5 distinct characters"
    return None


_weak = weak_secret_key(SECRET_KEY)  # noqa: F405
if _weak:
    raise ImproperlyConfigured(
        f"Set DJANGO_SECRET_KEY in production to a long random value ({_weak}); for example: "
        "python -c 'import secrets; print(secrets.token_urlsafe(60))'."
    )
for _name in ("CHIBO_BALLOT_KEY", "CHIBO_AUDIT_KEY"):  # optional; when set, as strong as the secret key
    _value = globals().get(_name)
    _weak = weak_secret_key(_value) if _value else None
    if _weak:
        raise ImproperlyConfigured(f"{_name} is weak ({_weak}): leave it empty or set a long random value.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
