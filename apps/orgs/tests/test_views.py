"""Views of the party tree: who sees what (inside → 200, outside → 404, anonymous → login), bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.members.testing import add_member
from apps.orgs.models import Organization
from apps.orgs.services.tree import organization_create


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("secretary", "cell_a1", 200),
        ("secretary", "cell_a2", 404),
        ("secretary", "commune_a", 404),
        ("member_user", "cell_a1", 200),
        ("member_user", "cell_a2", 404),
        ("staff", "commune_a", 200),
        ("staff", "cell_a2", 200),
        ("staff", "commune_b", 404),
        ("staff", "province", 404),
        ("supervisor", "cell_a2", 200),
        ("supervisor", "cell_a1", 404),
        ("inspector", "cell_a1", 200),
        ("inspector", "cell_b1", 404),
        ("outsider", "cell_a1", 404),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_b1", 200),
    ],
)
@pytest.mark.django_db
def test_org_detail_is_scoped(world, client_for, persona, org, expected):
    client = client_for(getattr(world, persona))
    node = getattr(world, org)
    assert get(client, "orgs:detail", node.pk).status_code == expected
    assert get(client, "orgs:children", node.pk).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["orgs:detail", "orgs:children", "orgs:create_child", "orgs:move"])
def test_anonymous_is_sent_to_login(world, client, name):
    response = get(client, name, world.cell_a1.pk)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_tree_shows_only_the_users_subtrees(world, client_for):
    html = get(client_for(world.staff), "orgs:tree").content.decode()
    assert "Đảng bộ xã An" in html and "Đảng bộ xã Bình" not in html and "Đảng bộ tỉnh Thử" not in html
    children = get(client_for(world.staff), "orgs:children", world.commune_a.pk).content.decode()
    assert "Chi bộ 21" in children and "Chi bộ Thôn Đông" in children


@pytest.mark.django_db
def test_tree_counts_roll_up(world, client_for):
    html = get(client_for(world.staff), "orgs:tree").content.decode()
    # commune A: 2 cells; members: secretary + plain member (A1) + one in A2.
    assert "2 chi bộ" in html and "3 đảng viên" in html


@pytest.mark.django_db
def test_search_ignores_diacritics_and_scope(world, client_for):
    html = get(client_for(world.staff), "orgs:tree", q="chi bo 21").content.decode()
    assert "Chi bộ 21" in html
    html = get(client_for(world.outsider), "orgs:tree", q="chi bo 21").content.decode()
    assert "Chi bộ 21" not in html


@pytest.mark.django_db
def test_secretary_cannot_restructure(world, client_for):
    client = client_for(world.secretary)
    assert get(client, "orgs:create_child", world.cell_a1.pk).status_code == 404
    assert get(client, "orgs:move", world.cell_a1.pk).status_code == 404


@pytest.mark.django_db
def test_staff_moves_a_cell_between_communes_only_inside_their_subtree(world, client_for):
    client = client_for(world.staff)
    # Commune B is outside the staff's subtree: the target is not offered, a forged post is refused.
    response = client.post(reverse("orgs:move", args=[world.cell_a2.pk]), {"new_parent": world.commune_b.pk})
    assert response.status_code == 200 and "new_parent" in response.context["form"].errors
    world.cell_a2.refresh_from_db()
    assert world.cell_a2.path.startswith(world.commune_a.path)


@pytest.mark.django_db
def test_outsider_post_to_move_changes_nothing(world, client_for):
    before = list(Organization.objects.values_list("pk", "path"))
    response = client_for(world.outsider).post(
        reverse("orgs:move", args=[world.cell_a1.pk]), {"new_parent": world.commune_b.pk}
    )
    assert response.status_code == 404
    assert list(Organization.objects.values_list("pk", "path")) == before


@pytest.mark.django_db
def test_staff_adds_a_cell(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("orgs:create_child", args=[world.commune_a.pk]),
        {"kind": "cell", "code": "XA3", "name": "Chi bộ Khu 5", "level_label": "Chi bộ trực thuộc"},
    )
    assert response.status_code == 302
    cell = Organization.objects.get(code="XA3")
    assert Organization.objects.get_parent(cell) == world.commune_a and cell.name_search == "chi bo khu 5"


@pytest.mark.django_db
def test_duplicate_code_is_refused_in_vietnamese(world, client_for):
    response = client_for(world.staff).post(
        reverse("orgs:create_child", args=[world.commune_a.pk]), {"kind": "cell", "code": "XA1", "name": "Trùng"}
    )
    assert response.status_code == 200
    assert "Mã này đã được dùng" in response.content.decode()
    assert not Organization.objects.filter(name="Trùng").exists()


def _add_cells(parent, n):
    for i in range(n):
        cell = organization_create(parent=parent, kind="cell", code=f"QC{i}", name=f"Chi bộ thêm {i}")
        add_member(cell)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_children_fragment_query_count_is_constant(world, client_for, extra):
    client = client_for(world.staff)
    _add_cells(world.commune_a, extra)
    client.get(reverse("orgs:children", args=[world.commune_a.pk]))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:children", args=[world.commune_a.pk]))
    assert response.status_code == 200
    # session, user, grants, parent, children, org counts, member counts
    assert len(ctx.captured_queries) == 7, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_cell_detail_query_count_is_constant(world, client_for, extra):
    for _ in range(extra):
        add_member(world.cell_a1)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:detail", args=[world.cell_a1.pk]))
    assert response.status_code == 200
    # session, user, grants, org, its counts (2), children, breadcrumb, member count, member page,
    # offices, supervisors, meetings held, meetings coming
    assert len(ctx.captured_queries) == 14, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_search_results_query_count_is_constant(world, client_for, extra):
    _add_cells(world.commune_a, extra)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:tree"), {"q": "chi bo"})
    assert response.status_code == 200 and len(response.context["rows"]) == 2 + extra
    # session, user, grants, count, page, org counts, member counts
    assert len(ctx.captured_queries) == 7, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_home_needs_login_and_lists_roles(world, client, client_for):
    assert client.get(reverse("home")).status_code == 302
    html = client_for(world.supervisor).get(reverse("home")).content.decode()
    assert "Cấp ủy viên phụ trách" in html and "Chi bộ Thôn Đông" in html


@pytest.mark.django_db
def test_not_found_page_is_vietnamese(world, client_for):
    response = client_for(world.outsider).get(reverse("orgs:detail", args=[world.cell_a1.pk]))
    html = response.content.decode()
    assert response.status_code == 404 and '<html lang="vi">' in html and "Không tìm thấy" in html
    assert "Chi bộ 21" not in html
