from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from apps.common.scoping import Role
from apps.orgs.models import Organization, RoleGrant
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


@pytest.mark.django_db
def test_ending_a_role_grant_leaves_an_audit_entry(world):
    """Ending grants is a bulk update, which django-auditlog does not see: the service records each row it ends."""
    grant = RoleGrant.objects.get(user=world.secretary, organization=world.cell_a1, role=Role.CELL_SECRETARY)
    before = LogEntry.objects.get_for_object(grant).count()
    ended = services.role_end(
        user=world.secretary, organization=world.cell_a1, roles=[Role.CELL_SECRETARY], ends_on=date(2026, 1, 31)
    )
    assert ended == 1
    entries = LogEntry.objects.get_for_object(grant).order_by("pk")
    assert entries.count() == before + 1
    entry = entries.last()
    assert entry.action == LogEntry.Action.UPDATE and entry.changes_dict == {"ends_on": [None, "2026-01-31"]}
