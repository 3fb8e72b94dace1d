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


@pytest.mark.django_db
def test_members_deleted_in_bulk_mark_their_months_in_a_few_queries_and_equal_a_rebuild(
    history_world, django_assert_max_num_queries
):
    """An import's undo deletes its members (and their cell periods, by cascade) in bulk: their months are marked
    from the rows read before they go, in a few queries for the whole batch, one audit entry per row, and the
    figures afterwards equal a rebuild."""
    from auditlog.models import LogEntry  # noqa: PLC0415 (kept beside its one use)

    world = history_world
    members = [
        Member(
            cell=world.cell_a1,
            full_name=f"Trần Thị {n}",
            gender=Member.Gender.FEMALE,
            date_of_birth=date(1960, 1, 1),
            admitted_on=date(1990, 3, 1),
            official_on=date(1991, 3, 1),
            status=Member.Status.OFFICIAL,
        )
        for n in range(40)
    ]
    created = audit.bulk_create(Member, members)
    audit.bulk_create(
        CellMembership, [CellMembership(member=m, cell=world.cell_a1, joined_on=date(1990, 3, 1)) for m in created]
    )
    facts.rebuild()
    StaleCellMonth.objects.all().delete()
    entries = LogEntry.objects.count()
    pks = [m.pk for m in created]
    # 40 members and 40 periods: a query per row would be 80 more (a read per reference the deletion clears included)
    with django_assert_max_num_queries(40):
        deleted = audit.bulk_delete(Member.objects.filter(pk__in=pks))
    assert deleted == 80 and not Member.objects.filter(pk__in=pks).exists()
    new = LogEntry.objects.order_by("pk")[entries:]
    assert sorted((e.content_type.model, e.action) for e in new) == sorted(
        [("member", LogEntry.Action.DELETE)] * 40 + [("cellmembership", LogEntry.Action.DELETE)] * 40
    )
    member_entries = [e for e in new if e.content_type.model == "member"]
    assert all(
        e.changes["full_name"] == [audit.MASK, None] and e.object_repr.endswith(f"#{e.object_id}")
        for e in member_entries
    )
    assert not any("Trần Thị" in str(e.changes) for e in member_entries)  # the name goes masked, as on any deletion
    assert StaleCellMonth.objects.filter(cell_id=world.cell_a1.pk).exists()
    facts.refresh_stale()
    kept = {(r.cell_id, r.month): r for r in CellMonth.objects.all()}
    facts.rebuild()
    rebuilt = {(r.cell_id, r.month): r for r in CellMonth.objects.all()}
    assert kept.keys() == rebuilt.keys()
    columns = [*FLOW_FIELDS, *STOCK_FIELDS]
    assert all(getattr(kept[k], c) == getattr(rebuilt[k], c) for k in kept for c in columns)
