"""Bulk writes (apps.common.audit) mark the cell-months whose counted fields they write, and only those: the reminder
job stamps many meetings every quarter of an hour and must not send their months to be recomputed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.common import audit
from apps.meetings.models import Meeting
from apps.meetings.testing import make_meeting
from apps.members.models import CellMembership, Member
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, StaleCellMonth
from apps.oversight.services import facts


@pytest.mark.django_db
def test_a_bulk_write_of_uncounted_fields_marks_nothing_and_of_counted_ones_marks_the_month(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=2))
    StaleCellMonth.objects.all().delete()

    audit.update(Meeting.objects.filter(pk=meeting.pk), reminder_sent_at=timezone.now())
    assert not StaleCellMonth.objects.exists()

    audit.update(Meeting.objects.filter(pk=meeting.pk), status=Meeting.Status.CANCELLED)
    month = timezone.localdate(meeting.scheduled_at).replace(day=1)
    assert list(StaleCellMonth.objects.values_list("cell_id", "month")) == [(world.cell_a1.pk, month)]


@pytest.mark.django_db
def test_members_written_in_bulk_mark_their_months_in_a_few_queries_and_equal_a_rebuild(
    history_world, django_assert_max_num_queries
):
    """An import writes members and their cell periods in bulk: the marks are read together (not per row), no month
    before the record begins is marked, and the figures afterwards equal a rebuild."""
    world = history_world
    facts.rebuild()
    StaleCellMonth.objects.all().delete()
    first = facts.first_month()
    for count in (3, 30):
        members = [
            Member(
                cell=world.cell_a1,
                full_name=f"Nguyễn Văn {count}-{n}",
                gender=Member.Gender.MALE,
                date_of_birth=date(1950, 1, 1),
                admitted_on=date(1975, 3, 1),
                official_on=date(1976, 3, 1),
                status=Member.Status.OFFICIAL,
            )
            for n in range(count)
        ]
        with django_assert_max_num_queries(12):
            created = audit.bulk_create(Member, members)
        periods = [CellMembership(member=m, cell=world.cell_a1, joined_on=date(1975, 3, 1)) for m in created]
        with django_assert_max_num_queries(12):
            audit.bulk_create(CellMembership, periods)
    marked = set(StaleCellMonth.objects.values_list("month", flat=True))
    assert marked and min(marked) >= first  # nothing from 1975
    facts.refresh_stale()
    kept = {(r.cell_id, r.month): r for r in CellMonth.objects.all()}
    facts.rebuild()
    rebuilt = {(r.cell_id, r.month): r for r in CellMonth.objects.all()}
    assert kept.keys() == rebuilt.keys()
    columns = [*FLOW_FIELDS, *STOCK_FIELDS]
    assert all(getattr(kept[k], c) == getattr(rebuilt[k], c) for k in kept for c in columns)
