"""Production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chibo.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "chibo.example.vn",
        "CHIBO_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chibo.settings.prod", "CHIBO_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def _check_with_key(tmp_path, key: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chibo.settings.prod",
        "DJANGO_SECRET_KEY": key,
        "DJANGO_ALLOWED_HOSTS": "chibo.example.vn",
        "CHIBO_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("Kq3v8ZpL1xW7nRt5yB2mC9dF4gH6jA0sE8uI3oP7lK1zX5cV", "shorter than 50 characters"),
        ("ab" * 40, "fewer than 5 distinct characters"),
        ("abcd" * 20, "fewer than 5 distinct characters"),
        ("django-insecure-" + "Kq3v8ZpL1xW7nRt5yB2mC9dF4gH6jA0sE8uI3oP7lK1zX5cV9bN2mQ", "development key"),
        ("dev-only-" + "Kq3v8ZpL1xW7nRt5yB2mC9dF4gH6jA0sE8uI3oP7lK1zX5cV9bN2mQ", "development key"),
        ("dev-only-insecure-key-change-me", "example key"),
        ("replace-with-a-long-random-string-of-at-least-fifty-characters-0123456789", "example key"),
    ],
    ids=["short", "two-letters", "four-letters", "django-insecure", "dev-only", "our-example", "doc-example"],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key, reason):
    result = _check_with_key(tmp_path, key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and reason in result.stderr, result.stderr[-2000:]


def test_production_accepts_a_random_key_of_fifty_characters(tmp_path):
    result = _check_with_key(tmp_path, secrets.token_urlsafe(60)[:50])
    assert result.returncode == 0, result.stdout + result.stderr
