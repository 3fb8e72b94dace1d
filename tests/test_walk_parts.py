"""The walk test's own parts: it finds each kind of fault (on a small site holding one of each), its guard sees a
GET's writes both ways, and pages are read as a browser and htmx would read them."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection

from apps.common.audit import record_access
from tests.walk import guard, pages
from tests.walk.walker import Walk, Walker, spread

TODAY = date(2026, 3, 9)


@pytest.mark.urls("tests.walk.fake_site")
@pytest.mark.django_db
def test_the_walk_finds_a_dead_link_a_writing_get_and_server_errors_and_nothing_else():
    user = get_user_model().objects.create_user("walker", first_name="Walker")
    walk = Walk()
    walker = Walker(user, per_name=3, walk=walk)
    walker.crawl("/")
    walker.submit_all()
    found = sorted((f.kind, f.url) for f in walk.findings)
    assert found == [
        ("404 link", "/missing/"),
        ("5xx", "/boom/"),
        ("GET writes", "/writes/"),
        ("form 5xx", "/post-boom/"),
    ]
    writes = next(f for f in walk.findings if f.kind == "GET writes")
    assert "UPDATE auth_user" in writes.detail and "changed" in writes.detail  # both checks saw it
    user.refresh_from_db()
    assert user.first_name == "Walker"  # every request was rolled back
    # Sampling: three of the eight links to the same page, the list's first, last and middle.
    fine = [line.split()[3] for line in walk.log if " GET " in line and "/fine/" in line and "(after" not in line]
    assert fine == ["/fine/", "/fine/?n=7", "/fine/?n=4"]
    # The forms went through CSRF (the client enforces it): a filled required field, a named htmx button.
    assert sum(" POST 302 /post-ok/" in line for line in walk.log) == 2
    assert any(" GET  200 /fragment/" in line for line in walk.log)
    assert any("/reads/" in line for line in walk.log)  # the access entry it wrote is allowed


@pytest.mark.django_db
def test_guard_sees_an_orm_write_and_allows_an_access_entry():
    user = get_user_model().objects.create_user("watched")
    with guard.watching() as watch:
        record_access(user)
    assert watch.problems == []
    with guard.watching() as watch:
        get_user_model().objects.filter(pk=user.pk).update(first_name="x")
    assert "UPDATE auth_user" in watch.problems
    assert any("changed" in p for p in watch.problems)


@pytest.mark.django_db
def test_guard_fingerprint_sees_a_write_the_statement_wrapper_misses():
    user = get_user_model().objects.create_user("watched")
    with guard.watching() as watch:
        connection.ensure_connection()
        connection.connection.execute(f"UPDATE auth_user SET first_name = 'raw' WHERE id = {int(user.pk)}")
    assert watch.statements == []  # the raw driver call bypasses execute_wrapper…
    assert watch.changed  # …the engine's change counter does not


@pytest.mark.django_db
def test_guard_flags_a_change_record_written_to_the_access_log_table():
    user = get_user_model().objects.create_user("watched")
    with guard.watching() as watch:
        LogEntry.objects.log_create(
            user, action=LogEntry.Action.UPDATE, changes={"first_name": ["a", "b"]}, force_log=True
        )
    assert any("not access entries" in p for p in watch.problems)


def test_write_statements_are_recognised():
    assert guard._write_of('INSERT INTO "meetings_vote" ("a") VALUES (%s)') == ("INSERT INTO", "meetings_vote")
    assert guard._write_of("INSERT OR IGNORE INTO x VALUES (1)") == ("INSERT OR IGNORE INTO", "x")
    assert guard._write_of('UPDATE "members_member" SET a = 1') == ("UPDATE", "members_member")
    assert guard._write_of('DELETE FROM "django_session" WHERE 1') == ("DELETE FROM", "django_session")
    assert guard._write_of('SELECT "a" FROM "b" FOR UPDATE') is None
    assert guard._write_of("SAVEPOINT s1") is None


FORM_PAGE = """<html><body hx-headers='{"X-CSRFToken": "tok"}'>
<form method="post" action="/save/" id="f1">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="kept" value="as rendered"><input name="title" required maxlength="4"><input name="optional">
  <input name="on" required placeholder="dd/mm/yyyy"><input name="at" required placeholder="dd/mm/yyyy HH:MM">
  <input type="number" name="n" required min="2"><input name="off" value="x" disabled>
  <input type="checkbox" name="c1" checked><input type="checkbox" name="c2" value="v">
  <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
  <select name="s1"><option value="1">one</option><option value="2" selected>two</option></select>
  <select name="s2"><option value="a">a</option><option value="b">b</option></select>
  <select name="s3" required><option value="">---</option><option value="9">nine</option></select>
  <textarea name="t" required></textarea><input type="file" name="doc" required accept=".pdf,.docx">
  <button name="go" value="save">Save</button>
  <button formaction="/other/" hx-post="/other/">Other</button>
