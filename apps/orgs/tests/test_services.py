import pytest
from django.core.exceptions import ValidationError

from apps.orgs.models import Organization
from apps.orgs.services import tree as services


def snapshot():
    return list(Organization.objects.order_by("pk").values_list("pk", "path", "depth", "numchild"))


@pytest.mark.django_db
def test_moving_a_subtree_rewrites_every_descendant(world):
    group = services.organization_create(parent=world.cell_a1, kind="party_group", code="TG", name="Tổ đảng 1")
    services.organization_move(node=world.cell_a1, new_parent=world.commune_b)
    world.cell_a1.refresh_from_db()
    group.refresh_from_db()
    assert world.cell_a1.path.startswith(world.commune_b.path) and group.path.startswith(world.cell_a1.path)
    assert Organization.objects.get_parent(group) == world.cell_a1
    assert world.plain_member.cell_id == world.cell_a1.pk  # members travel with their cell
    assert not Organization.objects.find_problems()[0]


@pytest.mark.django_db
def test_cycle_is_refused_and_nothing_changes(world):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.organization_move(node=world.commune_a, new_parent=world.cell_a1)
    assert "Không thể chuyển một tổ chức vào chính nó" in str(exc.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_committee_cannot_go_under_a_cell(world):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.organization_move(node=world.commune_b, new_parent=world.cell_a1)
    assert snapshot() == before


@pytest.mark.django_db
def test_any_depth_and_the_older_district_shape(world):
    district = services.organization_create(parent=world.province, kind="committee", code="H", name="Đảng bộ huyện")
    node = district
    for level in range(6):
        node = services.organization_create(parent=node, kind="committee", code=f"L{level}", name=f"Cấp {level}")
    cell = services.organization_create(parent=node, kind="cell", code="DEEP", name="Chi bộ sâu")
    assert cell.depth == 9
