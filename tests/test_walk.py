"""The walk test (issue 10, "Quality bars"): on the seeded demo district that `make run` loads, each demo account
follows every link its pages show and submits every form they render (htmx included), sampled per URL name.

It fails, in one assertion listing every offence, on: a server error (GET or form, or the page a form leads to);
a link shown to the user that answers 404 (or 403/405, or sends a logged-in user to the login page); a form shown
that the user cannot send (403/404/405); a GET that changes the database (see tests/walk/guard.py: statements
seen by ``connection.execute_wrapper`` and the engine's own change counters, the access log's entries aside).
A form whose result the user may no longer open (handing one's own office over) is printed as a note. Every
request is logged to test-artifacts/walk-<database>.log.

The district is seeded once per process, inside a transaction rolled back when a test that does not ask for it
uses the database (the ``demo_district`` fixture, tests/conftest.py); the test runs in its own savepoint and every
request of the walk in a savepoint rolled back after it (tests/walk/walker.py).
"""

import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.walk.walker import Walk, Walker

ACCOUNTS = ["quantri", "canbo", "bithu", "dangvien", "giamsat", "kiemtra"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # git-ignored: the walk's log goes there
PER_NAME = 3  # distinct URLs visited, and forms submitted, per (account, URL name)


@pytest.mark.django_db
def test_every_account_walks_the_demo_without_errors_dead_links_or_writing_gets(demo_district, settings):
    settings.CHIBO_OTP_REQUIRED = True  # as in production: the accounts with the demo authenticator walk verified
    walk = Walk()
    started = time.monotonic()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)}
    assert sorted(users) == sorted(ACCOUNTS)
    for account in ACCOUNTS:
        walker = Walker(users[account], per_name=PER_NAME, walk=walk)
        walker.crawl("/")
        walker.submit_all()
    slowest = sorted(walk.seconds.items(), key=lambda kv: -kv[1])[:5]
    print(
        f"walk: {walk.gets} GETs and {walk.posts} form submissions in {time.monotonic() - started:.1f}s; "
        f"statuses {dict(sorted(walk.statuses.items()))}; slowest: "
        + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in slowest)
    )
    for note in walk.notes:
        print(f"walk note: {note.line()}")
    findings = sorted(set(walk.findings), key=lambda f: (f.kind, f.account, f.url))
    ARTIFACTS.mkdir(exist_ok=True)
    lines = walk.log + [f"NOTE {n.line()}" for n in walk.notes] + [f"FAIL {f.line()}" for f in findings]
    (ARTIFACTS / f"walk-{connection.vendor}.log").write_text("\n".join(lines) + "\n")
    assert not findings, f"{len(findings)} problem(s) found walking the demo:\n" + "\n".join(f.line() for f in findings)
