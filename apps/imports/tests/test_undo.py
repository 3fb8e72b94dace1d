"""Undoing a member import on the sample demo: the members it created go (with their cell periods), the fields it
changed come back, in one transaction, audited; refused, with the list of what, as soon as anything touched its
records since (an edit, an attendance mark); nothing changes when it is refused."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from apps.imports.models import ImportBatch, ImportChange
from apps.imports.queries import batches as queries
from apps.imports.services import batches, jobs
from apps.imports.tests import flow
from apps.meetings.models import Attendance, Meeting
from apps.members.models import CellMembership, Member
from apps.members.services.member import member_update

Status = ImportBatch.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def imported(demo):
    """A committed import into the secretary's cell: two new members, one member's residence changed."""
    canbo, cell = flow.user("canbo"), flow.home_cell()
    known = Member.objects.filter(cell=cell, active=True, card_number__isnull=False).select_related("cell").first()
    batch = flow.run(canbo, cell, [flow.new_row(1, cell), flow.new_row(2, cell), flow.row_of(known, residence="Tổ 9")])
    assert batch.status == Status.COMMITTED and flow.fates(batch) == ["create", "create", "update"]
    known.refresh_from_db()
    return batch, known, list(Member.objects.filter(card_number__in=["47000001", "47000002"]))


def state():
    return (
        list(Member.objects.order_by("pk").values_list("pk", "full_name", "residence", "cell_id", "active")),
        CellMembership.objects.count(),
        Attendance.objects.count(),
    )


@pytest.mark.django_db
def test_undo_takes_the_import_back(imported):
    batch, known, created = imported
    original = ImportChange.objects.get(batch=batch, object_pk=known.pk, action="updated").before["residence"]
    assert queries.undo_blockers(batch) == []
    entries = LogEntry.objects.count()
    secretary = flow.user("bithu")  # the cell's secretary may undo an import into it
    batches.batch_undo_request(batch=batch, user=secretary)
    batch.refresh_from_db()
    assert batch.status == Status.UNDOING and Member.objects.filter(pk__in=[m.pk for m in created]).count() == 2
    assert jobs.batch_undo(batch.pk, secretary.pk) == "undone"  # the job (the worker's) takes the records back
    batch.refresh_from_db()
    assert batch.status == Status.UNDONE and batch.undone_by == secretary and batch.undone_at
    assert not Member.objects.filter(pk__in=[m.pk for m in created]).exists()
    assert not CellMembership.objects.filter(member_id__in=[m.pk for m in created]).exists()
    known.refresh_from_db()
    assert known.residence == original
    new = LogEntry.objects.order_by("pk")[entries:]
    member_entries = [(e.action, e.object_id) for e in new if e.content_type.model == "member"]
    assert {(LogEntry.Action.DELETE, m.pk) for m in created} | {(LogEntry.Action.UPDATE, known.pk)} == set(
        member_entries
    )
    assert {e.actor_id for e in new if e.content_type.model in ("member", "cellmembership")} == {secretary.pk}
    with pytest.raises(ValidationError):
        flow.undo(batch=batch, who=flow.user("canbo"))  # once


@pytest.mark.django_db
def test_undo_is_refused_once_an_imported_member_was_edited(imported):
    batch, _known, created = imported
    member = created[0]
    member.occupation = "Giáo viên"
    member_update(member=member)
    before = state()
    with pytest.raises(ValidationError) as refused:
        flow.undo(batch=batch, who=flow.user("canbo"))
    assert f"Party member #{member.pk} was changed after the import." in refused.value.messages
    assert state() == before and ImportBatch.objects.get(pk=batch.pk).status == Status.COMMITTED


@pytest.mark.django_db
def test_undo_is_refused_once_an_updated_member_changed_again(imported):
    batch, known, _created = imported
    known.residence = "Tổ 10"
    member_update(member=known)
    with pytest.raises(ValidationError) as refused:
        flow.undo(batch=batch, who=flow.user("canbo"))
    assert any(f"#{known.pk} was changed" in message for message in refused.value.messages)
    known.refresh_from_db()
    assert known.residence == "Tổ 10"


@pytest.mark.django_db
def test_undo_is_refused_once_an_imported_member_has_an_attendance_mark(imported):
    batch, _known, created = imported
    meeting = Meeting.objects.filter(cell=created[0].cell, status=Meeting.Status.CLOSED).order_by("-pk").first()
    mark = Attendance.objects.create(meeting=meeting, member=created[1], status=Attendance.Status.PRESENT)
    before = state()
    with pytest.raises(ValidationError) as refused:
        flow.undo(batch=batch, who=flow.user("canbo"))
    [blocker] = [m for m in refused.value.messages if f"#{created[1].pk}" in m]
    assert "used by records made after the import" in blocker and f"#{mark.pk}" in blocker
    assert state() == before
    mark.delete()
    flow.undo(batch=batch, who=flow.user("canbo"))  # the mark gone, nothing stops it
    assert not Member.objects.filter(pk=created[1].pk).exists()


@pytest.mark.django_db
def test_only_who_may_import_there_undoes(imported):
    batch, _known, _created = imported
    before = state()
    for who in (flow.outsider(), flow.user("dangvien"), flow.user("giamsat")):
        with pytest.raises(PermissionDenied):
            flow.undo(batch=batch, who=who)
    assert state() == before
    assert flow.user("canbo").has_perm("imports.undo_batch", batch)
    assert not flow.outsider().has_perm("imports.undo_batch", batch)


@pytest.mark.django_db
def test_the_commit_is_audited_as_the_person_who_committed(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    entries = LogEntry.objects.count()
    batch = flow.run(canbo, cell, [flow.new_row(3, cell)])
    assert batch.status == Status.COMMITTED, batch.error
    created = [e for e in LogEntry.objects.order_by("pk")[entries:] if e.content_type.model == "member"]
    assert created and {e.actor_id for e in created} == {canbo.pk}


@pytest.mark.django_db
def test_a_record_used_between_the_request_and_the_job_stops_the_undo(imported):
    """The request found nothing in the way; before the worker ran, a member got an attendance mark: the job writes
    nothing, and the batch is back to "imported" with the reason on its page."""
    batch, _known, created = imported
    canbo = flow.user("canbo")
    batches.batch_undo_request(batch=batch, user=canbo)
    meeting = Meeting.objects.filter(cell=created[0].cell, status=Meeting.Status.CLOSED).order_by("-pk").first()
    Attendance.objects.create(meeting=meeting, member=created[0], status=Attendance.Status.PRESENT)
    before = state()
    assert jobs.batch_undo(batch.pk, canbo.pk) == "refused"
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED and "cannot be undone" in batch.error and f"#{created[0].pk}" in batch.error
    assert state() == before
    assert jobs.batch_undo(batch.pk, canbo.pk) == "skipped"  # a second run of the same job finds nothing to do
