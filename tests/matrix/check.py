"""One URL's row of the matrix: GET as every role on both sides, POST an empty body as every role that must not
write, and compare what came back with the entry.

Outcomes: ``ok`` (2xx, or a redirect that is not to the login page), ``login`` (a redirect to the login page),
``403``, ``404``, ``405``, ``5xx``. Expected: an allowed role gets ``ok``; a denied role ``403`` or ``404`` inside
its subtree and ``404`` outside (another subtree's record is simply not found, never shown); an anonymous visitor
``login``. A POST-only view answers every logged-in GET with ``405``. An empty POST by a role that must not write
gets ``403``/``404``/``405`` (or ``login`` when anonymous), or the same page its GET got when the view ignores the
method; it never writes.

Every request runs in a savepoint rolled back after it, watched by tests/walk/guard.py: no GET, and no refused
POST, may change the database (the access log's entries aside).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from tests.matrix.kinds import DEFAULT_KIND, value
from tests.matrix.urls import Pattern
from tests.matrix.world import INSIDE, OUTSIDE, ROLES, World
from tests.walk import guard

ANON = "anonymous"
MEMBER, SECRETARY, DEPUTY, BOARD = "member", "cell_secretary", "cell_deputy", "cell_board"
STAFF, SUPERVISOR, INSPECTION, ADMIN = "committee_staff", "supervisor", "inspection", "admin"

LOGGED_IN = frozenset(ROLES) - {ANON}
CELL_OFFICERS = frozenset({SECRETARY, DEPUTY, BOARD})
COMMITTEE = frozenset({STAFF, ADMIN})
MANAGERS = CELL_OFFICERS | COMMITTEE  # roles that may change records of their subtree
READERS = frozenset({SUPERVISOR, INSPECTION})  # read-only roles above the cell
VIEWERS = MANAGERS | READERS
NOBODY: frozenset[str] = frozenset()

OK, LOGIN, DENIED = "ok", "login", "denied"


@dataclass(frozen=True)
class Entry:
    """What one URL does for each role. ``ok``: the roles that may GET it inside their subtree. ``out``: the roles
    that may GET the outside one too (a page with no record in its URL is the same page on both sides: ``same``).
    ``write``: the roles that may POST to it inside (their empty POST is not sent; default: ``ok`` ∩ managers, or
    every manager for a POST-only view).
    ``anon``: what an anonymous GET gets (``login``; ``ok`` for a public page; ``denied``).
    ``kw``: keyword → kind, where the default of tests/matrix/kinds.py does not fit. ``query``: a query string
    (``{kind}`` is filled per side). ``post_only``: a view that takes POST only (every logged-in GET gets 405)."""

    ok: frozenset[str]
    out: frozenset[str] = NOBODY
    same: bool = False
    write: frozenset[str] | None = None
    anon: str = LOGIN
    kw: dict[str, str] = field(default_factory=dict)
    query: str = ""
    post_only: bool = False  # the view takes only POST: every logged-in GET gets 405, POST is the real check
    note: str = ""

    def writers(self) -> frozenset[str]:
        if self.write is not None:
            return self.write
        return MANAGERS if self.post_only else self.ok & MANAGERS


@dataclass
class Seen:
    role: str
    side: str
    method: str
    url: str
    outcome: str
    writes: list[str]
    error: str = ""

    def line(self) -> str:
        extra = f" writes {'; '.join(self.writes)}" if self.writes else ""
        return f"{self.method} {self.url} as {self.role} ({self.side}): {self.outcome}{extra}{self.error}"


def url_for(world: World, pattern: Pattern, entry: Entry, side: str) -> str:
    kwargs = {k: value(world, entry.kw.get(k, DEFAULT_KIND.get(k, k)), side) for k in pattern.keywords}
    url = reverse(pattern.name.split("(")[0], kwargs=kwargs)
    if not entry.query:
        return url
    query = entry.query.format_map(_Lookup(world, side))  # "org={commune}": the side's record of that kind
    return f"{url}?{query}"


class _Lookup(dict):
    def __init__(self, world: World, side: str):
        super().__init__()
        self.world, self.side = world, side

    def __missing__(self, kind_name: str):
        return value(self.world, kind_name, self.side)


def clients(world: World) -> dict[str, Client]:
    made = {ANON: Client(raise_request_exception=False)}
    for role, user in world.users.items():
        made[role] = Client(raise_request_exception=False)
        made[role].force_login(user)
    made["superuser"] = Client(raise_request_exception=False)
    made["superuser"].force_login(world.superuser)
    return made


def outcome_of(response, login_path: str) -> str:
    status = response.status_code
    if status >= 500:
        return "5xx"
    if status in (301, 302, 303, 307, 308):
        return LOGIN if response["Location"].split("?")[0] == login_path else OK
    if status < 300:
        return OK
    return str(status)


def send(client: Client, role: str, side: str, method: str, url: str, login_path: str) -> Seen:
    """One request in a savepoint rolled back after it, watched for writes. The client's cookies are put back after
    it: a POST that logs out (everywhere) must not log the role out for the rows that follow."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    with transaction.atomic():
        with guard.watching() as watch, TestCase.captureOnCommitCallbacks(execute=True):
            response = client.get(url) if method == "GET" else client.post(url, data={})
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    error = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        error = f" — {response.exc_info[1]!r}"[:300]
    return Seen(role, side, method, url, outcome_of(response, login_path), watch.problems, error)


