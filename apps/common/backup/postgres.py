"""PostgreSQL: pg_dump -Fc and pg_restore, run without a shell, with the connection settings of settings.DATABASES.

Backing up opens a REPEATABLE READ transaction, exports its snapshot and hands it to ``pg_dump --snapshot``, then
reads the counts and checksums in that same transaction: the dump and the manifest describe the same instant, while
the application keeps writing. Restoring runs ``pg_restore --clean --if-exists --no-owner --single-transaction``
into the configured database: it replaces every object the dump holds, or, on any error, nothing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg

from apps.common.backup import digest

# libpq settings that may sit in DATABASES OPTIONS, handed to pg_dump/pg_restore as their environment variables.
_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class ToolError(Exception):
    """pg_dump or pg_restore failed; the message carries its error output."""


def _environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)  # libpq reads PG* variables the operator set, as Django's connection does
    options = settings_dict.get("OPTIONS") or {}
    env.update({var: str(options[key]) for key, var in _ENVIRONMENT.items() if options.get(key)})
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _arguments(settings_dict: dict[str, Any]) -> list[str]:
    arguments = ["--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    return arguments


def _run(command: list[str], settings_dict: dict[str, Any]) -> None:
    done = subprocess.run(command, env=_environment(settings_dict), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ToolError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()}")


def _connect(settings_dict: dict[str, Any]) -> psycopg.Connection:
    """A plain psycopg connection (psycopg's own types, not Django's) in a read-only REPEATABLE READ transaction."""
    options = {k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in _ENVIRONMENT}
    params = {"dbname": settings_dict["NAME"], **options}
    for name, key in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    conn = psycopg.connect(**params)
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    return conn


def backup(settings_dict: dict[str, Any], target: Path) -> tuple[digest.Digests, list[str]]:
    """Dump the configured database into ``target`` (custom format); its counts, checksums and migrations at the
    dump's snapshot."""
    conn = _connect(settings_dict)
    try:
        with conn.cursor() as cursor:
            snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
        _run([*command, *_arguments(settings_dict), settings_dict["NAME"]], settings_dict)
        state = digest.pg_digests(conn), digest.pg_migrations(conn)
        conn.rollback()
        return state
    finally:
        conn.close()


def live_state(settings_dict: dict[str, Any]) -> tuple[digest.Digests, list[str]]:
    conn = _connect(settings_dict)
    try:
        state = digest.pg_digests(conn), digest.pg_migrations(conn)
        conn.rollback()
        return state
    finally:
        conn.close()


def check(path: Path, settings_dict: dict[str, Any]) -> str | None:
    """None when pg_restore can read the archived dump's table of contents, else what is wrong."""
    try:
        _run(["pg_restore", "--list", f"--file={os.devnull}", str(path)], settings_dict)
    except ToolError as exc:
        return f"the database dump cannot be read: {exc}"
    return None


def restore(settings_dict: dict[str, Any], source_path: Path) -> None:
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run([*command, *_arguments(settings_dict), f"--dbname={settings_dict['NAME']}", str(source_path)], settings_dict)
