"""A small browser for the soak: one client per person, cookies kept by hand, forms read from the pages.

Standard library only (http.client): no new dependency. The app runs under the production settings behind a
pretend reverse proxy: every request says it came over HTTPS (X-Forwarded-Proto) for a client address of its own
(X-Forwarded-For, trusted from 127.0.0.1 through CHIBO_TRUSTED_PROXIES), so the session and CSRF cookies are Secure
and the CSRF check wants an https Origin, as in production. Cookies are therefore kept here, not by a cookie jar
(which would never send a Secure cookie over the loopback's plain HTTP).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

TIMEOUT = 60  # seconds; far above any page's time, only so that a hung server fails the soak instead of hanging it


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # inputs with a value (hidden, text, checked, selected)
    options: dict[str, list[str]] = field(default_factory=dict)  # the values a select or a radio group offers
    buttons: dict[str, list[str]] = field(default_factory=dict)  # submit buttons with a name


class _Forms(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.rows: list[tuple[list[str], list[str]]] = []  # each table row's texts and links
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=urljoin(self.base, a.get("action") or self.base), method=a.get("method", "get"))
            self.forms.append(self._form)
        elif tag == "tr":
            self.rows.append(([], []))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self.rows:
                self.rows[-1][1].append(a["href"])
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind == "submit":
                form.buttons.setdefault(name, []).append(a.get("value", ""))
            else:
                form.fields[name] = a.get("value", "")
        elif tag == "button" and name:
            form.buttons.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.rows:
            self.rows[-1][0].append(data.strip())
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data


class Page:
    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes):
        self.url, self.status, self.headers, self.body = url, status, headers, body
        self._parsed: _Forms | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def _parse(self) -> _Forms:
        if self._parsed is None:
            self._parsed = _Forms(self.url)
            self._parsed.feed(self.text)
        return self._parsed

    @property
    def forms(self) -> list[Form]:
        return self._parse().forms

    @property
    def links(self) -> list[str]:
        return self._parse().links

    def row_links(self, text: str) -> list[str]:
        """The links of the table rows whose text contains ``text``."""
        return [href for texts, hrefs in self._parse().rows if text in " ".join(texts) for href in hrefs]

    def form(self, action: str | re.Pattern) -> Form | None:
        """The first form whose action's path matches (a regular expression) or ends with (a string)."""
        for f in self.forms:
            path = urlsplit(f.action).path
            if action.search(path) if isinstance(action, re.Pattern) else path.endswith(action):
                return f
        return None

    def error_messages(self) -> list[str]:
        """The page's error messages (Django's messages framework, class "error")."""
        return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<li class="error">(.*?)</li>', self.text, re.S)]


class Unexpected(Exception):
    """An answer the person would not expect (a server error, a refusal, a wrong status): a soak failure."""


