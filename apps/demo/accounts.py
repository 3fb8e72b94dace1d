"""The demo's accounts: one login per role (administrator, committee staff, the demo cell's secretary and one of its
members, a supervisor, an inspector), with their role grants, all sharing the password DEMO_PASSWORD."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from apps.common.scoping import Role
from apps.members.models import Member
from apps.orgs.models import RoleGrant

DEMO_PASSWORD = "chibo-demo-2026"


@dataclass
class Accounts:
    users: dict[str, object]  # the accounts the rest of the demo acts as, by username
    logins: list[tuple[str, str, str]]  # (username, role, where) of every account, for the command's output
    created: int


def accounts_create(root, district, commune, home_cell, cells, by_cell, cell_roles) -> Accounts:
    """One demo login per role, all inside the same commune so that their views overlap as in real life."""
    User = get_user_model()
    created = []
    commune_cells = [c for c in cells if c.path.startswith(commune.path)]
    secretary_role = next(
        r for r in cell_roles if r.cell_id == home_cell.pk and r.office == "secretary" and r.ends_on is None
    )
    plain_member = next(m for m in by_cell[home_cell.pk] if m.pk != secretary_role.member.pk and m.status == "official")
    term = date(2025, 7, 1)

    def user(username: str, full_name: str, **extra):
        # Vietnamese names are written surname first: keep the whole name in first_name, so that
        # get_full_name() shows it in the right order.
        u = User(username=username, first_name=full_name, last_name="", **extra)
        u.set_password(DEMO_PASSWORD)
        u.save()
        created.append(u)
        return u

    admin = user("quantri", "Quản trị hệ thống", is_staff=True, is_superuser=True)
    RoleGrant.objects.create(user=admin, organization=root, role=Role.ADMIN, starts_on=term)
    staff = user("canbo", "Trần Thu Hà")
    RoleGrant.objects.create(user=staff, organization=commune, role=Role.COMMITTEE_STAFF, starts_on=term)
    secretary = user("bithu", secretary_role.member.full_name)
    Member.objects.filter(pk=secretary_role.member.pk).update(user=secretary)
    RoleGrant.objects.create(user=secretary, organization=home_cell, role=Role.MEMBER, starts_on=term)
    RoleGrant.objects.create(
        user=secretary, organization=home_cell, role=Role.CELL_SECRETARY, starts_on=secretary_role.starts_on
    )
    member = user("dangvien", plain_member.full_name)
    Member.objects.filter(pk=plain_member.pk).update(user=member)
    RoleGrant.objects.create(user=member, organization=home_cell, role=Role.MEMBER, starts_on=term)
    supervisor = user("giamsat", "Lê Văn Dũng")
    for c in commune_cells[:3]:
        RoleGrant.objects.create(user=supervisor, organization=c, role=Role.SUPERVISOR, starts_on=term)
    inspector = user("kiemtra", "Phạm Thanh Bình")
    RoleGrant.objects.create(user=inspector, organization=district, role=Role.INSPECTION, starts_on=term)
    logins = [
        ("quantri", str(Role.ADMIN.label), root.name),
        ("canbo", str(Role.COMMITTEE_STAFF.label), commune.name),
        ("bithu", str(Role.CELL_SECRETARY.label), home_cell.name),
        ("dangvien", str(Role.MEMBER.label), home_cell.name),
        ("giamsat", str(Role.SUPERVISOR.label), ", ".join(c.name for c in commune_cells[:3])),
        ("kiemtra", str(Role.INSPECTION.label), district.name),
    ]
    users = {
        "quantri": admin,
        "canbo": staff,
        "bithu": secretary,
        "dangvien": member,
        "giamsat": supervisor,
        "kiemtra": inspector,
    }
    return Accounts(users=users, logins=logins, created=len(created))
