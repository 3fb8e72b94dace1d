"""The personas' world, shared by every app's tests: a small party tree, its members and who holds which role.

The world: a province with two communes. Commune A has cells A1 and A2; commune B has cell B1.
Personas: A1's secretary, a plain member of A1, commune A's staff, a supervisor of A2, an inspector of
commune A, and the outsider (B1's secretary), who must get 404 on everything in commune A.

It lives with the members because it needs the tree and the members (docs/decisions/0008-imports-point-down.md);
what needs no domain app (accounts, the fixed instant, ``snapshot``, ``in_threads``) is in apps/common/testing.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import factory

from apps.common.scoping import Role
from apps.common.testing import UserFactory
from apps.members.models import Member
from apps.members.services import member as member_services
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.services import tree as org_services


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    gender = "male"
    date_of_birth = date(1970, 5, 1)
    card_number = factory.Sequence(lambda n: f"{90_000_000 + n}")
    admitted_on = date(1995, 3, 1)
    official_on = date(1996, 3, 1)
    status = Member.Status.OFFICIAL
    residence = "Khu 1"


def add_member(cell: Organization, *, user=None, **fields) -> Member:
    member = MemberFactory.build(**fields)
    member.user = user
    return member_services.member_create(cell=cell, member=member, joined_on=date(2020, 1, 1))


def grant(user, org: Organization, role: str) -> RoleGrant:
    return RoleGrant.objects.create(user=user, organization=org, role=role, starts_on=date(2020, 1, 1))


@dataclass
class World:
    province: Organization
    commune_a: Organization
    cell_a1: Organization
    cell_a2: Organization
    commune_b: Organization
    cell_b1: Organization
    secretary: object
    member_user: object
    staff: object
    supervisor: object
    inspector: object
    outsider: object
    secretary_member: Member
    plain_member: Member
    a2_member: Member
    b1_member: Member


def build_world() -> World:
    province = org_services.organization_create(parent=None, kind="committee", code="T", name="Đảng bộ tỉnh Thử")
    commune_a = org_services.organization_create(parent=province, kind="committee", code="XA", name="Đảng bộ xã An")
    cell_a1 = org_services.organization_create(parent=commune_a, kind="cell", code="XA1", name="Chi bộ 21")
    cell_a2 = org_services.organization_create(parent=commune_a, kind="cell", code="XA2", name="Chi bộ Thôn Đông")
    commune_b = org_services.organization_create(parent=province, kind="committee", code="XB", name="Đảng bộ xã Bình")
    cell_b1 = org_services.organization_create(parent=commune_b, kind="cell", code="XB1", name="Chi bộ Khu 3")
    secretary, member_user, staff, supervisor, inspector, outsider = (
        UserFactory(username=u) for u in ("bithu", "dangvien", "canbo", "giamsat", "kiemtra", "nguoingoai")
    )
    secretary_member = add_member(cell_a1, user=secretary, full_name="Trần Thị Bí Thư")
    grant(secretary, cell_a1, Role.CELL_SECRETARY)
    plain_member = add_member(cell_a1, user=member_user, full_name="Lê Văn Đảng Viên")
    grant(staff, commune_a, Role.COMMITTEE_STAFF)
    grant(supervisor, cell_a2, Role.SUPERVISOR)
    grant(inspector, commune_a, Role.INSPECTION)
    a2_member = add_member(cell_a2, full_name="Phạm Thị Thôn Đông")
    b1_member = add_member(cell_b1, user=outsider, full_name="Hoàng Văn Người Ngoài")
    grant(outsider, cell_b1, Role.CELL_SECRETARY)
    return World(
        province,
        commune_a,
        cell_a1,
        cell_a2,
        commune_b,
        cell_b1,
        secretary,
        member_user,
        staff,
        supervisor,
        inspector,
        outsider,
        secretary_member,
        plain_member,
        a2_member,
        b1_member,
    )