def expected_get(entry: Entry, role: str, side: str) -> str:
    if role == ANON:
        # A public page with a record in its URL (a feed's token) shows nothing for another one.
        return DENIED if entry.anon == OK and side == OUTSIDE and not entry.same else entry.anon
    if entry.post_only:
        return "405"
    allowed = entry.ok if side == INSIDE or entry.same else entry.out
    return OK if role in allowed else DENIED


def matches(expected: str, outcome: str, side: str, same: bool) -> bool:
    if expected == DENIED:
        return outcome == "404" if side == OUTSIDE and not same else outcome in ("403", "404")
    return outcome == expected


def run(world: World, pattern: Pattern, entry: Entry, made: dict[str, Client]) -> tuple[list[Seen], list[str]]:
    """Every request of the URL's row; returns what was seen and the failures (as lines).

    GET: every role on both sides. POST (an empty body): inside, every role that must not write; outside, every
    role that may write inside (another subtree's record must stay out of reach: 404, or 405 for a page that takes
    no POST). A refused POST changes nothing; a role that may read a page that ignores the method may get the page.
    """
    login_path = reverse(settings.LOGIN_URL)
    seen: list[Seen] = []
    failures: list[str] = []
    writers = entry.writers()
    sides = (INSIDE,) if entry.same else (INSIDE, OUTSIDE)
    for side in sides:
        url = url_for(world, pattern, entry, side)
        read: dict[str, str] = {}
        for role in ROLES:
            got = send(made[role], role, side, "GET", url, login_path)
            seen.append(got)
            read[role] = got.outcome
            expected = expected_get(entry, role, side)
            if not matches(expected, got.outcome, side, entry.same) or got.writes:
                failures.append(f"{got.line()} — expected {expected}")
        posting = [r for r in ROLES if r not in writers] if side == INSIDE else [r for r in ROLES if r in writers]
        for role in posting:
            got = send(made[role], role, side, "POST", url, login_path)
            seen.append(got)
            refused = {"403", "404", "405"} | ({LOGIN} if role == ANON else set())
            if entry.same or side == INSIDE:
                refused |= {OK} if read[role] == OK and expected_get(entry, role, side) == OK else set()
            if got.outcome not in refused or got.writes:
                failures.append(f"{got.line()} — expected {' or '.join(sorted(refused))} and no write")
    return seen, failures
