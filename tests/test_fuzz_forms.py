"""Hostile input into every form of the demo (issue 13, point 6): never a server error, never a half-write.

On the seeded demo ("sample" profile: a district with a year and more of history, the demo accounts), each demo
account crawls its pages the way the walk does (tests/walk/walker.py) and keeps the POST forms they render; every
distinct form (its action's URL name and its field names; the first account shown it keeps it) then gets
``EXAMPLES`` payloads from Hypothesis: per field, from its rendered type, valid values mixed with hostile ones —
dates out of range or impossible, huge and non-numbers, wrong types, several values where one goes, NUL, the
right-to-left override, zero-width characters, 10 000-character strings, decomposed (NFD) Vietnamese, SQL and HTML,
options not offered, missing fields (tests/fuzz/values.py). The CSRF token and the one-time submission token are
sent as rendered (docs/decisions/0004).

Each answer must be a success (stored text NFC, no NUL) or a refusal (a form error in Vietnamese, or a 4xx) that
wrote nothing (tests/fuzz/post.py, tests/fuzz/writes.py). Every example runs in a savepoint rolled back after it.
Generation is derandomized (the same examples on every run and machine); failures are collected, not shrunk, and
reported together with what was sent. The demo is seeded once per process and shared with the other tests on it
(the ``sample_demo`` fixture, tests/conftest.py); the test runs in its own savepoint.
"""

import time
from collections import Counter

import hypothesis
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import MinimumLengthValidator, password_validators_help_texts
from django.db import connection, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzz import collect, post, values, writes

ACCOUNTS = ["quantri", "canbo", "bithu", "dangvien", "giamsat", "kiemtra"]
EXAMPLES = 8  # payloads per distinct form
PER_NAME = 1  # pages visited per (account, URL name) while collecting forms
SKIPPED = {"logout"}  # ends the session: nothing to fuzz


def fuzz(form: collect.Form, client, user, findings: list, verdicts: Counter) -> None:
    today = timezone.localdate()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # findings are collected, not raised: nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(values.payloads(form, today))
    def example(payload):
        if "_auth_user_id" not in client.session:  # a form ended the session (changing the password)
            client.force_login(user)
        data, files = payload
        outcome = post.send(client, form, data, files)
        verdicts[outcome.verdict] += 1
        findings.extend(outcome.findings)

    for extreme in values.extremes(form, today):  # every date at year 1 and 9999, every number at ±10**30
        example = hypothesis.example(extreme)(example)
    example()


@pytest.mark.django_db
def test_hostile_values_in_every_form_give_a_vietnamese_error_or_success_and_never_a_half_write(sample_demo):
    started = time.monotonic()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)}
    assert sorted(users) == sorted(ACCOUNTS)
    forms, walkers = collect.collect([users[a] for a in ACCOUNTS], per_name=PER_NAME)
    forms = [f for f in forms if f.name.split(":")[-1] not in SKIPPED]
    collected = time.monotonic() - started
    assert len(forms) > 40, "the demo's accounts are shown its forms"
    findings: list[post.Finding] = []
    verdicts: Counter = Counter()
    for form in forms:
        walker = walkers[form.account]
        fuzz(form, walker.client, users[form.account], findings, verdicts)
    print(
        f"fuzz: {len(forms)} forms collected in {collected:.1f}s, {sum(verdicts.values())} payloads sent in "
        f"{time.monotonic() - started - collected:.1f}s on {connection.vendor}; {dict(sorted(verdicts.items()))}"
    )
    unique = sorted({(f.kind, f.form, f.detail): f for f in findings}.values(), key=lambda f: (f.kind, f.form))
    assert not unique, f"{len(unique)} problem(s) with hostile input:\n" + "\n".join(f.line() for f in unique)


# ---------------------------------------------------------------------------------------------- the harness itself


@pytest.mark.django_db
def test_the_write_watch_keeps_what_stays_written_and_forgets_what_a_savepoint_rolled_back():
    with writes.watching() as written:
        with transaction.atomic():
            Group.objects.create(name="rolled back")
            transaction.set_rollback(True)
        with transaction.atomic(), transaction.atomic():
            Group.objects.create(name=values.NFD_NAME)  # released twice: kept
        Group.objects.filter(name="nobody").update(name="x")  # no row changed: not a write
    assert [w.line() for w in written.records()] == ["INSERT auth_group"]
    assert written.bad_text() == [f"auth_group: text not NFC {values.NFD_NAME!r}"]


@pytest.mark.django_db
def test_a_refused_form_that_kept_a_row_is_a_half_write_and_an_english_error_is_reported():
    class Answer(dict):
        status_code, charset = 200, "utf-8"

    answer = Answer({"Content-Type": "text/html"})
    page = b'<html><body><div class="error" role="alert">Enter a valid date.</div></body></html>'
    with writes.watching() as written:
        Group.objects.create(name="half")
    outcome = post.judge(answer, page, written, "form", "sent")
    assert outcome.verdict == "error shown"
    assert sorted(f.kind for f in outcome.findings) == ["half-write", "not Vietnamese"]


def test_every_password_rule_speaks_vietnamese():
    with translation.override("vi"):
        for message in password_validators_help_texts() + [MinimumLengthValidator(10).get_error_message()]:
            assert post.VIETNAMESE_LETTERS.search(message), message
