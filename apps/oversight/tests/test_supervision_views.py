"""Pages of supervisors' work: who reads, who changes (outsider 404 with nothing changed, a plain member sees no
visits, the supervisor of A2 records nothing in A1, the inspection commission records its own kind of visit), the
supervisor's page, the committee's assignments and visits."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory, snapshot
from apps.meetings.testing import make_meeting
from apps.members.testing import grant
from apps.orgs.models import RoleGrant
from apps.oversight.models import SupervisorAssignment, Visit
from apps.oversight.services import supervision as services

state = snapshot(
    SupervisorAssignment.objects.order_by("pk").values_list("pk", "supervisor_id", "cell_id", "starts_on", "ends_on"),
    RoleGrant.objects.order_by("pk").values_list("pk", "user_id", "organization_id", "role", "ends_on"),
    Visit.objects.order_by("pk").values_list("pk", "cell_id", "kind", "on", "follow_up_done_on"),
)


def url(name, *args):
    return reverse(f"oversight:{name}", args=args)


def today():
    return timezone.localdate()


def d(day):
    return day.strftime("%d/%m/%Y")


def visit_post(**kwargs):
    return {"kind": "supervisor", "on": d(today()), "attended": "yes", "observations": "Sinh hoạt nghiêm túc"} | kwargs


@pytest.fixture
def a2_visit(world):
    return services.visit_add(
        cell=world.cell_a2,
        visitor=world.supervisor,
        kind=Visit.Kind.SUPERVISOR,
        on=today() - timedelta(days=3),
        recommendations="Chuẩn bị nghị quyết kỹ hơn",
        follow_up_due=today() - timedelta(days=1),
    )


@pytest.fixture
def assignment(world):
    return services.assignment_create(
        committee=world.commune_a, cell=world.cell_a2, supervisor=world.supervisor, starts_on=date(2026, 1, 1)
    )


def denied(client, method, name, arg, data=None):
    before = state()
    response = client.get(url(name, arg)) if method == "get" else client.post(url(name, arg), data or {})
    assert response.status_code == 404
    assert state() == before


# ---------------------------------------------------------------------------------------------- anonymous


@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, a2_visit, assignment):
    for name, args in (
        ("supervision", ()),
        ("assignments", (world.commune_a.pk,)),
        ("assignment_add", (world.commune_a.pk,)),
        ("visits", (world.commune_a.pk,)),
        ("visit_add", (world.cell_a2.pk,)),
    ):
        response = client.get(url(name, *args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    before = state()
    for name, arg in (("assignment_end", assignment.pk), ("visit_follow_up", a2_visit.pk)):
        assert client.post(url(name, arg), {}).status_code == 302
    assert state() == before


# ---------------------------------------------------------------------------------------------- who reads


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("supervisor", "cell_a2", 200),
        ("supervisor", "commune_a", 404),
        ("supervisor", "cell_a1", 404),
        ("secretary", "cell_a1", 200),  # the cell's leaders read who follows them and their visits
        ("secretary", "commune_a", 404),
        ("member_user", "cell_a1", 404),  # a plain member does not
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a2", 404),
    ],
)
@pytest.mark.django_db
def test_assignments_and_visits_pages_are_scoped(world, client_for, a2_visit, persona, org, expected):
    client = client_for(getattr(world, persona))
    assert client.get(url("assignments", getattr(world, org).pk)).status_code == expected
    response = client.get(url("visits", getattr(world, org).pk))
    assert response.status_code == expected
    if expected == 200 and org == "cell_a2":
        assert "Chuẩn bị nghị quyết kỹ hơn" in response.content.decode()


@pytest.mark.django_db
def test_a_plain_member_sees_no_visit_of_their_cell(world, client_for):
    services.visit_add(
        cell=world.cell_a1, visitor=world.inspector, kind=Visit.Kind.INSPECTION, on=today(), observations="Bí mật"
    )
    client = client_for(world.member_user)
    assert client.get(url("visits", world.cell_a1.pk)).status_code == 404
    assert "Bí mật" not in client.get(url("supervision")).content.decode()


# ---------------------------------------------------------------------------------------------- assignments


@pytest.mark.django_db
def test_staff_assign_a_supervisor_and_end_the_assignment(world, client_for):
    client = client_for(world.staff)
    page = client.get(url("assignments", world.commune_a.pk)).content.decode()
    assert f'id="cell-{world.cell_a1.pk}" class="level-warning unsupervised"' in page
    assert f'id="cell-{world.cell_a2.pk}" class="level-warning' not in page  # followed by a supervisor grant
    form = page.split('id="assign"')[1]
    for person in (world.staff, world.secretary, world.supervisor, world.inspector):
        assert f'value="{person.pk}"' in form
    for person in (world.member_user, world.outsider):  # a plain member, and someone of another commune
        assert f'value="{person.pk}"' not in form
    data = {"supervisor": world.secretary.pk, "cell": world.cell_a2.pk, "starts_on": d(today()), "note": "NK 2025"}
    response = client.post(url("assignment_add", world.commune_a.pk), data)
    assert response.status_code == 302 and response["Location"] == url("assignments", world.commune_a.pk)
    assignment = SupervisorAssignment.objects.get()
    assert (assignment.supervisor, assignment.cell, assignment.assigned_by) == (
        world.secretary,
        world.cell_a2,
        world.staff,
    )
    assert RoleGrant.objects.filter(user=world.secretary, organization=world.cell_a2, role=Role.SUPERVISOR).exists()
    page = client.get(url("assignments", world.commune_a.pk)).content.decode()
    assert url("assignment_end", assignment.pk) in page.split('id="current"')[1].split('id="past"')[0]
    response = client.post(url("assignment_end", assignment.pk), {"ends_on": d(today())})
    assert response.status_code == 302 and response["Location"] == url("assignments", world.commune_a.pk)
    assignment.refresh_from_db()
    assert assignment.ends_on == today()
    role = RoleGrant.objects.get(user=world.secretary, organization=world.cell_a2, role=Role.SUPERVISOR)
    assert role.ends_on == today()


@pytest.mark.django_db
def test_a_refused_assignment_shows_the_form_again_with_why(world, client_for):
    client = client_for(world.staff)
    before = state()
    data = {"supervisor": world.outsider.pk, "cell": world.cell_b1.pk, "starts_on": d(today())}
    response = client.post(url("assignment_add", world.commune_a.pk), data)
    assert response.status_code == 200 and state() == before
    data = {"supervisor": world.staff.pk, "cell": world.cell_a1.pk, "starts_on": d(today()), "ends_on": "01/01/2020"}
    page = client.post(url("assignment_add", world.commune_a.pk), data).content.decode()
    assert "Ngày kết thúc trước ngày bắt đầu." in page and state() == before


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "secretary", "member_user", "outsider"])
@pytest.mark.django_db
def test_only_the_committees_staff_assign_and_end(world, client_for, assignment, persona):
    client = client_for(getattr(world, persona))
    data = {"supervisor": world.staff.pk, "cell": world.cell_a1.pk, "starts_on": d(today())}
    denied(client, "post", "assignment_add", world.commune_a.pk, data)
    denied(client, "post", "assignment_add", world.cell_a1.pk, data)
    denied(client, "post", "assignment_end", assignment.pk, {"ends_on": d(today())})
    page = client.get(url("assignments", world.cell_a2.pk)).content.decode()
    assert url("assignment_end", assignment.pk) not in page and 'id="assign"' not in page


@pytest.mark.django_db
def test_ending_twice_is_refused_with_a_message(world, client_for, assignment):
    client = client_for(world.staff)
    client.post(url("assignment_end", assignment.pk), {"ends_on": d(today())})
    before = state()
    response = client.post(url("assignment_end", assignment.pk), {"ends_on": d(today())}, follow=True)
    assert f"Phân công này đã kết thúc ngày {d(today())}." in response.content.decode() and state() == before


# ---------------------------------------------------------------------------------------------- visits


@pytest.mark.django_db
def test_the_supervisor_records_a_visit_to_a_meeting_of_their_cell(world, client_for):
    meeting = make_meeting(world.cell_a2, when=timezone.now() - timedelta(days=1))
    client = client_for(world.supervisor)
    page = client.get(url("visit_add", world.cell_a2.pk) + f"?meeting={meeting.pk}").content.decode()
    assert f'<option value="{meeting.pk}" selected>' in page and 'type="hidden" name="kind" value="supervisor"' in page
    data = visit_post(meeting=meeting.pk, on=d(today() - timedelta(days=1)), follow_up_due=d(today() + timedelta(30)))
    response = client.post(url("visit_add", world.cell_a2.pk), data)
    assert response.status_code == 302 and response["Location"] == url("supervision")
    recorded = Visit.objects.get()
    assert (recorded.cell, recorded.meeting, recorded.kind, recorded.visitor) == (
        world.cell_a2,
        meeting,
        "supervisor",
        world.supervisor,
    )


@pytest.mark.django_db
def test_a_refused_visit_shows_why_and_saves_nothing(world, client_for):
    client = client_for(world.supervisor)
    before = state()
    page = client.post(url("visit_add", world.cell_a2.pk), visit_post(on=d(today() + timedelta(days=1)))).content
    assert f"Nhập ngày trong khoảng từ 01/01/2000 đến {d(today())}." in page.decode() and state() == before
    coming = make_meeting(world.cell_a2, when=timezone.now() + timedelta(days=5))
    page = client.post(url("visit_add", world.cell_a2.pk), visit_post(meeting=coming.pk)).content.decode()
    assert "sau ngày dự đã nhập" in page and state() == before


@pytest.mark.django_db
def test_the_supervisor_of_a2_records_no_visit_in_a1(world, client_for):
    client = client_for(world.supervisor)
    denied(client, "get", "visit_add", world.cell_a1.pk)
    denied(client, "post", "visit_add", world.cell_a1.pk, visit_post())


@pytest.mark.parametrize("persona", ["staff", "secretary", "member_user", "outsider"])
@pytest.mark.django_db
def test_others_record_no_visit(world, client_for, persona):
    client = client_for(getattr(world, persona))
    for cell in (world.cell_a1, world.cell_a2):
        denied(client, "post", "visit_add", cell.pk, visit_post())


@pytest.mark.django_db
def test_an_assignment_alone_lets_its_supervisor_record(world, client_for):
    """An assignment in force whose grant was ended by hand still lets its supervisor record a visit."""
    person = UserFactory()
    SupervisorAssignment.objects.create(
        supervisor=person, cell=world.cell_a1, committee=world.commune_a, starts_on=date(2026, 1, 1)
    )
    client = client_for(person)
    assert client.get(url("visit_add", world.cell_a1.pk)).status_code == 200
    assert client.post(url("visit_add", world.cell_a1.pk), visit_post()).status_code == 302
    assert Visit.objects.get().cell == world.cell_a1
    denied(client, "get", "visit_add", world.cell_a2.pk)


@pytest.mark.django_db
def test_the_inspection_commission_records_its_own_kind_of_visit_in_its_subtree(world, client_for):
    client = client_for(world.inspector)
    page = client.get(url("visit_add", world.cell_a1.pk)).content.decode()
    assert 'type="hidden" name="kind" value="inspection"' in page
    response = client.post(url("visit_add", world.cell_a1.pk), visit_post(kind="inspection"))
    assert response.status_code == 302 and response["Location"] == url("visits", world.cell_a1.pk)
    assert Visit.objects.get().kind == Visit.Kind.INSPECTION
    before = state()
    response = client.post(url("visit_add", world.cell_a1.pk), visit_post(kind="supervisor"))
    assert response.status_code == 200 and state() == before  # not a supervisor: that kind is not offered
    denied(client, "post", "visit_add", world.cell_b1.pk, visit_post(kind="inspection"))


@pytest.mark.django_db
def test_someone_who_is_both_chooses_the_kind(world, client_for):
    grant(world.inspector, world.cell_a2, Role.SUPERVISOR)
    client = client_for(world.inspector)
    page = client.get(url("visit_add", world.cell_a2.pk)).content.decode()
    assert '<select name="kind"' in page
    client.post(url("visit_add", world.cell_a2.pk), visit_post(kind="supervisor"))
    assert Visit.objects.get().kind == Visit.Kind.SUPERVISOR


@pytest.mark.django_db
def test_the_committee_sees_visits_unvisited_cells_and_overdue_follow_ups(world, client_for, a2_visit):
    client = client_for(world.staff)
    page = client.get(url("visits", world.commune_a.pk)).content.decode()
    unvisited = page.split('id="unvisited"')[1].split("</section>")[0]
    assert world.cell_a1.name in unvisited and world.cell_a2.name not in unvisited
    assert world.cell_b1.name not in page
    follow_ups = page.split('id="follow-ups"')[1].split("</section>")[0]
    assert f'id="visit-{a2_visit.pk}"' in follow_ups and "chưa kiểm tra lại" in follow_ups
    visits = page.split('id="visits"')[1]
    assert f'class="visit level-warning" id="visit-{a2_visit.pk}"' in visits
    assert url("visit_follow_up", a2_visit.pk) in follow_ups
    # another quarter, another kind
    page = client.get(url("visits", world.commune_a.pk) + "?quarter=2025-q4").content.decode()
    assert f'id="visit-{a2_visit.pk}"' not in page.split('id="visits"')[1]
    assert world.cell_a2.name in page.split('id="unvisited"')[1].split("</section>")[0]
    page = client.get(url("visits", world.commune_a.pk) + "?kind=inspection").content.decode()
    assert f'id="visit-{a2_visit.pk}"' not in page.split('id="visits"')[1]
    for junk in ("?quarter=abc", "?quarter=9999-q1", "?quarter=2026-11", "?kind=x"):
        assert client.get(url("visits", world.commune_a.pk) + junk).status_code == 200


@pytest.mark.django_db
def test_a_follow_up_is_marked_done(world, client_for, a2_visit):
    back = url("visits", world.commune_a.pk)
    response = client_for(world.supervisor).post(
        url("visit_follow_up", a2_visit.pk), {"done_on": d(today()), "back": url("visits", world.cell_a2.pk)}
    )
    assert response.status_code == 302 and response["Location"] == url("visits", world.cell_a2.pk)
    a2_visit.refresh_from_db()
    assert a2_visit.follow_up_done_on == today()
    page = client_for(world.staff).get(back).content.decode()
    assert 'id="follow-ups"' not in page


@pytest.mark.parametrize("persona", ["secretary", "member_user", "outsider"])
@pytest.mark.django_db
def test_others_close_no_follow_up(world, client_for, a2_visit, persona):
    denied(client_for(getattr(world, persona)), "post", "visit_follow_up", a2_visit.pk, {"done_on": d(today())})


# ---------------------------------------------------------------------------------------------- the supervisor's page


@pytest.mark.django_db
def test_the_supervisors_page_lists_coming_meetings_and_the_last_visit(history_world, client_for, a2_visit):
    world = history_world
    now = timezone.localtime()
    soon = make_meeting(world.cell_a2, when=now + timedelta(days=10), place="Hội trường thôn Đông")
    make_meeting(world.cell_a2, kind="thematic", when=now + timedelta(days=20))
    make_meeting(world.cell_a2, when=now + timedelta(days=75), place="Quá xa")
    make_meeting(world.cell_a1, when=now + timedelta(days=5), place="Nhà văn hóa A1")  # not their cell
    page = client_for(world.supervisor).get(url("supervision")).content.decode()
    card = page.split(f'id="cell-{world.cell_a2.pk}"')[1]
    when = timezone.localtime(soon.scheduled_at)
    assert f"<strong>{when:%d/%m/%Y}</strong> {when:%H:%M}" in card and "Hội trường thôn Đông" in card
    assert "Sinh hoạt chuyên đề" in card and "Quá xa" not in card
    assert "Nhà văn hóa A1" not in page and f'id="cell-{world.cell_a1.pk}"' not in page
    assert f'id="visit-{a2_visit.pk}"' in card and "Chuẩn bị nghị quyết kỹ hơn" in card
    assert url("visit_add", world.cell_a2.pk) in card
    # a meeting of a later day is not yet recorded; one of today is
    assert f"?meeting={soon.pk}" not in card
    today_meeting = make_meeting(world.cell_a2, when=now.replace(hour=23, minute=0))
    page = client_for(world.supervisor).get(url("supervision")).content.decode()
    assert url("visit_add", world.cell_a2.pk) + f"?meeting={today_meeting.pk}" in page


@pytest.mark.django_db
def test_an_assignment_adds_its_cell_to_the_supervisors_page(history_world, client_for):
    world = history_world
    services.assignment_create(
        committee=world.commune_a, cell=world.cell_a1, supervisor=world.supervisor, starts_on=date(2026, 1, 1)
    )
    page = client_for(world.supervisor).get(url("supervision")).content.decode()
    card = page.split(f'id="cell-{world.cell_a1.pk}"')[1]
    assert "Được Đảng bộ xã An phân công từ 01/01/2026" in card
    assert "Chưa ghi nhận lần dự nào." in card
    assert f'id="cell-{world.cell_a2.pk}"' in page


@pytest.mark.django_db
def test_someone_without_cells_sees_an_empty_page(world, client_for):
    page = client_for(world.member_user).get(url("supervision")).content.decode()
    assert "Hiện bạn chưa được phân công phụ trách chi bộ nào." in page
