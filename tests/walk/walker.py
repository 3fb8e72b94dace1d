"""Walk the site as one logged-in account: follow what the pages show, then submit the forms they render.

Every request runs in a savepoint rolled back after it: the demo stays as seeded for every page and every form (a
form that ends a meeting or deletes a row destroys nothing the walk still needs, so no form is skipped), and one
request's damage never hides behind another's. Side effects queued with ``transaction.on_commit`` run inside that
savepoint, as they would after a real commit, so a failing e-mail shows up as a failed request.

Sampling: at most ``per_name`` distinct URLs are visited (and ``per_name`` forms submitted) per URL name, the
first ones met in breadth-first order from the home page, which is deterministic for a given database.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.walk import guard, pages

ROOT = str(Path(settings.BASE_DIR))
REDIRECTS = (301, 302, 303, 307, 308)
FILE_BODIES = {
    "json": b"{}",
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000005000165a7d54f0000000049454e44ae426082"
    ),
}


@dataclass(frozen=True)
class Finding:
    account: str
    kind: str  # "5xx", "404 link", "GET writes", "form 5xx", …
    url: str
    detail: str
    via: str  # the page that showed the link or the form

    def line(self) -> str:
        return f"{self.account:<9} {self.kind:<14} {self.url}  — {self.detail}  (shown on {self.via})"


@dataclass
class Walk:
    findings: list[Finding] = field(default_factory=list)
    gets: int = 0
    posts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per url name, the slowest request
    statuses: Counter = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)  # every request: account, method, status, URL, where it was shown
    notes: list[Finding] = field(default_factory=list)  # worth a look, not failures (a form leading to a 404)


def url_name(path: str) -> str:
    """The sampling key: the URL pattern's name (or its route when unnamed); a path that resolves nowhere is its own."""
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return f"unresolved {path}"
    return match.view_name if match.url_name else f"{match.namespace}:{match.route}"


