"""SQLite: Python's sqlite3 online backup API, both ways.

Backing up copies the live database in one step (``pages=-1``): the copy is one read transaction, so it is a
consistent snapshot, and in WAL mode (chibo's setting) writers go on committing while it runs; a stepwise copy would
start again after every write of another connection and might never finish under load. The counts and checksums
are read from the copy, so they describe exactly what the archive holds.

Restoring copies the archived file into the configured database with the same API the other way round: SQLite
locks the destination for the copy and other connections see either the old database or the new one, never half.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from apps.common.backup import digest

TIMEOUT = 30  # seconds a copy waits for a writer's lock before giving up


def _open(settings_dict: dict[str, Any]) -> sqlite3.Connection:
    # Django opens the same name with uri=True (the test database is "file:memorydb_…?mode=memory&cache=shared").
    timeout = settings_dict.get("OPTIONS", {}).get("timeout", TIMEOUT)
    return sqlite3.connect(str(settings_dict["NAME"]), uri=True, timeout=timeout)


def copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=-1)


def _copy_to_new_file(source: sqlite3.Connection, target: Path) -> None:
    out = sqlite3.connect(target)
    try:
        copy(source, out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        out.close()


def read_state(path: Path) -> tuple[digest.Digests, list[str]]:
    """Counts, checksums and applied migrations of a database file (opened read-only, no type converters)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return digest.sqlite_digests(conn), digest.sqlite_migrations(conn)
    finally:
        conn.close()


def live_state(settings_dict: dict[str, Any]) -> tuple[digest.Digests, list[str]]:
    conn = _open(settings_dict)
    try:
        return digest.sqlite_digests(conn), digest.sqlite_migrations(conn)
    finally:
        conn.close()


def backup(settings_dict: dict[str, Any], target: Path) -> tuple[digest.Digests, list[str]]:
    """Snapshot the configured database into ``target``; its counts, checksums and migrations, read from the copy."""
    source = _open(settings_dict)
    try:
        _copy_to_new_file(source, target)
    finally:
        source.close()
    return read_state(target)


def check(path: Path) -> str | None:
    """None when the archived file is a sound SQLite database, else what is wrong."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"the database file is not a SQLite database ({exc})"
    return None if result == "ok" else f"the database file is damaged: {result}"


def restore(settings_dict: dict[str, Any], source_path: Path) -> None:
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    target = _open(settings_dict)
    try:
        copy(source, target)
    finally:
        target.close()
        source.close()
