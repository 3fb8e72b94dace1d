"""What one request left written: the write statements that changed rows and were not rolled back.

The fingerprint is kept by the connection itself (``connection.execute_wrapper``), so no table is read: every
INSERT, UPDATE or DELETE that changed a row (the cursor's rowcount) is recorded with its parameters, and the
savepoint statements the request runs are followed — a ``ROLLBACK TO SAVEPOINT`` forgets the writes made since that
savepoint, a ``RELEASE`` keeps them. What is left after the request is what it wrote for good (inside the test's
own savepoint, rolled back afterwards). A form refused with an error must leave nothing; a form accepted must have
stored only NFC text without NUL characters (checked on the parameters it wrote).
"""

from __future__ import annotations

import json
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db import connection

from tests.walk.guard import _write_of

SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|ROLLBACK\s+TO\s+SAVEPOINT|RELEASE\s+SAVEPOINT)\s+"?([\w]+)"?', re.I)
# Bookkeeping a refused form may write: the session (a message, a rotated key), the access log's read entries
# (checked apart: only "access" entries may appear), the audit chain's links over them, and django-axes' count of a
# wrong password (a form that asks for the password again counts a wrong one as a failed login, on purpose).
NOT_RECORDS = {
    "django_session",
    "auditlog_logentry",
    "common_auditlink",
    "common_auditcheckpoint",
    "axes_accessattempt",
    "axes_accessfailurelog",
}


@dataclass
class Write:
    verb: str  # INSERT / UPDATE / DELETE
    table: str
    rows: int
    params: tuple

    def line(self) -> str:
        return f"{self.verb} {self.table}"


@dataclass
class Writes:
    kept: list[Write] = field(default_factory=list)
    savepoints: list[tuple[str, int]] = field(default_factory=list)  # (name, len(kept) when it was taken)
    change_entries: int = 0  # audit log entries other than "access" ones

    def records(self) -> list[Write]:
        return [w for w in self.kept if w.table not in NOT_RECORDS]

    def _savepoint(self, verb: str, name: str) -> None:
        verb = " ".join(verb.upper().split())
        if verb == "SAVEPOINT":
            self.savepoints.append((name, len(self.kept)))
            return
        names = [n for n, _ in self.savepoints]
        if name not in names:
            return
        at = len(names) - 1 - names[::-1].index(name)
        if verb == "ROLLBACK TO SAVEPOINT":
            del self.kept[self.savepoints[at][1] :]
            del self.savepoints[at + 1 :]  # the savepoint itself stays until released
        else:
            del self.savepoints[at:]

    def bad_text(self) -> list[str]:
        """Stored text that is not NFC or holds a NUL character, per table (JSON columns read inside)."""
        found = []
        for write in self.kept:
            if write.verb == "DELETE":
                continue
            for value in _strings(write.params):
                if "\x00" in value:
                    found.append(f"{write.table}: NUL stored in {_short(value)!r}")
                elif not unicodedata.is_normalized("NFC", value):
                    found.append(f"{write.table}: text not NFC {_short(value)!r}")
        return sorted(set(found))


def _strings(values):
    for value in values if isinstance(values, list | tuple) else [values]:
        if isinstance(value, list | tuple):
            yield from _strings(value)
        elif isinstance(value, dict):
            yield from _strings(list(value.keys()) + list(value.values()))
        elif isinstance(value, str):
            yield value
            if value[:1] in "[{":
                yield from _strings(_json(value))


def _json(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return []


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


@contextmanager
def watching():
    """Record what the block leaves written; read the yielded ``Writes`` after it."""
    writes = Writes()
    last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def wrapper(execute, sql, params, many, context):
        mark = SAVEPOINT.match(sql)
        if mark:
            result = execute(sql, params, many, context)
            writes._savepoint(mark[1], mark[2])
            return result
        if many and not isinstance(params, list | tuple):
            params = list(params)  # read twice: by the database, then here
        result = execute(sql, params, many, context)
        write = _write_of(sql)
        if write and write[0].split()[0] in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            rows = context["cursor"].rowcount  # -1 or 0 for an INSERT … RETURNING not read yet (SQLite)
            if rows != 0 or write[0].startswith("INSERT"):
                flat = tuple(params or ()) if not many else tuple(p for batch in params for p in batch)
                writes.kept.append(Write(write[0].split()[0], write[1], rows, flat))
        return result

    with connection.execute_wrapper(wrapper):
        yield writes
    writes.change_entries = LogEntry.objects.filter(pk__gt=last_entry).exclude(action=LogEntry.Action.ACCESS).count()
