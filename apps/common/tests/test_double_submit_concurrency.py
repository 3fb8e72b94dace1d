"""Two submits of the same form at the same moment (PostgreSQL, parallel writers): the unique token lets one
create; the others roll back and are given what it created."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections

from apps.common import idempotency
from apps.common.models import FormSubmission
from apps.members.models import Member
from apps.members.services import member as services
from apps.members.testing import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers: PostgreSQL only"),
]


def test_parallel_submits_with_one_token_create_one_member(transactional_db):
    world = build_world()
    token = idempotency.new_token()
    workers = 4
    barrier = threading.Barrier(workers)

    def submit(_):
        try:
            barrier.wait(timeout=30)
            member, first = idempotency.submit_once(
                token=token,
                user=world.secretary,
                action=lambda: services.member_create(
                    cell=world.cell_a1,
                    member=Member(
                        full_name="Đỗ Thị Mới",
                        gender="female",
                        status="probationary",
                        date_of_birth=date(1990, 9, 2),
                        admitted_on=date(2026, 2, 3),
                    ),
                    joined_on=date(2026, 2, 3),
                ),
            )
            return member.pk, first
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(submit, range(workers)))
    assert Member.objects.filter(full_name="Đỗ Thị Mới").count() == 1
    assert len({pk for pk, _first in results}) == 1 and sum(first for _pk, first in results) == 1
    assert FormSubmission.objects.count() == 1
