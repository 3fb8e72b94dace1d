"""Reads of supervisors' work: the cells nobody visited in a quarter (one query, attended visits of any kind, scoped
to what the reader sees), the visits others may use, and pages whose query count does not grow with the cells."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory
from apps.meetings.testing import make_meeting
from apps.members.testing import grant
from apps.orgs.services import tree as org_services
from apps.oversight.models import Visit
from apps.oversight.queries import supervision as queries
from apps.oversight.rules.periods import QUARTER, Period
from apps.oversight.services import supervision as services

Q4 = Period(QUARTER, 2026, 4)


def visit(cell, on, *, attended=True, kind=Visit.Kind.SUPERVISOR, visitor=None, **kwargs):
    return services.visit_add(cell=cell, visitor=visitor, kind=kind, on=on, attended=attended, **kwargs)


@pytest.mark.django_db
def test_unvisited_cells_count_attended_visits_of_the_quarter_in_the_subtree(world):
    extra = org_services.organization_create(parent=world.commune_a, kind="cell", code="XA3", name="Chi bộ Trường")
    closed = org_services.organization_create(parent=world.commune_a, kind="cell", code="XA4", name="Chi bộ cũ")
    closed.active = False
    closed.save()
    visit(world.cell_a1, date(2026, 10, 1), kind=Visit.Kind.INSPECTION)  # first day of the quarter: counts
    visit(world.cell_a2, date(2026, 11, 3), attended=False)  # did not attend: not a visit
    visit(world.cell_a2, date(2026, 9, 30))  # the quarter before
    visit(extra, date(2026, 12, 1))
    visit(world.cell_b1, date(2026, 11, 1))  # another commune
    with CaptureQueriesContext(connection) as captured:
        cells = list(queries.unvisited_cells(world.staff, world.commune_a, Q4))
    assert cells == [world.cell_a2]
    assert len(captured) <= 2  # the cells (the staff's grants read once)
    assert list(queries.unvisited_cells(world.staff, world.commune_a, Q4.previous())) == [world.cell_a1, extra]
    # the province's staff see commune B's cell visited too; a cell node is its own subtree
    province_staff = UserFactory()
    grant(province_staff, world.province, Role.COMMITTEE_STAFF)
    assert list(queries.unvisited_cells(province_staff, world.province, Q4)) == [world.cell_a2]
    assert list(queries.unvisited_cells(world.staff, world.cell_a1, Q4)) == []
    # nothing outside what the reader sees
    assert list(queries.unvisited_cells(world.outsider, world.commune_a, Q4)) == []


@pytest.mark.django_db
def test_visits_for_is_scoped(world):
    a1 = visit(world.cell_a1, date(2026, 11, 5))
    a2 = visit(world.cell_a2, date(2026, 11, 5))
    b1 = visit(world.cell_b1, date(2026, 11, 5))
    assert set(queries.visits_for(world.staff)) == {a1, a2}
    assert set(queries.visits_for(world.inspector)) == {a1, a2}
    assert set(queries.visits_for(world.supervisor)) == {a2}
    assert set(queries.visits_for(world.outsider)) == {b1}
    assert set(queries.visits_for(world.member_user)) == set()  # a plain member reads no visit


@pytest.mark.django_db
def test_supervisor_candidates_are_the_roles_of_the_subtree(world):
    people = set(queries.supervisor_candidates(world.staff, world.commune_a, today=timezone.localdate()))
    assert people == {world.staff, world.secretary, world.supervisor, world.inspector}
    assert set(queries.supervisor_candidates(world.outsider, world.commune_a, today=timezone.localdate())) == set()


# ---------------------------------------------------------------------------------------------- query counts


def commune_with(cells: int):
    """A commune with ``cells`` cells, its staff, a supervisor assigned to every cell, a coming meeting, a visit and
    an overdue follow-up in each."""
    province = org_services.organization_create(parent=None, kind="committee", code=f"P{cells}", name="Tỉnh")
    commune = org_services.organization_create(parent=province, kind="committee", code=f"C{cells}", name="Xã")
    staff, supervisor = UserFactory(), UserFactory()
    grant(staff, commune, Role.COMMITTEE_STAFF)
    today = timezone.localdate()
    for i in range(cells):
        cell = org_services.organization_create(parent=commune, kind="cell", code=f"C{cells}-{i}", name=f"Chi bộ {i}")
        services.assignment_create(committee=commune, cell=cell, supervisor=supervisor, starts_on=date(2026, 1, 1))
        make_meeting(cell, when=timezone.now() + timedelta(days=3 + i))
        make_meeting(cell, kind="thematic", when=timezone.now() + timedelta(days=10 + i))
        visit(cell, today - timedelta(days=5), visitor=supervisor, follow_up_due=today - timedelta(days=1))
    return commune, staff, supervisor


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "who", "limit"),
    [("supervision", "supervisor", 8), ("assignments", "staff", 10), ("visits", "staff", 10)],
)
@pytest.mark.django_db
def test_pages_read_the_same_number_of_queries_for_1_and_3_cells(client, page, who, limit):
    counts = []
    for cells in (1, 3):
        commune, staff, supervisor = commune_with(cells)
        user = {"staff": staff, "supervisor": supervisor}[who]
        client.force_login(user)
        args = [] if page == "supervision" else [commune.pk]
        path = reverse(f"oversight:{page}", args=args)
        counts.append(count(client, path))
    assert counts[0] == counts[1] <= limit, counts


@pytest.mark.django_db
def test_the_visit_form_reads_a_bounded_number_of_queries(world, client_for):
    meeting = make_meeting(world.cell_a2, when=timezone.now() - timedelta(days=1))
    client = client_for(world.supervisor)
    path = reverse("oversight:visit_add", args=[world.cell_a2.pk]) + f"?meeting={meeting.pk}"
    assert count(client, path) <= 10


@pytest.mark.django_db
def test_the_supervisors_page_on_a_world_with_history(history_world, client_for, django_assert_max_num_queries):
    world = history_world
    services.assignment_create(
        committee=world.commune_a, cell=world.cell_a1, supervisor=world.supervisor, starts_on=date(2026, 1, 1)
    )
    last = world.history.meetings[-1]
    visit(world.cell_a1, timezone.localtime(last.scheduled_at).date(), visitor=world.supervisor, meeting=last)
    make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=4), place="Nhà văn hóa khu 1")
    client = client_for(world.supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("oversight:supervision")).content.decode()
    card = page.split(f'id="cell-{world.cell_a1.pk}"')[1]
    held = timezone.localtime(last.scheduled_at)
    assert f"<strong>{held:%d/%m/%Y}</strong>" in card  # the last visit, to the last held meeting
    assert "Nhà văn hóa khu 1" in card
    cards = [c for c in queries.supervision_page(world.supervisor, today=timezone.localdate())]
    assert [c.cell for c in cards] == [world.cell_a1, world.cell_a2]
    assert cards[0].last_visit.meeting == last and len(cards[0].coming) == 1
    assert cards[1].assignment is None and cards[1].last_visit is None
