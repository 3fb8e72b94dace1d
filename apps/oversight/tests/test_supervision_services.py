"""Services of supervisors' work: an assignment comes and goes with its supervisor grant, visits are checked for
plausible dates and the cell's own meetings, every refusal says why in Vietnamese and saves nothing."""

from datetime import date, timedelta
from unittest import mock

import pytest
import rules
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory, snapshot
from apps.meetings.testing import make_meeting
from apps.members.testing import grant
from apps.orgs.models import Organization, RoleGrant
from apps.oversight.models import SupervisorAssignment, Visit
from apps.oversight.permissions import visit_kinds
from apps.oversight.services import supervision as services

state = snapshot(
    SupervisorAssignment.objects.order_by("pk").values_list("pk", "supervisor_id", "cell_id", "starts_on", "ends_on"),
    RoleGrant.objects.order_by("pk").values_list("pk", "user_id", "organization_id", "role", "starts_on", "ends_on"),
    Visit.objects.order_by("pk").values_list("pk", "cell_id", "on", "follow_up_due", "follow_up_done_on"),
)


def today():
    return timezone.localdate()


def refused(call, field: str | None = None) -> str:
    """The service refuses, saves nothing, and says why (returned: the message of ``field``, else all)."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        call()
    assert state() == before
    error = caught.value
    if field is not None:
        return " ".join(error.message_dict[field])
    return " ".join(error.messages)


@pytest.fixture
def person(world):
    """A member of commune A's committee with an account, not yet supervising anything."""
    user = UserFactory(username="uyvien", first_name="Đặng Văn Ủy Viên")
    grant(user, world.commune_a, Role.COMMITTEE_STAFF)
    return user


def assign(world, person, cell=None, **kwargs):
    values = {"starts_on": today(), "by": world.staff} | kwargs
    return services.assignment_create(
        committee=world.commune_a, cell=cell or world.cell_a1, supervisor=person, **values
    )


def supervisor_grants(user, cell):
    return RoleGrant.objects.filter(user=user, organization=cell, role=Role.SUPERVISOR)


# ---------------------------------------------------------------------------------------------- assignments


@pytest.mark.django_db
def test_an_assignment_comes_with_a_supervisor_grant_for_the_same_term(world):
    outsider_of_a1 = UserFactory()
    assert not Organization.objects.visible_to(outsider_of_a1).filter(pk=world.cell_a1.pk).exists()
    end = today() + timedelta(days=365)
    assignment = assign(world, outsider_of_a1, ends_on=end, note="Nhiệm kỳ 2025–2030")
    assert (assignment.committee, assignment.cell, assignment.assigned_by) == (
        world.commune_a,
        world.cell_a1,
        world.staff,
    )
    (role,) = supervisor_grants(outsider_of_a1, world.cell_a1)
    assert (role.starts_on, role.ends_on) == (today(), end)
    # the supervisor now sees the cell and records visits there
    fresh = type(outsider_of_a1).objects.get(pk=outsider_of_a1.pk)
    assert Organization.objects.visible_to(fresh).filter(pk=world.cell_a1.pk).exists()
    assert visit_kinds(fresh, world.cell_a1) == [Visit.Kind.SUPERVISOR]
    assert visit_kinds(fresh, world.cell_a2) == []


@pytest.mark.django_db
def test_assignment_and_grant_are_audited(world, person):
    assignment = assign(world, person, ends_on=today() + timedelta(days=30))
    services.assignment_end(assignment=assignment, ends_on=today())
    (role,) = supervisor_grants(person, world.cell_a1)
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(SupervisorAssignment))
    assert {e.action for e in entries.filter(object_pk=str(assignment.pk))} == {
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    }
    grant_entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleGrant), object_pk=str(role.pk)
    )
    assert grant_entries.filter(action=LogEntry.Action.CREATE).exists()
    assert grant_entries.filter(action=LogEntry.Action.UPDATE).count() == 2  # the term's end, then ended today


