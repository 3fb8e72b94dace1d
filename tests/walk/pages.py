"""What a page shows a user, read the way a browser and htmx would: the links to follow and the forms to submit.

Only same-site URLs are kept (a path, with its query string; fragments dropped). A form is submitted once per
submit button (a button's name/value, ``formaction`` and ``hx-post`` count), with the values the page rendered and
a plausible value in each empty required field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html

FIELD_TAGS = ("input", "select", "textarea", "button")
NOT_SENT = {"submit", "image", "button", "reset"}  # input types sent only as the submitter
SKIPPED_PREFIXES = ("/static/",)  # assets, not pages


@dataclass(frozen=True)
class Link:
    url: str  # path?query on this site
    htmx: bool  # requested by htmx (hx-get): sent with HX-Request


@dataclass(frozen=True)
class Submission:
    url: str
    data: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, str], ...]  # (field name, file name): a small file of that kind is uploaded
    htmx: bool
    headers: tuple[tuple[str, str], ...]  # hx-headers of the element and its ancestors
    label: str  # the submit button's text or value, for the report


def site_url(base: str, href: str | None) -> str | None:
    """``href`` resolved against the page, as path?query, or None when it leaves the site or is not a page."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse(content: bytes, charset: str = "utf-8"):
    if not content.strip():
        return None
    return lxml.html.document_fromstring(content, parser=lxml.html.HTMLParser(encoding=charset))


def links(doc, base: str) -> list[Link]:
    """Every <a href>, every hx-get, and every GET form (submitted as rendered) in document order."""
    found: list[Link] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "a":
            url = site_url(base, el.get("href"))
            if url:
                found.append(Link(url, htmx=False))
        if el.get("hx-get") is not None:
            url = site_url(base, el.get("hx-get"))
            if url:
                found.append(Link(url, htmx=True))
        if el.tag == "form" and (el.get("method") or "get").lower() == "get" and el.get("hx-post") is None:
            url = site_url(base, el.get("action") or base)
            if url:
                data = _values(doc, el, submitter=None)[0]
                query = urlencode(data)
                url = url.split("?")[0] + (f"?{query}" if query else "")
                found.append(Link(url, htmx=False))
    return found


def submissions(doc, base: str, today: date) -> list[Submission]:
    """Every POST form and every hx-post element, once per submit button."""
    found: list[Submission] = []
    owners = _owners(doc)
    submitters_of: dict[object, list] = {}
    for el, form in owners:
        if form is not None and _is_submitter(el):
            submitters_of.setdefault(form, []).append(el)
    for form in doc.iter("form"):
        posts = (form.get("method") or "get").lower() == "post" or form.get("hx-post") is not None
        if not posts:
            continue
        for submitter in submitters_of.get(form, []) or [None]:
            action = None
            htmx = form.get("hx-post") is not None
            if submitter is not None and submitter.get("hx-post") is not None:
                action, htmx = submitter.get("hx-post"), True
            elif submitter is not None and submitter.get("formaction"):
                action = submitter.get("formaction")
            action = action or form.get("hx-post") or form.get("action") or base
            url = site_url(base, action)
            if not url:
                continue
            data, files = _values(doc, form, submitter=submitter, owners=owners, today=today)
            data += _hx_vals(submitter if submitter is not None else form)
            label = _label(submitter) if submitter is not None else ""
            headers = _hx_headers(submitter if submitter is not None else form)
            found.append(Submission(url, tuple(data), tuple(files), htmx, headers, label))
    submitter_ids = {id(el) for els in submitters_of.values() for el in els}
    for el in doc.xpath("//*[@hx-post]"):
        if el.tag == "form" or id(el) in submitter_ids:
            continue
        url = site_url(base, el.get("hx-post"))
        if not url:
            continue
        form = next(el.iterancestors("form"), None)
        data, files = _values(doc, form, submitter=None, owners=owners, today=today) if form is not None else ([], [])
        if el.get("name") and el.tag in FIELD_TAGS:
            data.append((el.get("name"), el.get("value") or ""))
        data += _hx_vals(el)
        found.append(Submission(url, tuple(data), tuple(files), True, _hx_headers(el), _label(el)))
    return found


