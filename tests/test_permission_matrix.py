"""The permission matrix (issue 13, point 6): every URL pattern × every role (anonymous, member, the cell's
secretary, deputy and board, committee staff, supervisor, inspection, administrator) × {inside the role's subtree,
outside it}, on the seeded sample demo.

tests/matrix/entries.py says, for every URL name, how its keywords are filled and which roles may open it; a URL
with no entry fails (a new page must say who may see it), as does an entry whose URL is gone. Each URL's row GETs
as every role on both sides and POSTs an empty body as every role that must not write: a denied role gets 403/404
(404 outside its subtree, never the record), an anonymous visitor the login page, and no GET nor refused POST
changes the database (tests/walk/guard.py). The admin site is one family: only superusers get in.

The demo is seeded once per process and shared with the other tests on the sample demo; the matrix's accounts and
records are added over it in a savepoint, once (the ``matrix`` fixture, tests/conftest.py). Each test runs in its own
savepoint, and every request in a savepoint rolled back after it (tests/matrix/check.py).
"""

import json
import os

import pytest
from django.conf import settings
from django.urls import reverse

from tests.matrix import check, entries
from tests.matrix import world as matrix_world
from tests.matrix.admin import admin_kwargs
from tests.matrix.urls import patterns

PATTERNS = patterns()
NAMES = sorted(k for k in PATTERNS if not k.startswith("admin:"))
ADMIN_NAMES = sorted(k for k in PATTERNS if k.startswith("admin:"))
ADMIN_FAMILY_ROLES = ["superuser", "anonymous", "member", "admin"]
OBSERVE = os.environ.get("MATRIX_OBSERVE")  # a directory: write what each row saw there instead of failing


def test_every_url_has_an_entry_and_every_entry_a_url():
    missing = [name for name in NAMES if name not in entries.ENTRIES]
    gone = [name for name in entries.ENTRIES if name not in PATTERNS]
    assert not missing, "URLs with no entry in tests/matrix/entries.py (say who may open them):\n" + "\n".join(
        f"{name}  {PATTERNS[name].route}" for name in missing
    )
    assert not gone, "entries in tests/matrix/entries.py for URLs that no longer exist: " + ", ".join(gone)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in NAMES if n in entries.ENTRIES])
def test_permission_matrix(matrix, name):
    world, made = matrix
    seen, failures = check.run(world, PATTERNS[name], entries.ENTRIES[name], made)
    if OBSERVE:
        with open(os.path.join(OBSERVE, f"{name.replace(':', '__')}.json"), "w") as out:
            json.dump([s.__dict__ for s in seen], out)
        return
    assert not failures, f"{name}: {len(failures)} cell(s) of the matrix differ:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_only_superusers_enter_the_admin_site(matrix):
    """The admin family: the admin's index sends every role of the matrix to the admin's login page and lets a
    superuser in; every other admin URL (its object keywords filled with a real row) is tried as a superuser, an
    anonymous visitor, a plain member and the (non-superuser) administrator, the highest role of the matrix."""
    world, made = matrix
    admin_login = reverse("admin:login")
    failures = []
    for key in ADMIN_NAMES:
        pattern = PATTERNS[key]
        if pattern.name in ("admin:login", "admin:logout"):
            continue
        catch_all = pattern.name.startswith("admin:(unnamed)")
        url = "/admin/nowhere/" if catch_all else reverse(pattern.name, kwargs=admin_kwargs(pattern))
        roles = ["superuser", *matrix_world.ROLES] if key == "admin:index" else ADMIN_FAMILY_ROLES
        for role in roles:
            got = check.send(made[role], role, "-", "GET", url, admin_login)
            # A superuser gets in: the page, or the admin's own refusal of a read-only model's add or delete page
            # (403) or of a record that is not there (404).
            expected = {check.OK, "403", "404"} if role == "superuser" else {check.LOGIN}
            if got.outcome not in expected or got.writes:
                failures.append(f"{got.line()} — expected {' or '.join(sorted(expected))}")
    assert not failures, "\n".join(failures)
    assert settings.LOGIN_URL  # the site's own login is another page (login, in the matrix)