@pytest.mark.django_db
def test_ending_an_assignment_ends_its_grant_and_only_it(world, person):
    grant(person, world.cell_a2, Role.SUPERVISOR)  # a grant of its own on another cell stays
    assignment = assign(world, person, starts_on=today() - timedelta(days=100))
    services.assignment_end(assignment=assignment, ends_on=today() - timedelta(days=1))
    assignment.refresh_from_db()
    assert assignment.ends_on == today() - timedelta(days=1)
    (role,) = supervisor_grants(person, world.cell_a1)
    assert role.ends_on == today() - timedelta(days=1)
    assert supervisor_grants(person, world.cell_a2).get().ends_on is None
    fresh = type(person).objects.get(pk=person.pk)
    assert visit_kinds(fresh, world.cell_a1) == [] and visit_kinds(fresh, world.cell_a2) == [Visit.Kind.SUPERVISOR]


@pytest.mark.django_db
def test_a_later_term_of_the_same_person_is_a_new_assignment_with_its_own_grant(world, person):
    first = assign(world, person, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    second = assign(world, person, starts_on=date(2026, 1, 1))
    services.assignment_end(assignment=second, ends_on=today())
    grants = {(g.starts_on, g.ends_on) for g in supervisor_grants(person, world.cell_a1)}
    assert grants == {(first.starts_on, first.ends_on), (second.starts_on, today())}


@pytest.mark.django_db
def test_assignment_refusals_say_why_in_vietnamese_and_save_nothing(world, person):
    message = refused(lambda: assign(world, person, cell=world.cell_b1), "cell")
    assert message == "Chọn một chi bộ trực thuộc cấp ủy này."
    assert (
        refused(lambda: assign(world, person, cell=world.commune_a), "cell") == "Chọn một chi bộ trực thuộc cấp ủy này."
    )
    message = refused(lambda: assign(world, person, ends_on=today() - timedelta(days=1)), "ends_on")
    assert message == "Ngày kết thúc trước ngày bắt đầu."
    message = refused(lambda: assign(world, person, starts_on=date(1999, 12, 31)), "starts_on")
    assert message == "Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."
    assign(world, person, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    message = refused(lambda: assign(world, person, starts_on=date(2026, 6, 1)), "supervisor")
    assert message == "Người này đã được phân công phụ trách chi bộ này trong thời gian đó."
    message = refused(lambda: assign(world, person, starts_on=date(2025, 1, 1), ends_on=date(2026, 1, 1)), "supervisor")
    assert "đã được phân công" in message
    assign(world, person, starts_on=date(2027, 1, 1))  # after the term: fine


@pytest.mark.django_db
def test_an_inactive_cell_takes_no_supervisor(world, person):
    Organization.objects.filter(pk=world.cell_a2.pk).update(active=False)
    cell = Organization.objects.get(pk=world.cell_a2.pk)
    assert refused(lambda: assign(world, person, cell=cell), "cell") == "Chi bộ này không còn hoạt động."


@pytest.mark.django_db
def test_nothing_is_half_saved_when_the_grant_fails(world, person):
    before = state()
    with (
        mock.patch.object(services, "role_grant", side_effect=RuntimeError("grant refused")),
        pytest.raises(RuntimeError),
    ):
        assign(world, person)
    assert state() == before


@pytest.mark.django_db
def test_ending_refusals(world, person):
    assignment = assign(world, person, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    message = refused(lambda: services.assignment_end(assignment=assignment, ends_on=date(2025, 12, 1)), "ends_on")
    assert message == "Ngày kết thúc trước ngày bắt đầu."
    message = refused(lambda: services.assignment_end(assignment=assignment, ends_on=date(2027, 3, 1)), "ends_on")
    assert message == "Phân công này đã kết thúc ngày 31/12/2026."
    services.assignment_end(assignment=assignment, ends_on=date(2026, 6, 30))  # shortened: fine
    assert supervisor_grants(person, world.cell_a1).get().ends_on == date(2026, 6, 30)


# ---------------------------------------------------------------------------------------------- visits


def visit(world, **kwargs):
    values = {
        "cell": world.cell_a2,
        "visitor": world.supervisor,
        "kind": Visit.Kind.SUPERVISOR,
        "on": today(),
        "observations": "Chi bộ sinh hoạt đúng giờ",
    } | kwargs
    return services.visit_add(**values)


@pytest.mark.django_db
def test_a_visit_to_a_held_meeting_is_recorded_and_audited(world):
    meeting = make_meeting(world.cell_a2, when=timezone.now() - timedelta(days=2))
    recorded = visit(
        world,
        meeting=meeting,
        on=today() - timedelta(days=2),
        recommendations="Tăng thời lượng thảo luận",
        follow_up_due=today() + timedelta(days=30),
    )
    assert (recorded.cell, recorded.meeting, recorded.visitor, recorded.attended) == (
        world.cell_a2,
        meeting,
        world.supervisor,
        True,
    )
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Visit), object_pk=str(recorded.pk), action=LogEntry.Action.CREATE
    ).exists()


@pytest.mark.django_db
def test_visit_refusals_say_why_in_vietnamese_and_save_nothing(world):
    day = today().strftime("%d/%m/%Y")
    message = refused(lambda: visit(world, on=today() + timedelta(days=1)), "on")
    assert message == f"Nhập ngày trong khoảng từ 01/01/2000 đến hôm nay ({day})."
    assert refused(lambda: visit(world, on=date(1999, 12, 31)), "on") == message
    other = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=1))
    assert refused(lambda: visit(world, meeting=other), "meeting") == "Chọn cuộc sinh hoạt của chính chi bộ này."
    coming = make_meeting(world.cell_a2, when=timezone.now() + timedelta(days=3))
    message = refused(lambda: visit(world, meeting=coming), "meeting")
    when = timezone.localtime(coming.scheduled_at).strftime("%d/%m/%Y")
    assert message == f"Cuộc sinh hoạt này diễn ra ngày {when}, sau ngày dự đã nhập."
    message = refused(lambda: visit(world, follow_up_due=today() - timedelta(days=1)), "follow_up_due")
    assert message == "Hạn kiểm tra lại không được trước ngày dự."
    assert refused(lambda: visit(world, kind="tourist"), "kind") == "Chọn hình thức."
    assert refused(lambda: visit(world, cell=world.commune_a), "cell") == "Chỉ ghi nhận lần dự ở chi bộ."


@pytest.mark.django_db
def test_a_follow_up_is_closed_once_between_the_visit_and_today(world):
    recorded = visit(world, on=today() - timedelta(days=20), follow_up_due=today() - timedelta(days=5))
    message = refused(lambda: services.visit_follow_up_done(visit=recorded, done_on=today() - timedelta(days=21)))
    assert "Nhập ngày trong khoảng từ" in message
    services.visit_follow_up_done(visit=recorded, done_on=today())
    message = refused(lambda: services.visit_follow_up_done(visit=recorded, done_on=today()))
    assert message == f"Kiến nghị này đã được kiểm tra lại ngày {today():%d/%m/%Y}."
    plain = visit(world)
    message = refused(lambda: services.visit_follow_up_done(visit=plain, done_on=today()))
    assert message == "Lần dự này không có hạn kiểm tra lại."


@pytest.mark.django_db
def test_who_supervises_for_the_menu(world, person):
    assert rules.test_rule("oversight.supervises", world.supervisor)
    assert not rules.test_rule("oversight.supervises", person)
    assign(world, person)
    fresh = type(person).objects.get(pk=person.pk)
    assert rules.test_rule("oversight.supervises", fresh)
    assert not rules.test_rule("oversight.supervises", world.staff)
