"""Hypothesis strategies for a form's data: per field, from its rendered type, valid values mixed with hostile ones.

A payload maps each field name to a list of values (one for a scalar; several where the form expects one is a
"list where a scalar goes"); a name left out is a missing field. Most fields of an example keep a valid value so
that the hostile one reaches the code behind the first check; the first example Hypothesis tries is the form as
rendered (every choice's first option), so each form is also submitted once as a user would.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import strategies as st

from tests.fuzz.collect import FIXED, Field, Form

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")  # unnormalised Vietnamese: combining marks
assert unicodedata.normalize("NFC", NFD_NAME) != NFD_NAME

TEXT = [
    "",
    " ",
    "\x00",
    "Chi bộ\x00đã họp",
    "\u202egpj.exe",  # right-to-left override
    "Nguyễn\u200bVăn\u200dAn\ufeff",  # zero-width space, joiner, BOM
    NFD_NAME,
    "x" * 10_000,
    "ệ" * 10_000,
    "'; DROP TABLE members_member; --",
    "1' OR '1'='1",
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% now 'Y' %}",
    "%s%s%n",
    "\r\n\r\n",
    "🙂" * 20,
    "\ud7ff\ue000\uffff",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "2026-13-45",
    "29/02/2027",
    "00/00/0000",
    "01/01/0001",
    "31/12/9999",
    "1/1/10000",
    "2026-02-30",
    "12/2026",
    "2026-12",
    "13/2026",
    "0000-00",
    "tomorrow",
    "01/12/2026 25:61",
    "2026-12-01T99:99",
]
NUMBERS = [str(10**30), "-1", "0", "1e309", "-1e309", "NaN", "inf", "abc", "1,5", "0x10", "٣", "99999999999", "1.5"]
TIMES = ["25:61", "24:00", "-1:00", "9999", "19h30"]
EMAILS = ["a@b", "@", "x" * 300 + "@example.org", "nguyễn@ví-dụ.vn", "a@example.org\r\nBcc: b@example.org"]
CHOICES = ["999999999", "-1", "0", "abc", "on", "true", "' OR 1=1 --"]
FILES = [
    ("x.docx", b"MZ\x90\x00\x03\x00\x00\x00"),  # an executable renamed
    ("empty.pdf", b""),
    ("\u202egpj.exe", b"%PDF-1.4\n%%EOF\n"),
    ("a" * 300 + ".png", b"\x89PNG\r\n\x1a\nnot really"),
    ("x.json", b'{"a": ' * 200),
]
FILE_BODIES = {
    "json": b"{}",
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000005000165a7d54f0000000049454e44ae426082"
    ),
}
VIETNAMESE = "Chi bộ đã thảo luận và thống nhất nội dung."


def plausible(field: Field, today: date) -> str:
    """What a careful user would type in the field."""
    kind, placeholder = field.kind, field.placeholder
    if field.options and kind in ("select", "radio", "checkbox"):
        return next((o for o in field.options if o), field.options[0])
    if kind == "date":
        return today.isoformat()
    if kind == "datetime-local":
        return f"{today.isoformat()}T19:30"
    if kind == "time" or placeholder == "hh:mm":
        return "19:30"
    if kind in ("number", "range"):
        return "1"
    if kind == "email":
        return "an.nguyen@example.org"
    if placeholder.startswith("dd/mm/yyyy hh:mm"):
        return today.strftime("%d/%m/%Y") + " 19:30"
    if placeholder.startswith("dd/mm/yyyy"):
        return today.strftime("%d/%m/%Y")
    if placeholder in ("yyyy-mm", "mm/yyyy"):
        return today.strftime("%Y-%m") if placeholder == "yyyy-mm" else today.strftime("%m/%Y")
    value = VIETNAMESE if kind == "textarea" else "Kiểm tra"
    return value[: field.maxlength] if field.maxlength else value


def _looks(field: Field) -> str:
    """The field's kind for hostile values: a hidden or text input holding a number or a date is fuzzed as one."""
    if field.kind not in ("hidden", "text", "search", ""):
        return field.kind
    sample = next((v for v in field.rendered if v), "")
    if sample.lstrip("-").isdigit():
        return "number"
    if field.placeholder.startswith(("dd/mm", "yyyy", "mm/")) or (len(sample) >= 7 and sample[4:5] == "-"):
        return "date"
    if field.placeholder == "hh:mm":
        return "time"
    return "text"