def _summary(exc: BaseException) -> str:
    """The exception and the innermost frame in the project's code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(ROOT + "/apps")]
    where = f" at {frames[-1].filename.removeprefix(ROOT + '/')}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:200]}{where}"


class Walker:
    def __init__(self, user, *, per_name: int = 3, walk: Walk):
        self.user = user
        self.account = user.username
        self.per_name = per_name
        self.walk = walk
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=True)
        self.log_in()
        self.login_path = reverse(settings.LOGIN_URL)
        self.today = timezone.localdate()
        self.seen: set[tuple[str, bool]] = set()
        self.per_key: Counter = Counter()
        self.forms: list[tuple[pages.Submission, str]] = []
        self.form_keys: set = set()
        self.forms_per_key: Counter = Counter()

    def log_in(self) -> None:
        """force_login, then the second step as django_otp.login does it: the session names the verified device
        (the account's authenticator, when it has one), so the walk sees every page a verified person sees."""
        self.client.force_login(self.user)
        device = TOTPDevice.objects.filter(user=self.user, confirmed=True).first()
        if device is not None:
            session = self.client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    def report(self, kind: str, url: str, detail: str, via: str) -> None:
        self.walk.findings.append(Finding(self.account, kind, url, detail, via))

    # -- one request, in a savepoint rolled back after it ------------------------------------------------------------
    def _request(
        self, method: str, url: str, *, htmx: bool, via: str, headers=(), data=None, check_writes: bool, rollback=True
    ):
        """Send one request; returns (status, response, content), or (500, None, b"") when the view raised.
        ``rollback=False`` keeps its writes for the caller's savepoint (a POST, for the page it redirects to)."""
        request_headers = dict(headers) if htmx else {}
        if htmx:
            request_headers["HX-Request"] = "true"
        key = url_name(url)
        started = time.perf_counter()
        response = None
        with transaction.atomic():
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    if check_writes:
                        with guard.watching() as watch:
                            response = self.client.get(url, headers=request_headers)
                            content = _read(response)
                    elif method == "GET":
                        response = self.client.get(url, headers=request_headers)
                        content = _read(response)
                    else:
                        response = self.client.post(url, data=data, headers=request_headers)
                        content = _read(response)
            except Exception as exc:  # the view (or a side effect after "commit") failed: what a user sees as a 500
                self.report("5xx" if method == "GET" else "form 5xx", url, _summary(exc), via)
                response, content = None, b""
                transaction.set_rollback(True)  # PostgreSQL: a failed statement leaves the savepoint unusable
            else:
                if check_writes and watch.problems:
                    self.report("GET writes", url, "; ".join(watch.problems), via)
                if rollback:
                    transaction.set_rollback(True)
        elapsed = time.perf_counter() - started
        self.walk.seconds[key] = max(self.walk.seconds.get(key, 0.0), elapsed)
        if method == "GET":
            self.walk.gets += 1
        else:
            self.walk.posts += 1
        status = response.status_code if response is not None else 500
        self.walk.log.append(f"{self.account:<9} {method:<4} {status} {url}  ({via}, {elapsed:.2f}s)")
        if response is None:
            return 500, None, b""
        self.walk.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.report("5xx" if method == "GET" else "form 5xx", url, f"status {response.status_code}", via)
        return response.status_code, response, content

    # -- links ---------------------------------------------------------------------------------------------------------
    def crawl(self, start: str = "/") -> None:
        queue: deque[tuple[pages.Link, str]] = deque([(pages.Link(start, htmx=False), "(start)")])
        self.seen.add((start, False))
        while queue:
            link, via = queue.popleft()
            page, shown = self._visit(link, via)
            for found in spread(shown):
                key = url_name(found.url)
                if (found.url, found.htmx) in self.seen or self.per_key[key] >= self.per_name:
                    continue
                self.seen.add((found.url, found.htmx))
                self.per_key[key] += 1
                queue.append((found, page))

    def _visit(self, link: pages.Link, via: str) -> tuple[str, list[pages.Link]]:
        """GET the link (and the redirects it answers with); return the final URL and the links its page shows.
        The forms the page renders are kept for ``submit_all``."""
        url, hops = link.url, 0
        while True:
            status, response, content = self._request("GET", url, htmx=link.htmx, via=via, check_writes=True)
            if status in REDIRECTS:
                target = pages.site_url(url, response["Location"])
                if target is None:
                    return url, []
                if target.split("?")[0] == self.login_path:
                    self.report("link → login", url, "a logged-in user is sent to the login page", via)
                    return url, []
                hops += 1
                if hops > 5:
                    self.report("redirect loop", url, f"more than 5 redirects, last to {target}", via)
                    return url, []
                via, url = url, target
                continue
            break
        if status == 404:
            self.report("404 link", url, "the page shows a link the user cannot open", via)
        elif status in (403, 405):
            self.report(f"{status} link", url, "the page shows a link the user cannot open", via)
        if response is None or status != 200 or "html" not in response.get("Content-Type", ""):
            return url, []
        doc = pages.parse(content, response.charset or "utf-8")
        if doc is None:
            return url, []
        for submission in pages.submissions(doc, url, self.today):
            self._collect(submission, url)
        for problem in pages.refused_as_rendered(doc):
            self.report("form refused as rendered", url, problem, via)
        return url, pages.links(doc, url)

    # -- forms ---------------------------------------------------------------------------------------------------------
    def _collect(self, submission: pages.Submission, page: str) -> None:
        key = url_name(submission.url)
        identity = (submission.url, submission.data, submission.files, submission.label)
        if identity in self.form_keys or self.forms_per_key[key] >= self.per_name:
            return
        self.form_keys.add(identity)
        self.forms_per_key[key] += 1
        self.forms.append((submission, page))

    def submit_all(self) -> None:
        for submission, page in self.forms:
            self._submit(submission, page)
            # A form may end the session (log out, change the password): the next one starts logged in again.
            self.log_in()

    def _submit(self, submission: pages.Submission, page: str) -> None:
        data: dict[str, list] = {}
        for name, value in submission.data:
            data.setdefault(name, []).append(value)
        for name, file_name in submission.files:
            ext = file_name.rsplit(".", 1)[-1]
            data.setdefault(name, []).append(SimpleUploadedFile(file_name, FILE_BODIES.get(ext, b"walk\n")))
        url = submission.url
        label = f"{url} [{submission.label}]" if submission.label else url
        with transaction.atomic():  # the POST and the pages it leads to see its writes; all rolled back after
            status, response, _content = self._request(
                "POST",
                url,
                htmx=submission.htmx,
                via=page,
                headers=submission.headers,
                data=data,
                check_writes=False,
                rollback=False,
            )
            if response is not None and status == 403:
                self.report("form 403", label, "the page shows a form the user cannot send", page)
            elif response is not None and status in (404, 405):
                self.report(f"form {status}", label, "the page shows a form the user cannot send", page)
            target = None
            if response is not None and status in REDIRECTS:
                target = pages.site_url(url, response["Location"])
            elif response is not None and response.get("HX-Redirect"):
                target = pages.site_url(url, response["HX-Redirect"])
            hops = 0
            while target and hops < 5:
                hops += 1
                status, response, _content = self._request(
                    "GET", target, htmx=False, via=f"after {label}", check_writes=True
                )
                if status in (403, 404):  # e.g. handing one's own office over: the member's page closes
                    self.walk.notes.append(
                        Finding(self.account, f"form → {status}", label, f"then {target} answers {status}", page)
                    )
                target = pages.site_url(target, response["Location"]) if status in REDIRECTS else None
            transaction.set_rollback(True)


def spread(links: list[pages.Link]) -> list[pages.Link]:
    """The page's links with, for each URL name, its first, last and middle link put first (in that order): a
    list's oldest and newest rows (a calendar's January and December) rather than its first three."""
    groups: dict[str, list[pages.Link]] = {}
    for link in links:
        group = groups.setdefault(url_name(link.url), [])
        if link not in group:
            group.append(link)
    ordered: list[pages.Link] = []
    for group in groups.values():
        picks = [group[0], group[-1], group[len(group) // 2]]
        ordered += list(dict.fromkeys(picks + group))
    return ordered


def _read(response) -> bytes:
    if getattr(response, "streaming", False):
        # The test client wraps a streamed body so that reading it to the end closes the response with the database
        # connection kept. Closing it again here would send request_finished unguarded, and Django would close a
        # PostgreSQL connection inside the test's transaction (a file download did: an export, a .docx).
        return b"".join(response.streaming_content)
    return response.content
