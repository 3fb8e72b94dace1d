"""The tests' shared base, the part that needs no domain app: accounts, the suite's fixed instant, a test module's
``state()``, parallel writers.

The personas' world (the party tree, the members, the role grants) is built by apps/members/testing.py: it needs
the tree and the members, and the core imports no app above it (docs/decisions/0008-imports-point-down.md).
conftest.py freezes the clock at ``FROZEN_AT`` for the whole suite (``@pytest.mark.frozen(...)`` moves a test).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import QuerySet

PASSWORD = "mat-khau-thu-nghiem-2026"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # settings.TIME_ZONE: the day, month and year of every record


def instant(when: str | datetime) -> datetime:
    """An instant as a test writes it (``"2026-03-10 09:00"``, ``"2026-12-31T17:30Z"``): Vietnam's time unless the
    text names another offset. Given in Vietnam's zone, which time-machine then also sets as the process's."""
    moment = when if isinstance(when, datetime) else datetime.fromisoformat(when)
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(VIETNAM)


# The instant every test runs at unless marked otherwise (conftest.py): an ordinary Tuesday morning, so that the
# suite gives the same result on any day of the year. It lies in the weeks the tests were written in: some of
# them hold history up to mid-2026 that must be in the past. CHIBO_TEST_NOW runs the whole suite at another
# instant, to find the tests that still depend on the day (e.g. CHIBO_TEST_NOW="2027-01-01 00:30").
FROZEN_AT = instant(os.environ.get("CHIBO_TEST_NOW") or "2026-12-01 09:00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


Table = QuerySet | Callable[..., Any]


def snapshot(*tables: Table) -> Callable[..., Any]:
    """A test module's ``state()``: what its pages may change, read afresh at every call, so that a refused request
    is shown to have changed nothing (``before = state()`` … ``assert state() == before``).

    Each table is a queryset (``Member.objects.order_by("pk").values_list("pk", "status")``, evaluated anew each
    time) or a function of ``state``'s arguments returning a queryset or a plain value
    (``lambda vote: Vote.objects.filter(pk=vote.pk).values()``, ``lambda m: Guest.objects.filter(meeting=m).count()``).
    ``state(...)`` returns the one table's rows as a list, or a tuple of such lists for several tables.
    """

    def read(table: Table, args: tuple) -> Any:
        value = table if isinstance(table, QuerySet) else table(*args)
        return list(value.all()) if isinstance(value, QuerySet) else value

    def state(*args: Any) -> Any:
        values = [read(table, args) for table in tables]
        return values[0] if len(values) == 1 else tuple(values)

    return state


WORKERS = 8


def in_threads(fn: Callable[[Any], Any], items: Iterable, *, workers: int = WORKERS) -> list:
    """``fn`` over ``items`` from ``workers`` threads (PostgreSQL's parallel writers); the results in the items'
    order. When the items fit in one round they wait for each other (a barrier) and start at the same moment. Each
    thread closes its database connection when done."""
    items = list(items)
    together = len(items) <= workers
    barrier = threading.Barrier(min(workers, len(items)))

    def run(item):
        try:
            if together:
                barrier.wait(timeout=30)
            return fn(item)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, items))