class Client:
    """One person's browser. ``record(kind, seconds, status, ok)`` is told of every request."""

    def __init__(self, host: str, port: int, address: str, record):
        self.host, self.port, self.address, self.record = host, port, address, record
        self.cookies: dict[str, str] = {}
        self.lock = threading.RLock()  # one phone: a member reading and voting takes turns
        self.origin = f"https://{host}:{port}"

    def _csrf(self, form: Form | None) -> str:
        if form is not None and form.fields.get("csrfmiddlewaretoken"):
            return form.fields["csrfmiddlewaretoken"]
        return self.cookies.get("csrftoken", "")

    def request(self, *args, **kw) -> Page:
        with self.lock:
            return self._request(*args, **kw)

    def _request(
        self,
        kind: str,
        method: str,
        url: str,
        data: dict | list | None = None,
        *,
        htmx: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> Page:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "User-Agent": "chibo-soak",
            "Accept-Language": "vi",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        if htmx:
            headers["HX-Request"] = "true"
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
            answer = {k.lower(): v for k, v in response.getheaders()}
            cookies = response.msg.get_all("Set-Cookie") or []
        except (OSError, http.client.HTTPException) as exc:
            self.record(kind, time.monotonic() - started, 0, False)
            raise Unexpected(f"{kind}: {method} {path}: {exc!r}") from exc
        finally:
            connection.close()
        elapsed = time.monotonic() - started
        for cookie in cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or "expires=thu, 01 jan 1970" in cookie.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        page = Page(urljoin(url, path), status, answer, payload)
        refused = htmx and "x-not-saved" in answer
        ok = status in expect and not refused
        self.record(kind, elapsed, status, ok)
        if not ok:
            snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))[:300]
            why = "refused (X-Not-Saved)" if refused else f"status {status}"
            raise Unexpected(f"{kind}: {method} {path}: {why}: {snippet}")
        return page

    def get(self, kind: str, url: str, **kw) -> Page:
        return self.request(kind, "GET", self._absolute(url), **kw)

    def _absolute(self, url: str) -> str:
        return url if url.startswith("http") else f"http://{self.host}:{self.port}{url}"

    def submit(self, *args, **kw) -> Page:
        with self.lock:  # the post and the page it leads to, with its messages, on one phone
            return self._submit(*args, **kw)

    def _submit(
        self,
        kind: str,
        form: Form,
        values: dict | None = None,
        *,
        htmx: bool = False,
        follow: bool = True,
        expect: tuple[int, ...] | None = None,
    ) -> Page:
        """Post the form with its own values (CSRF and one-time tokens included) overridden by ``values``; a redirect
        is followed like a browser does and the page it leads to must show no error message."""
        data = {**form.fields, **(values or {})}
        data.setdefault("csrfmiddlewaretoken", self._csrf(form))
        data = {k: v for k, v in data.items() if v is not None}
        url = self._absolute(form.action)
        if htmx:
            return self.request(kind, "POST", url, data, htmx=True, expect=expect or (200, 204))
        page = self.request(kind, "POST", url, data, expect=expect or (302, 303))
        if follow and page.status in (302, 303):
            page = self.get(kind + " (then)", urljoin(url, page.headers["location"]))
            errors = page.error_messages()
            if errors:
                raise Unexpected(f"{kind}: refused: {' | '.join(errors)}")
        return page


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (django-otp's TOTPDevice defaults: SHA-1, 30 s, 6 digits) from the device's hex key."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % (10**digits)
    return str(code).zfill(digits)


def b32_to_hex(key: str) -> str:
    return base64.b32decode(key.upper() + "=" * (-len(key) % 8)).hex()


def log_in(client: Client, username: str, password: str, *, totp_key: str = "") -> Page:
    """Log in through the login page(s): the password form, then, when the site asks for one, the second factor
    (a form with a token/code field) with a code computed from the account's device key."""
    page = client.get("login page", "/accounts/login/")
    form = next((f for f in page.forms if any(n.endswith("password") for n in f.fields)), None)
    if form is None:
        raise Unexpected("login page: no form with a password field")
    values = {}
    for name in form.fields:
        if name.endswith("username"):
            values[name] = username
        elif name.endswith("password"):
            values[name] = password
    page = client.submit("log in", form, values, follow=False, expect=(200, 302))
    for _step in range(3):
        if page.status in (302, 303):
            page = client.get("log in (then)", urljoin(page.url, page.headers["location"]))
            continue
        if not urlsplit(page.url).path.startswith("/accounts/"):
            break  # past the login pages
        token_form = next(
            (
                f
                for f in page.forms
                for n in f.fields
                if re.search(r"(otp_token|token|code)$", n) and n not in ("submission_token", "csrfmiddlewaretoken")
            ),
            None,
        )
        if token_form is None:
            break
        if not totp_key:
            raise Unexpected(f"log in {username}: a second factor is asked and the account has no device key")
        name = next(
            n
            for n in token_form.fields
            if re.search(r"(otp_token|token|code)$", n) and n not in ("submission_token", "csrfmiddlewaretoken")
        )
        page = client.submit(
            "log in: second factor", token_form, {name: totp(totp_key)}, follow=False, expect=(200, 302)
        )
    if "sessionid" not in client.cookies:
        raise Unexpected(f"log in {username}: no session after the login form ({page.url})")
    return page
