"""Parallel writers on PostgreSQL: follow-ups made at the same moment share the cell's one yearly container."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apps.members.testing import build_world
from apps.resolutions.models import Resolution
from apps.resolutions.services import follow as services_follow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL only"),
]
WORKERS = 8


def test_parallel_follow_ups_create_one_container(transactional_db):
    world = build_world()
    barrier = threading.Barrier(WORKERS)

    def run(_):
        try:
            barrier.wait(timeout=30)
            return services_follow.follow_up_container(cell=world.cell_a1, year=2026).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pks = set(pool.map(run, range(WORKERS)))
    assert len(pks) == 1
    assert Resolution.objects.filter(organization=world.cell_a1, meeting=None).count() == 1