</form>
<button type="submit" form="f1" name="go" value="outside">Outside</button>
<form method="get" action="/search/"><input name="q" value="Hà"><select name="y"><option>2026</option></select></form>
<a href="/x/?a=1#frag">x</a><a href="https://other.example/">o</a><a href="/static/a.css">s</a><a href="#t">t</a>
<div hx-get="/part/"></div>
</body></html>"""


def test_forms_are_sent_with_the_rendered_values_and_plausible_required_ones():
    doc = pages.parse(FORM_PAGE.encode())
    sent = pages.submissions(doc, "/page/", TODAY)
    assert [(s.url, s.label, s.htmx) for s in sent] == [
        ("/save/", "Save", False),
        ("/other/", "Other", True),
        ("/save/", "Outside", False),
    ]
    data = dict(sent[0].data)
    assert data == {
        "csrfmiddlewaretoken": "tok",
        "kept": "as rendered",
        "title": "Kiểm",  # maxlength respected
        "optional": "",
        "on": "09/03/2026",
        "at": "09/03/2026 19:30",
        "n": "2",
        "c1": "on",
        "r": "b",
        "s1": "2",
        "s2": "a",
        "s3": "9",
        "t": "Chi bộ đã thảo luận và thống nhất nội dung.",
        "go": "save",
    }
    assert sent[0].files == (("doc", "walk.pdf"),)
    assert "go" not in dict(sent[1].data) and dict(sent[1].headers) == {"X-CSRFToken": "tok"}
    assert dict(sent[2].data)["go"] == "outside"


def test_links_stay_on_the_site_and_get_forms_become_links():
    doc = pages.parse(FORM_PAGE.encode())
    assert pages.links(doc, "/page/") == [
        pages.Link("/search/?q=H%C3%A0&y=2026", htmx=False),
        pages.Link("/x/?a=1", htmx=False),
        pages.Link("/part/", htmx=True),
    ]


def test_spread_puts_first_last_and_middle_of_each_kind_first():
    links = [pages.Link(f"/members/{n}/", htmx=False) for n in range(1, 6)]
    assert [link.url for link in spread(links)][:3] == ["/members/1/", "/members/5/", "/members/3/"]


def test_a_prefilled_value_the_browser_would_refuse_is_found():
    doc = pages.parse(
        b"""<html><body>
        <form method="post" action="/dues/"><input type="number" name="a" value="127680" step="1000">
          <input type="number" name="b" value="128000" step="1000"><input type="number" name="c" value="5" min="1"
          max="4"><input name="d" value="abcdef" maxlength="3"><input type="number" name="e" value="0.5"
          step="any"><input type="hidden" name="f" value="x" maxlength="0"><button>Save</button></form>
        <form method="post" action="/free/" novalidate><input type="number" name="g" value="7" step="1000"></form>
        </body></html>"""
    )
    assert pages.refused_as_rendered(doc) == [
        "/dues/ a='127680': off the step 1000",
        "/dues/ c='5': above max 4",
        "/dues/ d='abcdef': longer than maxlength 3",
    ]
