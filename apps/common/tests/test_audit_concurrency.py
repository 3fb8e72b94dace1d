"""Several workers writing at once on PostgreSQL (entry ids are not commit order): every entry is sealed once, in
one chain that verifies, and sealing never deadlocks with a business transaction."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction

from apps.common import audit_chain
from apps.common.models import AuditLink
from apps.common.testing import in_threads
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member, build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers: PostgreSQL only"),
]


def test_parallel_writers_leave_one_chain_that_verifies(transactional_db):
    world = build_world()
    members = [add_member(world.cell_a1, full_name=f"Song Song {i:02d}") for i in range(12)]
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a1))

    def write(i):
        member = members[i % len(members)]
        if i % 3 == 2:  # a long business transaction holding an early entry id while others commit and seal
            with transaction.atomic():
                services_live.attendance_mark(meeting=meeting, member=member, status="excused", reason="Ốm")
                services_live.attendance_mark(meeting=meeting, member=member, status="late")
        else:
            services_live.attendance_mark(meeting=meeting, member=member, status="present" if i % 2 else "late")

    in_threads(write, range(36))
    assert audit_chain.unsealed(timedelta(0)) == []  # every entry sealed by its own transaction's commit
    assert AuditLink.objects.count() == LogEntry.objects.count()
    assert audit_chain.verify() is None