def _owners(doc) -> list[tuple[object, object]]:
    """(control, its form) for every named or submitting control, honouring the ``form=`` attribute."""
    by_id = {f.get("id"): f for f in doc.iter("form") if f.get("id")}
    rows = []
    for el in doc.iter(*FIELD_TAGS):
        inside = next(el.iterancestors("form"), None)
        rows.append((el, by_id.get(el.get("form")) if el.get("form") else inside))
    return rows


def _is_submitter(el) -> bool:
    if el.tag == "button":
        return (el.get("type") or "submit").lower() == "submit"
    return el.tag == "input" and (el.get("type") or "").lower() in ("submit", "image")


def _label(el) -> str:
    return " ".join((el.text_content() or el.get("value") or el.get("aria-label") or "").split())[:40]


def _values(doc, form, *, submitter, owners=None, today: date | None = None) -> tuple[list, list]:
    """The form data set a browser builds, plus a plausible value in each empty required field."""
    today = today or date.today()
    owners = owners if owners is not None else _owners(doc)
    data: list[tuple[str, str]] = []
    files: list[tuple[str, str]] = []
    radios_done: set[str] = set()
    radio_groups: dict[str, list] = {}
    for el, owner in owners:
        if owner is form and el.tag == "input" and (el.get("type") or "").lower() == "radio" and el.get("name"):
            radio_groups.setdefault(el.get("name"), []).append(el)
    for el, owner in owners:
        name = el.get("name")
        if owner is not form or not name or el.get("disabled") is not None:
            continue
        kind = (el.get("type") or "").lower()
        if el.tag == "button" or (el.tag == "input" and kind in NOT_SENT):
            if el is submitter:
                data.append((name, el.get("value") or ""))
            continue
        if el.tag == "select":
            data += [(name, v) for v in _select_values(el)]
        elif el.tag == "textarea":
            text = el.text or ""
            data.append((name, text or (_plausible("textarea", el, today) if _required(el) else "")))
        elif kind == "checkbox":
            if el.get("checked") is not None:
                data.append((name, el.get("value", "on")))
        elif kind == "radio":
            if name in radios_done:
                continue
            group = radio_groups.get(name, [el])
            chosen = next((r for r in group if r.get("checked") is not None), None)
            if chosen is None and any(_required(r) for r in group):
                chosen = group[0]
            if chosen is not None:
                data.append((name, chosen.get("value", "on")))
            radios_done.add(name)
        elif kind == "file":
            if _required(el):
                files.append((name, _file_name(el.get("accept") or "")))
        else:
            value = el.get("value") or ""
            if not value and _required(el):
                value = _plausible(kind or "text", el, today)
            data.append((name, value))
    return data, files


def _required(el) -> bool:
    return el.get("required") is not None


def _select_values(el) -> list[str]:
    options = [o for o in el.iter("option") if o.get("disabled") is None]
    chosen = [o for o in options if o.get("selected") is not None]
    if el.get("multiple") is not None:
        return [_option_value(o) for o in chosen]
    option = chosen[0] if chosen else (options[0] if options else None)
    if option is None:
        return []
    value = _option_value(option)
    if not value and _required(el):  # "---------" left in a required select: take the first real choice
        value = next((_option_value(o) for o in options if _option_value(o)), "")
    return [value]


def _option_value(option) -> str:
    value = option.get("value")
    return value if value is not None else " ".join((option.text_content() or "").split())


