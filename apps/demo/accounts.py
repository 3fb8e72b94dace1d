"""The demo's accounts: one login per role (administrator, committee staff, the demo cell's secretary and one of its
members, a supervisor, an inspector), with their role grants, all sharing the password DEMO_PASSWORD.

The accounts whose role requires a second factor (quantri, canbo, giamsat, kiemtra) have an authenticator with the
published key CHIBO_DEMO_TOTP_KEY (add it to an authenticator app, or run `manage.py demo_totp` for the current
codes) and the recovery codes DEMO_RECOVERY_CODES. Public on purpose: never on a real server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.queries.second_factor import has_confirmed_totp, must_use_second_factor
from apps.accounts.services.second_factor import authenticator_install
from apps.common.scoping import Role, forget_grants
from apps.members.models import Member
from apps.orgs.models import RoleGrant

DEMO_PASSWORD = "chibo-demo-2026"
# The demo's published TOTP key (hex for django-otp; in an authenticator app type the base32 DEMO_TOTP_KEY_B32), and
# its recovery codes (each works once per seeded database).
CHIBO_DEMO_TOTP_KEY = b"chibo-demo-2026-totp".hex()
DEMO_TOTP_KEY_B32 = "MNUGSYTPFVSGK3LPFUZDAMRWFV2G65DQ"
DEMO_RECOVERY_CODES = [f"demo{n:04d}" for n in range(1, 11)]


@dataclass
class Accounts:
    users: dict[str, object]  # the accounts the rest of the demo acts as, by username
    logins: list[tuple[str, str, str]]  # (username, role, where) of every account, for the command's output
    created: int
    two_factor: list[str]  # the usernames given the demo authenticator


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
    two_factor = []
    for u in created:
        forget_grants(u)
        if must_use_second_factor(u):
            authenticator_install(u, key_hex=CHIBO_DEMO_TOTP_KEY, recovery_codes=list(DEMO_RECOVERY_CODES))
            two_factor.append(u.username)
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
    return Accounts(users=users, logins=logins, created=len(created), two_factor=two_factor)


def with_demo_authenticator(usernames: list[str]) -> set[str]:
    """Which of these accounts have the demo's authenticator (for the command's output)."""
    return {u.username for u in get_user_model().objects.filter(username__in=usernames) if has_confirmed_totp(u)}


def demo_codes() -> list[tuple[str, str]]:
    """(username, the code their authenticator shows now) of every demo account with the demo key."""
    devices = TOTPDevice.objects.filter(key=CHIBO_DEMO_TOTP_KEY, confirmed=True).select_related("user")
    return sorted((d.user.username, f"{totp(d.bin_key, d.step, d.t0, d.digits, d.drift):06d}") for d in devices)
