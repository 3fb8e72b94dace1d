"""Every distinct form the demo accounts are shown, with each field's rendered type.

The walk (tests/walk/walker.py) finds the forms: it crawls as one account and keeps what ``pages.submissions``
reads from each page. This module reads the same page again for what a submission does not carry: the type of
each field (input type, select options, checkbox, textarea, file), its limits and whether it is required. A form
is identified by its action's URL name and its field names; the first account shown it keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.walk import pages
from tests.walk.walker import Walk, Walker, url_name

FIXED = {"csrfmiddlewaretoken", "submission_token"}  # sent as rendered: the CSRF check and the one-time token


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "text", "date", "number", "email", "select", "checkbox", "radio", "textarea", "hidden", "file", …
    rendered: tuple[str, ...]  # the values the page would send (or a plausible one for an empty required field)
    options: tuple[str, ...] = ()  # a select's or a radio group's values; a checkbox's value
    multiple: bool = False
    required: bool = False
    maxlength: int | None = None
    placeholder: str = ""


@dataclass(frozen=True)
class Form:
    account: str
    url: str
    name: str  # the URL name of the action
    page: str  # where it was shown
    htmx: bool
    headers: tuple[tuple[str, str], ...]
    label: str
    fields: tuple[Field, ...]
    files: tuple[tuple[str, str], ...]  # (name, file name) of required file inputs, as the walk uploads them

    @property
    def key(self) -> tuple:
        return (self.name, tuple(sorted({f.name for f in self.fields} | {n for n, _ in self.files})))

    def line(self) -> str:
        return f"{self.account}: {self.url} [{self.label}] fields {sorted({f.name for f in self.fields})}"


class FormWalker(Walker):
    """The walk's crawler, keeping each page's document so that the forms' fields can be typed.

    GETs are not watched for writes here (the walk test does that); only the forms are wanted."""

    def __init__(self, user, *, per_name: int = 2):
        super().__init__(user, per_name=per_name, walk=Walk())
        self._last: tuple[str, bytes] | None = None
        self._docs: dict[str, object] = {}
        self.typed: list[Form] = []

    def _request(self, method, url, *, htmx, via, headers=(), data=None, check_writes, rollback=True):
        status, response, content = super()._request(
            method, url, htmx=htmx, via=via, headers=headers, data=data, check_writes=False, rollback=rollback
        )
        if method == "GET" and response is not None:
            self._last = (url, content, response.charset or "utf-8")
        return status, response, content

    def _collect(self, submission: pages.Submission, page: str) -> None:
        before = len(self.forms)
        super()._collect(submission, page)
        if len(self.forms) == before or self._last is None:
            return
        url, content, charset = self._last
        doc = self._docs.get(url)
        if doc is None:
            doc = self._docs[url] = pages.parse(content, charset)
        self.typed.append(
            Form(
                account=self.account,
                url=submission.url,
                name=url_name(submission.url),
                page=page,
                htmx=submission.htmx,
                headers=submission.headers,
                label=submission.label,
                fields=tuple(_typed(doc, submission)),
                files=submission.files,
            )
        )


def _typed(doc, submission: pages.Submission) -> list[Field]:
    """The submission's fields with their types, read from the controls of the form it came from."""
    controls = _controls_for(doc, submission)
    values: dict[str, list[str]] = {}
    for name, value in submission.data:
        values.setdefault(name, []).append(value)
    fields = []
    for name, rendered in values.items():
        els = controls.get(name, [])
        fields.append(_field(name, els, tuple(rendered)))
    # Unchecked checkboxes and unselected radios are not in the data but are fields all the same.
    for name, els in controls.items():
        if name not in values and els and _kind(els[0]) in ("checkbox", "radio"):
            fields.append(_field(name, els, ()))
    return fields


def _controls_for(doc, submission: pages.Submission) -> dict[str, list]:
    """name -> controls of the form whose action (or a submitter's) is the submission's URL; all controls as a
    fallback (an hx-post element outside a form)."""
    owners = pages._owners(doc)
    base_forms = []
    for form in doc.iter("form"):
        actions = {form.get("hx-post"), form.get("action")}
        actions |= {el.get("hx-post") for el, owner in owners if owner is form} | {
            el.get("formaction") for el, owner in owners if owner is form
        }
        if any(a and pages.site_url(submission.url, a) == submission.url for a in actions):
            base_forms.append(form)
    found: dict[str, list] = {}
    for el, owner in owners:
        if el.get("name") and (owner in base_forms or not base_forms):
            found.setdefault(el.get("name"), []).append(el)
    return found


def _kind(el) -> str:
    if el.tag in ("select", "textarea"):
        return el.tag
    if el.tag == "button":
        return "button"
    return (el.get("type") or "text").lower()


def _field(name: str, els: list, rendered: tuple[str, ...]) -> Field:
    if not els:
        return Field(name, "hidden" if name in FIXED else "text", rendered)
    el = els[0]
    kind = _kind(el)
    options: tuple[str, ...] = ()
    if kind == "select":
        options = tuple(pages._option_value(o) for o in el.iter("option"))
    elif kind in ("checkbox", "radio"):
        options = tuple(e.get("value", "on") for e in els)
    maxlength = el.get("maxlength")
    return Field(
        name=name,
        kind=kind,
        rendered=rendered,
        options=options,
        multiple=el.get("multiple") is not None or (kind == "checkbox" and len(els) > 1),
        required=el.get("required") is not None,
        maxlength=int(maxlength) if maxlength and maxlength.isdigit() else None,
        placeholder=(el.get("placeholder") or "").lower(),
    )


def collect(users, *, per_name: int = 2) -> tuple[list[Form], dict[str, FormWalker]]:
    """The distinct forms shown to ``users`` (in order), and each account's walker (its logged-in client)."""
    forms: dict[tuple, Form] = {}
    walkers = {}
    for user in users:
        walker = FormWalker(user, per_name=per_name)
        walker.crawl("/")
        walkers[user.username] = walker
        for form in walker.typed:
            forms.setdefault(form.key, form)
    return list(forms.values()), walkers