def _plausible(kind: str, el, today: date) -> str:
    placeholder = (el.get("placeholder") or "").lower()
    if kind == "date":
        value = today.isoformat()
    elif kind == "datetime-local":
        value = f"{today.isoformat()}T19:30"
    elif kind == "time" or placeholder == "hh:mm":
        value = "19:30"
    elif kind == "number" or kind == "range":
        value = el.get("min") or "1"
    elif kind == "email":
        value = "walk@example.org"
    elif kind == "tel":
        value = "0912345678"
    elif kind == "url":
        value = "https://example.org/"
    elif kind == "password":
        value = "Walk-Password-2026"
    elif placeholder.startswith("dd/mm/yyyy hh:mm"):
        value = today.strftime("%d/%m/%Y") + " 19:30"
    elif placeholder.startswith("dd/mm/yyyy"):
        value = today.strftime("%d/%m/%Y")
    elif placeholder in ("yyyy-mm", "mm/yyyy"):
        value = today.strftime("%Y-%m") if placeholder == "yyyy-mm" else today.strftime("%m/%Y")
    elif kind == "textarea":
        value = "Chi bộ đã thảo luận và thống nhất nội dung."
    else:
        value = "Kiểm tra"
    maxlength = el.get("maxlength")
    return value[: int(maxlength)] if maxlength and maxlength.isdigit() else value


def _file_name(accept: str) -> str:
    accept = accept.lower()
    for ext in ("json", "pdf", "docx", "png", "jpg", "txt"):
        if f".{ext}" in accept or f"/{ext}" in accept:
            return f"walk.{ext}"
    if "image" in accept:
        return "walk.png"
    return "walk.txt"


def _hx_vals(el) -> list[tuple[str, str]]:
    merged: dict[str, str] = {}
    for node in [el, *el.iterancestors()]:
        raw = node.get("hx-vals")
        if raw and not raw.strip().startswith("js:"):
            for key, value in json.loads(raw).items():
                merged.setdefault(key, str(value))
    return list(merged.items())


def _hx_headers(el) -> tuple[tuple[str, str], ...]:
    merged: dict[str, str] = {}
    for node in [el, *el.iterancestors()]:
        raw = node.get("hx-headers")
        if raw and not raw.strip().startswith("js:"):
            for key, value in json.loads(raw).items():
                merged.setdefault(key, str(value))
    return tuple(sorted(merged.items()))


def refused_as_rendered(doc) -> list[str]:
    """The prefilled values a browser's own validation refuses (out of ``min``/``max``, off the ``step``, longer than
    ``maxlength``): a form that shows one cannot be sent as it stands. The walk submits forms without a browser, so
    it checks the constraints here (a dues form once suggested amounts off its ``step`` and could not be saved)."""
    problems = []
    owners = _owners(doc)
    for el, form in owners:
        if form is None or form.get("novalidate") is not None or el.tag != "input" or el.get("disabled") is not None:
            continue
        value = el.get("value")
        kind = (el.get("type") or "text").lower()
        if not value or kind in NOT_SENT or kind in ("hidden", "checkbox", "radio", "file"):
            continue
        reason = _constraint_broken(el, kind, value)
        if reason:
            action = form.get("hx-post") or form.get("action") or ""
            problems.append(f"{action} {el.get('name')}={value!r}: {reason}")
    return problems


def _constraint_broken(el, kind: str, value: str) -> str | None:
    limit = el.get("maxlength")
    if limit and limit.isdigit() and len(value) > int(limit):
        return f"longer than maxlength {limit}"
    if kind not in ("number", "range"):
        return None
    try:
        number = Decimal(value)
        low = Decimal(el.get("min")) if el.get("min") else None
        high = Decimal(el.get("max")) if el.get("max") else None
        step = el.get("step") or "1"
        step_value = None if step == "any" else Decimal(step)
    except InvalidOperation:
        return "not a number"
    if low is not None and number < low:
        return f"below min {low}"
    if high is not None and number > high:
        return f"above max {high}"
    if step_value and (number - (low or 0)) % step_value:
        return f"off the step {step_value}"
    return None
