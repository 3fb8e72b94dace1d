"""Per-table row counts and checksums, read through a plain DB-API connection (sqlite3 or psycopg), so that a backup
can state what it holds and a restore can prove it put the same rows back.

A table's checksum is sha256 over its rows in primary-key order, each row one line of its values as text (tab
between values, backslash escapes for tab, newline, carriage return and backslash, ``\\N`` for NULL). Text keys are
ordered by their bytes (SQLite's BINARY, PostgreSQL's "C" collation), so a restore on a machine with another locale
gives the same order. Values become text the same way on both databases (booleans ``t``/``f``, times in UTC ISO
form, bytes and UUIDs in hex, JSON with sorted keys); the manifest is compared with the same database kind only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

Digests = dict[str, dict[str, Any]]  # table -> {"rows": int, "sha256": str}

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_BATCH = 2000
_PG_COLLATABLE = {"text", "character varying", "character", "citext"}


def as_text(value: Any) -> str:
    """One value as the text the checksum covers."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return repr(value.total_seconds())
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return text.translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def digest_rows(rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    """The count and checksum of rows already in primary-key order."""
    sha, count = hashlib.sha256(), 0
    for row in rows:
        sha.update(("\t".join(as_text(v) for v in row) + "\n").encode())
        count += 1
    return {"rows": count, "sha256": sha.hexdigest()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _batches(cursor) -> Iterator[Any]:
    while rows := cursor.fetchmany(_BATCH):
        yield from rows


# SQLite ---------------------------------------------------------------------------------------------------------


def sqlite_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    return [name for (name,) in rows]


def _sqlite_select(conn, table: str) -> str:
    info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()  # cid, name, type, notnull, default, pk
    columns = [row[1] for row in info]
    keys = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])] or columns
    order = ", ".join(f"{_quote(c)} COLLATE BINARY" for c in keys)
    return f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)} ORDER BY {order}"  # noqa: S608


def sqlite_digests(conn) -> Digests:
    """Every table of a sqlite3 connection opened without Django's type converters (values as stored)."""
    return {table: digest_rows(_batches(conn.execute(_sqlite_select(conn, table)))) for table in sqlite_tables(conn)}


def sqlite_migrations(conn) -> list[str]:
    if "django_migrations" not in sqlite_tables(conn):
        return []
    return sorted(f"{app}.{name}" for app, name in conn.execute("SELECT app, name FROM django_migrations"))


# PostgreSQL -----------------------------------------------------------------------------------------------------


def pg_tables(conn) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname COLLATE \"C\""
        )
        return [name for (name,) in cursor.fetchall()]


def _pg_select(conn, table: str) -> str:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        types = dict(cursor.fetchall())
        cursor.execute(
            "SELECT a.attname FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [_quote(table)],
        )
        keys = [name for (name,) in cursor.fetchall()] or list(types)
    order = ", ".join(_quote(c) + (' COLLATE "C"' if types[c] in _PG_COLLATABLE else "") for c in keys)
    return f"SELECT {', '.join(_quote(c) for c in types)} FROM {_quote(table)} ORDER BY {order}"  # noqa: S608


def pg_digests(conn) -> Digests:
    """Every table of the current schema, read in the connection's transaction (REPEATABLE READ: one snapshot)."""
    digests = {}
    for table in pg_tables(conn):
        select = _pg_select(conn, table)
        with conn.cursor(name="chibo_backup_digest") as cursor:  # server-side: a big table is not held in memory
            cursor.itersize = _BATCH
            cursor.execute(select)
            digests[table] = digest_rows(cursor)
    return digests


def pg_migrations(conn) -> list[str]:
    if "django_migrations" not in pg_tables(conn):
        return []
    with conn.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def differences(expected: Digests, found: Digests) -> list[str]:
    """What differs between the manifest's tables and the database's, one sentence a table."""
    problems = []
    for table in sorted(expected.keys() | found.keys()):
        want, got = expected.get(table), found.get(table)
        if got is None:
            problems.append(f"table {table} is missing")
        elif want is None:
            problems.append(f"table {table} ({got['rows']} rows) is not in the backup")
        elif want["rows"] != got["rows"]:
            problems.append(f"table {table}: {got['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"table {table}: same {got['rows']} rows but different contents (checksum)")
    return problems
