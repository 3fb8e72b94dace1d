"""The Content-Security-Policy holds on every page kind (issue 13, point 4).

(a) Server side, on the seeded sample demo: each demo account walks its pages (one URL per URL name, through the
walk's crawler, tests/walk/walker.py), plus the login page, the admin and the 500 page. Every full page carries a
CSP header whose every source is 'self', 'none' or data: (no host, no other scheme, no 'unsafe-*'), and no HTML
(page or htmx fragment) holds an inline script, an on* attribute, a style attribute, a <style> element or a
javascript: URL.

(b) In Chromium (Debian's), at phone width, a committee staff member and a cell secretary open the page kinds
(collected by the same crawl), and the administrator the admin's pages; the test fails on any console message about the
Content Security Policy and any ``securitypolicyviolation`` event, and checks that the charts and the check-in QR
code (SVG served as images) still draw.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from apps.demo import world as demo
from apps.orgs.models import RoleGrant
from tests.browser import log_in
from tests.walk.walker import Walk, Walker, url_name

ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
ACCOUNTS = ["quantri", "canbo", "bithu", "dangvien", "giamsat", "kiemtra"]
# The page kinds the issue names: each must have been checked (reached by some account's walk).
REQUIRED = {
    "home",
    "orgs:tree",
    "orgs:detail",
    "members:list",
    "members:detail",
    "meetings:detail",
    "meetings:prepare",
    "meetings:minutes",
    "meetings:print_attendance",
    "resolutions:resolution",
    "quality:meeting_score",
    "grading:year",
    "oversight:dashboard",
    "oversight:briefing",
    "exports:list",
}


def csp_problems(header: str | None) -> list[str]:
    """What is wrong with a Content-Security-Policy header value (empty: nothing)."""
    if not header:
        return ["no Content-Security-Policy header"]
    problems = []
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if not words:
            continue
        directives[words[0]] = words[1:]
        problems += [f"{words[0]} allows {source}" for source in words[1:] if source not in ALLOWED_SOURCES]
    for needed in ("default-src", "script-src", "style-src", "object-src", "frame-ancestors"):
        if needed not in directives:
            problems.append(f"no {needed}")
    return problems


class InlineFinder(HTMLParser):
    """Inline script, inline style and event-handler attributes in a page or fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (an inline event handler)")
            elif name == "style":
                self.problems.append(f'<{tag} style="{(value or "")[:40]}"> (an inline style)')
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.problems.append("<style> (an inline style sheet)")
        if tag == "script":
            names = dict(attrs)
            if not names.get("src"):
                self.problems.append("<script> without src (an inline script)")
            self._in_script = bool(names.get("src"))  # inline code beside a src is reported on its own

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("<script src> with inline code")


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def page_problems(response, content: bytes) -> list[str]:
    if "html" not in response.get("Content-Type", ""):
        return []
    html = content.decode(response.charset or "utf-8", errors="replace")
    problems = inline_problems(html)
    if "<html" in html[:500].lower():
        problems += csp_problems(response.get("Content-Security-Policy"))
        if response.has_header("Content-Security-Policy-Report-Only"):
            problems.append("a report-only policy instead of an enforced one")
    return problems


class CSPWalker(Walker):
    """The walk's crawler, checking every HTML answer and keeping one URL per URL name (the pages seen)."""

    def __init__(self, user, *, checked: dict, problems: list, **kwargs):
        super().__init__(user, **kwargs)
        self.checked = checked
        self.problems = problems
        self.pages: list[str] = []  # full pages (not htmx fragments) answering 200, one per URL name

    def _request(self, method, url, *, htmx, via, **kwargs):
        status, response, content = super()._request(method, url, htmx=htmx, via=via, **kwargs)
        if response is not None and status == 200 and "html" in response.get("Content-Type", ""):
            key = url_name(url)
            self.checked.setdefault(key, url)
            if not htmx and key not in {url_name(u) for u in self.pages}:
                self.pages.append(url)
            self.problems += [f"{self.account} {url}: {p}" for p in page_problems(response, content)]
        return status, response, content


