"""Catch a GET that changes the database, twice over.

1. Every statement the request runs goes through ``connection.execute_wrapper``: an INSERT, UPDATE, DELETE, REPLACE
   or DDL statement is a write, except an INSERT into ``auditlog_logentry`` (apps/common/audit.record_access stores
   reads of sensitive records there, as django-auditlog "access" entries; DOMAIN.md §12).
2. A cheap fingerprint of the whole database before and after the request, kept by the engine itself: the rows
   the connection changed (SQLite's ``total_changes()``; on PostgreSQL the sum of the current transaction's
   per-table counters, those of ``pg_stat_xact_user_tables``). The access entries the request added are the only
   rows allowed to differ, and each must be an access entry (not a change record written under the same table).

No session or django-axes table is allowed: a GET with a logged-in session writes neither.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db import connection

WRITE = re.compile(
    r"""^\s*(?P<verb>INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM
    |CREATE(?:\s+\w+)*?\s+(?:TABLE|INDEX|VIEW|TRIGGER)|DROP\s+\w+|ALTER\s+TABLE|TRUNCATE(?:\s+TABLE)?)
    \s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?["`]?(?P<table>[\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)
ACCESS_LOG = "auditlog_logentry"


@dataclass
class Watch:
    """What one request wrote: statements outside the allowed entries, and rows the fingerprint saw change."""

    statements: list[str] = field(default_factory=list)  # "UPDATE meetings_meeting"
    changed: list[str] = field(default_factory=list)  # "3 row(s) changed outside the access log"

    @property
    def problems(self) -> list[str]:
        return sorted(set(self.statements)) + self.changed


def _write_of(sql: str) -> tuple[str, str] | None:
    match = WRITE.match(sql)
    if not match:
        return None
    return " ".join(match["verb"].upper().split()), match["table"].strip('"`').lower()


def _changes() -> dict[str, int]:
    """Rows changed so far through this connection, per table where the engine tells (else under "*")."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
            return {"*": cursor.fetchone()[0]}
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(t) + pg_stat_get_xact_tuples_updated(t)"
                " + pg_stat_get_xact_tuples_deleted(t)), 0) FROM unnest(%s::oid[]) AS t",
                [_tables(cursor)],
            )
            return {"*": cursor.fetchone()[0]}
    raise NotImplementedError(f"no change counter for {connection.vendor}")


_oids: list[int] = []


def _tables(cursor) -> list[int]:
    """The user tables' oids, read once per process (the schema is migrated before the first test): the counters
    read for them directly cost a third of the ``pg_stat_xact_user_tables`` view, read twice per request."""
    if not _oids:
        cursor.execute("SELECT relid FROM pg_stat_user_tables")
        _oids.extend(row[0] for row in cursor.fetchall())
    return _oids


@contextmanager
def watching():
    """Watch the block (one request) for writes; read ``.problems`` of the yielded Watch after it."""
    watch = Watch()

    def wrapper(execute, sql, params, many, context):
        write = _write_of(sql)
        if write and not (write[0] == "INSERT INTO" and write[1] == ACCESS_LOG):
            watch.statements.append(f"{write[0].split()[0]} {write[1]}")
        return execute(sql, params, many, context)

    last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = _changes()
    with connection.execute_wrapper(wrapper):
        yield watch
    after = _changes()
    new_entries = list(LogEntry.objects.filter(pk__gt=last_entry).values_list("action", flat=True))
    not_access = [a for a in new_entries if a != LogEntry.Action.ACCESS]
    if not_access:
        watch.changed.append(f"{ACCESS_LOG}: {len(not_access)} change record(s), not access entries")
    extra = after["*"] - before["*"] - len(new_entries)
    if extra:
        watch.changed.append(f"{extra} row(s) changed outside the access log")