def hostile(field: Field) -> st.SearchStrategy[str]:
    kind = _looks(field)
    own = {
        "date": DATES,
        "datetime-local": DATES,
        "month": DATES,
        "number": NUMBERS,
        "range": NUMBERS,
        "time": TIMES,
        "email": EMAILS,
        "select": CHOICES,
        "radio": CHOICES,
        "checkbox": CHOICES,
    }.get(kind, [])
    return st.sampled_from(own + TEXT) | st.text(max_size=40)


def valid(field: Field, today: date) -> st.SearchStrategy[list[str]]:
    if field.kind in ("select", "radio") and field.options:
        choices = [o for o in field.options if o] or list(field.options)
        first = list(field.rendered) or [choices[0]]
        if field.multiple:
            return st.just(first) | st.lists(st.sampled_from(choices), max_size=4)
        return st.just(first) | st.sampled_from(choices).map(lambda v: [v])
    if field.kind == "checkbox":
        return st.sampled_from([list(field.rendered), [], list(field.options)])
    if field.rendered and any(field.rendered):
        return st.just(list(field.rendered)) | st.just([plausible(field, today)])
    return st.just([plausible(field, today)])


MISSING = None


def field_values(field: Field, today: date) -> st.SearchStrategy[list[str] | None]:
    """Mostly valid; else one hostile value, several values where one goes, or nothing at all."""
    if field.name in FIXED:
        return st.just(list(field.rendered))
    bad = hostile(field)
    return st.one_of(
        valid(field, today),
        valid(field, today),
        valid(field, today),
        bad.map(lambda v: [v]),
        st.lists(bad, min_size=2, max_size=3),
        st.just(MISSING),
    )


def file_values(name: str, file_name: str) -> st.SearchStrategy[tuple[str, bytes] | None]:
    ext = file_name.rsplit(".", 1)[-1]
    return st.sampled_from([(file_name, FILE_BODIES.get(ext, b"fuzz\n")), *FILES, None])


@st.composite
def payloads(draw, form: Form, today: date):
    """One example's data for ``form``: {name: [values]} and {name: (file name, bytes)}."""
    data = {}
    for field in form.fields:
        values = draw(field_values(field, today), label=field.name)
        if values is not MISSING:
            data[field.name] = values
    files = {}
    for name, file_name in form.files:
        chosen = draw(file_values(name, file_name), label=name)
        if chosen is not None:
            files[name] = chosen
    return data, files


EXTREME_DAYS = (date(1, 1, 1), date(9999, 12, 31))
EXTREME_NUMBERS = (str(10**30), str(-(10**30)))


def _extreme_day(field: Field, day: date) -> str:
    placeholder = field.placeholder
    if field.kind == "date":
        return day.isoformat()
    if field.kind == "datetime-local":
        return f"{day.isoformat()}T08:00"
    if placeholder.startswith("dd/mm/yyyy hh:mm"):
        return f"{day.day:02}/{day.month:02}/{day.year:04} 08:00"
    if placeholder == "yyyy-mm":
        return f"{day.year:04}-{day.month:02}"
    if placeholder == "mm/yyyy":
        return f"{day.month:02}/{day.year:04}"
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def extremes(form: Form, today: date) -> list[tuple[dict, dict]]:
    """Explicit examples tried on every form before the generated ones: the form as a user fills it, with every
    date field at the first or the last day a date can hold, or every number field at ±10**30."""
    base = {f.name: list(f.rendered) or [plausible(f, today)] for f in form.fields if f.kind not in ("checkbox",)}
    base |= {f.name: list(f.rendered) for f in form.fields if f.kind == "checkbox" and f.rendered}
    files = {name: (file, FILE_BODIES.get(file.rsplit(".", 1)[-1], b"fuzz\n")) for name, file in form.files}
    found = []
    dates = [f for f in form.fields if f.name not in FIXED and _looks(f) in ("date", "datetime-local", "month")]
    numbers = [f for f in form.fields if f.name not in FIXED and _looks(f) in ("number", "range")]
    for day in EXTREME_DAYS if dates else ():
        found.append((base | {f.name: [_extreme_day(f, day)] for f in dates}, files))
    for number in EXTREME_NUMBERS if numbers else ():
        found.append((base | {f.name: [number] for f in numbers}, files))
    return found