def walk_pages(accounts: list[str], checked: dict, problems: list) -> dict[str, list[str]]:
    """Each account's pages, one per URL name, checked on the way."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=accounts)}
    assert sorted(users) == sorted(accounts)
    pages = {}
    for account in accounts:
        walker = CSPWalker(users[account], per_name=1, walk=Walk(), checked=checked, problems=problems)
        walker.crawl("/")
        pages[account] = walker.pages
    return pages


def admin_urls() -> list[str]:
    grant = RoleGrant.objects.order_by("pk").first()
    user = get_user_model().objects.order_by("pk").first()
    return [
        reverse("admin:index"),
        reverse("admin:orgs_rolegrant_changelist"),
        reverse("admin:orgs_rolegrant_add"),
        reverse("admin:orgs_rolegrant_change", args=[grant.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:grading_discipline_changelist"),
    ]


def test_the_policy_checker_catches_what_it_should():
    assert csp_problems("default-src 'self'; script-src 'self' https://cdn.example; style-src 'self' 'unsafe-inline'")
    assert "no object-src" in csp_problems("default-src 'self'; script-src 'self'; style-src 'self'")
    html = (
        '<p style="color:red" onclick="x()">a</p><style>p{}</style><script>alert(1)</script>'
        '<script src="/s.js"></script><a href="javascript:void(0)">x</a><svg><style>x{}</style></svg>'
    )
    assert len(inline_problems(html)) == 6
    assert inline_problems('<script src="/static/js/a.js" defer></script><p class="x" data-on="1">ok</p>') == []


@pytest.mark.django_db
def test_every_page_kind_carries_the_policy_and_no_inline_script_or_style(sample_demo):
    checked: dict[str, str] = {}
    problems: list[str] = []
    walk_pages(ACCOUNTS, checked, problems)

    # The admin, as the administrator; the login and password-reset pages, as nobody.
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="quantri"))
    for url in admin_urls():
        response = admin.get(url)
        assert response.status_code == 200, url
        checked[url_name(url)] = url
        problems += [f"quantri {url}: {p}" for p in page_problems(response, response.content)]
    anonymous = Client()
    for url in (reverse("login"), reverse("password_reset")):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        checked[url_name(url)] = url
        problems += [f"anonymous {url}: {p}" for p in page_problems(response, response.content)]
    problems += [f"500.html: {p}" for p in inline_problems(render_to_string("500.html"))]

    print(f"csp: {len(checked)} URL names checked")
    missing = REQUIRED - set(checked)
    assert not missing, f"page kinds not reached: {sorted(missing)}"
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(sorted(set(problems)))


# ---------------------------------------------------------------------------------------------- in the browser

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


SETTLED = "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


class Watch:
    """Console messages about the policy and securitypolicyviolation events, per page."""

    def __init__(self, page):
        self.page = page
        self.messages: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.messages.append(f"{self.page.url}: console: {message.text[:300]}")

    def visit(self, url: str) -> None:
        """Open the page and wait until it has loaded and no htmx request is in flight (its ``load``-triggered
        fragments are in), then for two animation frames, by which the violation events of what they inserted
        have been dispatched. (Waiting for the network to be idle costs half a second a page.)"""
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function(SETTLED, polling="raf")
        self.page.evaluate(TWO_FRAMES)
        self.collect()

    def collect(self) -> None:
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.messages.append(f"{self.page.url}: event: {violation}")


def broken_images(page) -> list[str]:
    return page.evaluate(
        "Array.from(document.images).filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src)"
    )


@pytest.mark.browser
def test_pages_raise_no_policy_violation_in_chromium(transactional_db, live_server, browser, phone_page):
    """One seeded demo for the whole browser check (seeding is most of its time): today's meeting is started so its
    live page shows the check-in QR code; each URL name is opened once in Chromium, by the first of the committee
    staff member and the cell secretary whose crawl reached it (the server-side test above checks every account's
    answers); the dashboard's charts and the QR code must draw."""
    from apps.meetings.models import Meeting  # noqa: PLC0415 (kept beside its one use)
    from apps.meetings.services import live as services_live  # noqa: PLC0415

    with translation.override("vi"):
        demo.build(profile="sample", seed=1, as_of=timezone.localdate())
    secretary = get_user_model().objects.get(username="bithu")
    meeting = Meeting.objects.get(cell=secretary.member.cell, kind="regular", scheduled_at__date=timezone.localdate())
    services_live.meeting_start(meeting=meeting)
    checked: dict[str, str] = {}
    problems: list[str] = []
    pages = walk_pages(["canbo", "bithu"], checked, problems)
    assert not problems, problems

    watch = Watch(phone_page)
    seen: set[str] = set()
    broken = []
    for account in ("canbo", "bithu"):
        phone_page.context.clear_cookies()
        watch.visit("/accounts/login/")
        log_in(phone_page, account, demo.DEMO_PASSWORD)
        watch.collect()
        for url in pages[account]:
            if url_name(url) in seen:
                continue
            watch.visit(url)
            broken += [f"{url}: {src}" for src in broken_images(phone_page)]
            seen.add(url_name(url))
        if account == "canbo":
            committee = RoleGrant.objects.filter(user__username="canbo").earliest("pk").organization
            watch.visit(reverse("oversight:dashboard", args=[committee.pk]))
            charts = phone_page.locator("img[src*='/chart/']")
            assert charts.count() >= 1
            for index in range(charts.count()):  # loading="lazy": each is fetched once scrolled into view
                assert drawn(phone_page, charts.nth(index)), charts.nth(index).get_attribute("src")
        else:
            watch.visit(reverse("meetings:detail", args=[meeting.pk]))
            code = phone_page.locator("img[src$='qr.svg']")
            assert code.count() == 1 and drawn(phone_page, code)
    phone_page.context.clear_cookies()
    log_in(phone_page, "quantri", demo.DEMO_PASSWORD)
    for url in admin_urls():
        watch.visit(url)
        seen.add(url_name(url))
    print(f"csp: {len(seen)} page kinds opened in Chromium")
    assert len(seen) >= 40
    assert not broken, "images that did not draw:\n" + "\n".join(broken)
    assert not watch.messages, "\n".join(watch.messages)


def drawn(page, image) -> bool:
    """The image, scrolled into view and loaded, has a size (a refused or broken SVG has none)."""
    image.scroll_into_view_if_needed()
    page.wait_for_function("(i) => i.complete", arg=image.element_handle())
    return image.evaluate("(i) => i.naturalWidth > 0")
