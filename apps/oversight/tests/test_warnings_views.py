"""The warnings page: who sees it (staff, inspection, a supervisor on their cell, a secretary on their cell; never
a plain member nor the outsider: 404), grouped and filtered by kind with each line's evidence link, a number of
queries that does not grow with the sub-units, and no write on a GET."""

from datetime import date

import pytest
from django.urls import reverse

from apps.common.scoping import Role
from apps.members.testing import add_member, grant
from apps.orgs.services import tree as org_services
from apps.oversight.models import CellMonth
from apps.oversight.rules import warnings as rules
from apps.oversight.tests.test_warnings import fact, steady
from apps.resolutions.testing import make_resolution
from tests.walk.guard import watching


def url(org, kind=""):
    return reverse("oversight:warnings", args=[org.pk]) + (f"?kind={kind}" if kind else "")


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("staff", "cell_a1", 200),
        ("inspector", "commune_a", 200),
        ("supervisor", "cell_a2", 200),
        ("secretary", "cell_a1", 200),
        ("supervisor", "commune_a", 404),  # supervises a cell, not the commune
        ("secretary", "commune_a", 404),
        ("member_user", "cell_a1", 404),  # a plain member does not read the warnings (they name members)
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a1", 404),
    ],
)
@pytest.mark.django_db
def test_who_sees_the_warnings(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).get(url(getattr(world, org)))
    assert response.status_code == expected


@pytest.mark.django_db
def test_the_page_groups_by_kind_with_reasons_and_evidence(world, client_for):
    steady(world.cell_a1)
    task = make_resolution(world.cell_a1, tasks=1, targets=0, deadline=date(2026, 11, 10)).tasks.get()
    response = client_for(world.staff).get(url(world.commune_a))
    assert response.status_code == 200
    groups = {g.kind: g for g in response.context["groups"]}
    assert set(groups) == {rules.NO_MEETING, rules.NO_THEMATIC, rules.OVERDUE_TASK, rules.CALENDAR_MISSING}
    assert [w.org for w in groups[rules.NO_MEETING].warnings] == [world.cell_a2]
    html = response.content.decode()
    assert 'id="kind-no_meeting"' in html and "Không sinh hoạt tháng trước" in html
    assert reverse("resolutions:task", args=[task.pk]) in html
    assert reverse("oversight:cell_meetings", args=[world.cell_a2.pk]) + "?period=2026-11" in html
    assert reverse("oversight:thresholds", args=[world.commune_a.pk]) in html


@pytest.mark.django_db
def test_a_kind_picked_shows_only_that_kind(world, client_for):
    steady(world.cell_a1)
    response = client_for(world.staff).get(url(world.commune_a, rules.CALENDAR_MISSING))
    assert [g.kind for g in response.context["groups"]] == [rules.CALENDAR_MISSING]
    tabs = {code: count for code, _label, count in response.context["tabs"]}
    assert tabs[rules.NO_MEETING] == 1 and tabs[rules.CALENDAR_MISSING] == 1
    # An unknown kind shows them all.
    response = client_for(world.staff).get(url(world.commune_a, "nonsense"))
    assert response.context["kind"] == "" and len(response.context["groups"]) > 1


@pytest.mark.django_db
def test_a_calm_commune_says_so(world, client_for):
    steady(world.cell_a1)
    steady(world.cell_a2)
    response = client_for(world.staff).get(url(world.commune_a))
    assert 'id="no-warnings"' in response.content.decode()


def _commune_with(world, cells: int):
    """A new commune under the province with ``cells`` cells, each with a warning of every monthly kind, an overdue
    task, a member and no calendar."""
    commune = org_services.organization_create(
        parent=world.province, kind="committee", code=f"XC{cells}", name=f"Đảng bộ xã Thử {cells}"
    )
    for n in range(cells):
        cell = org_services.organization_create(parent=commune, kind="cell", code=f"XC{cells}-{n}", name=f"Chi bộ {n}")
        for month, present in ((8, 19), (9, 18), (10, 17), (11, 16)):
            fact(cell, date(2026, month, 1), attendance_expected=20, attendance_present=present, regular_held=0)
        make_resolution(cell, tasks=2, targets=0, deadline=date(2026, 11, 1))
        add_member(cell, full_name=f"Đảng viên {n}")
    return commune


@pytest.mark.django_db
def test_the_page_takes_the_same_queries_for_one_or_three_sub_units(world, client_for, django_assert_max_num_queries):
    one, three = _commune_with(world, 1), _commune_with(world, 3)
    grant(world.staff, world.province, Role.COMMITTEE_STAFF)  # the province's staff reads both communes
    client = client_for(world.staff)
    counts = []
    for commune in (one, three):
        with django_assert_max_num_queries(16) as captured:
            response = client.get(url(commune))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert len(response.context["groups"]) >= 4


@pytest.mark.django_db
def test_a_get_writes_nothing(world, client_for):
    steady(world.cell_a1)
    client = client_for(world.staff)
    client.get(url(world.commune_a))  # the session's first request
    with watching() as watch:
        assert client.get(url(world.commune_a)).status_code == 200
    assert watch.problems == []
    assert CellMonth.objects.count() == 4
