"""The audit trail is complete and holds no personal data (issue 13, point 1): every change to members, grants,
organisations, meetings, attendance, votes, minutes, resolutions, tasks, scores, grades and dues is recorded by the
service that makes it, with who, when and from where, bulk writes included; a person's name, ID number, phone,
e-mail, birth date, residence, photo and reasons never reach an entry; every profile read and export is logged."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from apps.common import audit_chain
from apps.common.audit import MASK
from apps.common.scoping import Role
from apps.exports.services import exports as export_services
from apps.grading.services import discipline as discipline_services
from apps.grading.services import grading as grading_services
from apps.meetings.services import live as live_services
from apps.meetings.services import minutes as minutes_services
from apps.meetings.services import votes as vote_services
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.services import dues as dues_services
from apps.members.services import member as member_services
from apps.orgs.services import tree as org_services
from apps.quality.services import score as score_services
from apps.quality.testing import attach_small_rubric
from apps.resolutions.services import progress as progress_services
from apps.resolutions.services import tasks as task_services

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def entries_since(start: int):
    return LogEntry.objects.filter(pk__gt=start).select_related("content_type")


def labels(entries) -> set[str]:
    return {f"{e.content_type.app_label}.{e.content_type.model}" for e in entries}


def test_every_domain_is_recorded_with_who_and_where(history_world, clock):
    world, history = history_world, history_world.history
    today = timezone.localdate()
    cell, staff = world.cell_a1, world.staff
    start = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    with set_actor(staff, remote_addr=ADDRESS):
        # organisations and grants (ending a grant is a bulk update: audit.update)
        org_services.organization_update(org=world.cell_a2, name="Chi bộ Thôn Đông mới")
        org_services.organization_move(node=world.cell_b1, new_parent=world.commune_a)
        grant = org_services.role_grant(
            user=world.member_user, organization=cell, role=Role.CELL_BOARD, starts_on=today - timedelta(days=9)
        )
        org_services.role_end(user=world.member_user, organization=cell, roles=[Role.CELL_BOARD], ends_on=today)
        # members
        member = Member.objects.get(pk=world.plain_member.pk)
        member.occupation = "Giáo viên"
        member_services.member_update(member=member)
        member_services.cell_role_assign(member=member, office="board_member", starts_on=today)
        member_services.member_transfer(member=history.transferred, to_cell=world.cell_a2, on=today)
        # meetings, attendance, votes, minutes
        meeting = live_services.meeting_start(meeting=make_meeting(cell, when=timezone.now() - timedelta(hours=1)))
        present = [m for m in history.members if m != history.transferred]  # moved away above
        for m in present:
            live_services.attendance_mark(meeting=meeting, member=m, status="present")
        vote = vote_services.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="open")
        voters = [m for m in present if m.status == "official" and m != history.exempted]
        vote_services.vote_record_counts(vote=vote, approving=len(voters), against=0, abstain=0)
        vote_services.vote_close(vote=vote)
        minutes = minutes_services.minutes_generate(meeting=meeting)
        minutes_services.minutes_adopt(meeting=meeting, revision=minutes.revision, by=staff)
        meeting = live_services.meeting_end(meeting=meeting)
        # resolutions and tasks
        resolution = task_services.resolution_for_meeting(meeting=meeting, by=staff)
        task = task_services.task_add(
            resolution=resolution, title="Vận động đóng góp", lead_is_board=True, deadline=today + timedelta(20)
        )
        task_services.resolution_adopt(resolution=resolution, by=staff)
        progress_services.task_progress_add(task=task, on=today, text="Đã làm một nửa", by=staff, today=today)
        # scores and grades
        attach_small_rubric(cell)
        score_services.score_propose(meeting=meeting, judged={}, by=staff)
        grading_services.rating_create_for_member(member=member, year=today.year)
        discipline_services.discipline_record(organization=cell, member=member, on=today, form="reprimand", today=today)
        # dues (one form for the whole cell: a bulk write)
        dues_services.dues_rate_set(
            organization=world.commune_a, basis="salary", percent=Decimal("1"), effective_from=today
        )
        dues_services.dues_record_month(
            cell=cell,
            month=today.replace(day=1),
            entries=[dues_services.DuesEntry(member=m, status="paid", amount=Decimal(30000)) for m in present],
            by=staff,
        )
    entries = list(entries_since(start))
    assert labels(entries) >= {
        "orgs.organization",
        "orgs.rolegrant",
        "members.member",
        "members.cellrole",
        "members.cellmembership",
        "meetings.meeting",
        "meetings.agendaitem",  # the agenda is written in bulk with the meeting
        "meetings.attendance",
        "meetings.vote",
        "meetings.minutes",
        "resolutions.resolution",
        "resolutions.task",
        "resolutions.taskprogress",
        "quality.meetingscore",
        "grading.annualrating",
        "grading.discipline",
        "members.duesrate",
        "members.dues",
    }
    assert all(e.actor_id == staff.pk and e.remote_addr == ADDRESS for e in entries)
    ended = [e for e in entries if e.content_type.model == "rolegrant" and "ends_on" in (e.changes or {})]
    assert [(e.object_pk, e.changes["ends_on"]) for e in ended] == [(str(grant.pk), [None, today.isoformat()])]
    moved = [e for e in entries if e.content_type.model == "organization" and "parent" in (e.changes or {})]
    assert [e.object_pk for e in moved] == [str(world.cell_b1.pk)]
    audit_chain.seal_pending(everything=True)
    assert audit_chain.verify() is None


PERSONAL = {
    "full_name": "Quách Thị Riêngtư",
    "national_id": "079123456789",
    "phone": "0987654321",
    "email": "riengtu@example.vn",
    "residence": "Tổ dân phố Bí Mật",
    "card_number": "93123456",
}
REASONS = ("Điều trị bệnh tim tại viện", "Chăm mẹ ốm nặng ở quê", "Lý do kỷ luật riêng")


def test_no_entry_holds_personal_data(world, clock):
    today = timezone.localdate()
    with set_actor(world.staff, remote_addr=ADDRESS):
        member = member_services.member_create(
            cell=world.cell_a1,
            member=Member(
                cell=world.cell_a1,
                gender="female",
                date_of_birth=date(1977, 7, 17),
                admitted_on=date(2001, 2, 3),
                official_on=date(2002, 2, 3),
                status="official",
                **PERSONAL,
            ),
            joined_on=date(2001, 2, 3),
        )
        member.phone, member.email, member.date_of_birth = "0911222333", "khac@example.vn", date(1977, 8, 18)
        member.full_name = "Quách Thị Đổitên"
        member_services.member_update(member=member)
        member_services.exemption_add(member=member, starts_on=today, ends_on=None, reason=REASONS[0])
        meeting = live_services.meeting_start(meeting=make_meeting(world.cell_a1, when=timezone.now()))
        live_services.attendance_mark(meeting=meeting, member=member, status="excused", reason=REASONS[1])
        other = world.plain_member
        live_services.attendance_mark(meeting=meeting, member=other, status="excused", reason=REASONS[1])
        live_services.attendance_mark(meeting=meeting, member=other, status="unexcused", reason=REASONS[2])
    distinctive = [
        *PERSONAL.values(),
        "Quách",
        "0911222333",
        "khac@example.vn",
        "1977-07-17",
        "1977-08-18",
        *REASONS,
        other.full_name,
        world.secretary_member.full_name,
    ]
    entries = list(LogEntry.objects.all())
    assert len(entries) > 20
    for entry in entries:
        text = " ".join(
            str(value)
            for value in (
                entry.object_repr,
                entry.changes,
                entry.changes_text,
                entry.serialized_data,
                entry.additional_data,
            )
        )
        assert not [value for value in distinctive if value in text], (entry.object_repr, text)
    # ...yet the changes are recorded, field by field, against the member's id
    created = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Member), object_pk=str(member.pk), action=0
    )
    assert created.object_repr == f"{Member._meta.verbose_name} #{member.pk}"
    assert created.changes["national_id"] == [MASK, MASK] or created.changes["national_id"][1] == MASK
    edited = LogEntry.objects.filter(object_pk=str(member.pk), action=1, content_type=created.content_type).get()
    assert set(edited.changes) == {"full_name", "phone", "email", "date_of_birth"}
    assert all(values[1] == MASK for values in edited.changes.values())


def test_profile_reads_and_exports_are_logged(world, client_for):
    client = client_for(world.secretary)
    member = world.plain_member
    member_type = ContentType.objects.get_for_model(Member)

    def reads() -> int:
        return LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, content_type=member_type, object_pk=str(member.pk)
        ).count()

    before = reads()
    assert client.get(reverse("members:detail", args=[member.pk]), REMOTE_ADDR="198.51.100.4").status_code == 200
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 200
    assert reads() == before + 2
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type=member_type).order_by("-pk")[1]
    assert read.actor_id == world.secretary.pk and read.remote_addr == "198.51.100.4"
    assert member.full_name not in read.object_repr

    export = export_services.export_start(user=world.secretary, name="members", params={"org": str(world.cell_a1.pk)})
    export_reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(export.pk))
    assert export_reads.count() == 1
    response = client.get(reverse("exports:download", args=[export.pk]), REMOTE_ADDR="198.51.100.5")
    assert response.status_code == 200
    assert export_reads.count() == 2 and export_reads.order_by("-pk").first().remote_addr == "198.51.100.5"


def test_a_bulk_delete_records_the_references_it_clears(world):
    """Deleting members in bulk (an import's undo) sets the tasks they led to no lead: Django writes that with an
    UPDATE and no signal, so bulk_delete records it itself, one "update" entry per task, actor included."""
    from apps.common import audit  # noqa: PLC0415 (kept beside its one use)
    from apps.resolutions.models import Task  # noqa: PLC0415
    from apps.resolutions.testing import make_resolution  # noqa: PLC0415

    lead = Member.objects.create(
        cell=world.cell_a1,
        full_name="Lê Văn Tạm",
        gender=Member.Gender.MALE,
        date_of_birth=date(1970, 1, 1),
        admitted_on=date(2000, 3, 1),
        official_on=date(2001, 3, 1),
        status=Member.Status.OFFICIAL,
    )
    resolution = make_resolution(world.cell_a1, tasks=3, targets=0, lead=lead)
    tasks = sorted(resolution.tasks.values_list("pk", flat=True))
    start = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with set_actor(world.secretary):
        audit.bulk_delete(Member.objects.filter(pk=lead.pk))
    assert not Task.objects.filter(pk__in=tasks).exclude(lead=None).exists()
    updates = LogEntry.objects.filter(
        pk__gt=start, action=LogEntry.Action.UPDATE, content_type=ContentType.objects.get_for_model(Task)
    )
    assert sorted(e.object_id for e in updates) == tasks
    assert all(e.changes == {"lead": [str(lead.pk), None]} and e.actor == world.secretary for e in updates)
    assert LogEntry.objects.filter(pk__gt=start, action=LogEntry.Action.DELETE, object_id=lead.pk).exists()
