"""Send one generated payload as the form's account and judge the answer.

Each example runs in a savepoint rolled back after it (the demo stays as seeded for the next one); side effects
queued with ``transaction.on_commit`` run inside it, as after a real commit. The answer must be one of:

- success: a redirect (or htmx's HX-Redirect / HX-Location / HX-Refresh), a download, or a page without an error;
  whatever it stored is NFC text without NUL characters;
- a refusal: a page showing a form error in Vietnamese, or a 4xx answer, with nothing written (no record row
  inserted, updated or deleted, no change entry in the audit log).

Anything else is a finding: a 5xx or an exception (what a user sees as a server error), a half-write, an error
that is not Vietnamese, stored text that is not NFC or holds a NUL.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase

from apps.common.views import NOT_SAVED
from tests.fuzz import writes as watch
from tests.fuzz.collect import Form
from tests.walk import pages

ROOT = str(Path(settings.BASE_DIR))
VIETNAMESE_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
ERRORS = (
    "//*[@role='alert']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' errorlist ')]"
    " | //ul[contains(@class, 'messages')]/li[contains(@class, 'error')]"
)
SUCCESS_HEADERS = ("HX-Redirect", "HX-Location", "HX-Refresh")


@dataclass(frozen=True)
class Finding:
    kind: str  # "5xx", "half-write", "not Vietnamese", "stored text"
    form: str
    detail: str
    payload: str

    def line(self) -> str:
        return f"{self.kind:<14} {self.form}\n    {self.detail}\n    sent: {self.payload}"


@dataclass
class Outcome:
    status: int
    verdict: str  # "success", "error shown", "refused", "no change", "5xx"
    findings: list[Finding]


def errors_shown(content: bytes, charset: str) -> list[str]:
    doc = pages.parse(content, charset)
    if doc is None:
        return []
    texts = [" ".join(el.text_content().split()) for el in doc.xpath(ERRORS)]
    return [t for t in texts if t]


def describe(form: Form, data: dict, files: dict) -> str:
    """The fields whose values differ from the rendered ones, shortened; missing fields named."""
    parts = []
    rendered = {f.name: list(f.rendered) for f in form.fields}
    for name, values in rendered.items():
        if name not in data:
            parts.append(f"{name}: missing")
        elif data[name] != values:
            parts.append(f"{name}={[_short(v) for v in data[name]]}")
    parts += [f"{name}: file {_short(file_name)!r} ({len(body)} bytes)" for name, (file_name, body) in files.items()]
    return "; ".join(parts) or "(as rendered)"


def _short(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:30]!s}…({len(value)} chars)"


def _summary(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(ROOT + "/apps")]
    where = f" at {frames[-1].filename.removeprefix(ROOT + '/')}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:200]}{where}"


def send(client, form: Form, data: dict, files: dict) -> Outcome:
    body = {name: list(values) for name, values in data.items()}
    for name, (file_name, content) in files.items():
        body.setdefault(name, []).append(SimpleUploadedFile(file_name, content))
    headers = dict(form.headers) if form.htmx else {}
    if form.htmx:
        headers["HX-Request"] = "true"
    sent = describe(form, data, files)
    label = f"{form.account}: {form.name} {form.url}" + (f" [{form.label}]" if form.label else "")
    with transaction.atomic():
        try:
            with watch.watching() as written, TestCase.captureOnCommitCallbacks(execute=True):
                response = client.post(form.url, data=body, headers=headers)
                content = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as exc:  # the view (or a side effect after "commit") raised: a server error for the user
            transaction.set_rollback(True)
            return Outcome(500, "5xx", [Finding("5xx", label, _summary(exc), sent)])
        transaction.set_rollback(True)
    return judge(response, content, written, label, sent)


def judge(response, content: bytes, written: watch.Writes, label: str, sent: str) -> Outcome:
    status = response.status_code
    findings: list[Finding] = []
    if status >= 500:
        return Outcome(status, "5xx", [Finding("5xx", label, f"status {status}", sent)])
    kept = written.records()
    changed = [w.line() for w in kept] + (
        [f"{written.change_entries} audit change entr{'y' if written.change_entries == 1 else 'ies'}"]
        if written.change_entries
        else []
    )
    html = "html" in response.get("Content-Type", "")
    shown = errors_shown(content, response.charset or "utf-8") if html and 200 <= status < 300 else []
    refused_here = response.get(NOT_SAVED) == "1"  # an htmx part drawn again with the form's errors
    if refused_here and not shown:
        findings.append(Finding("no error shown", label, f"{NOT_SAVED} answer without a visible error", sent))
    success = 300 <= status < 400 or any(response.get(h) for h in SUCCESS_HEADERS) or (status < 300 and not shown)
    if refused_here or (shown and not success):
        verdict = "error shown"
        foreign = [t for t in shown if not VIETNAMESE_LETTERS.search(t)]
        if foreign:
            findings.append(Finding("not Vietnamese", label, f"error shown: {foreign[0][:160]!r}", sent))
    elif success:
        verdict = "success" if changed else "no change"
    else:
        verdict = "refused"  # a 4xx
    if verdict in ("refused", "error shown") and changed:
        why = f"error shown: {shown[0][:120]!r}" if shown else f"status {status}"
        findings.append(Finding("half-write", label, f"{why}, yet kept: {', '.join(sorted(set(changed)))}", sent))
    if verdict == "success":
        findings += [Finding("stored text", label, problem, sent) for problem in written.bad_text()]
    return Outcome(status, verdict, findings)
