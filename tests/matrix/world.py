"""The permission matrix's world: the seeded demo (sample profile), one account per role and the records each URL
is opened on, inside the accounts' subtree and outside it.

Where the accounts work: the demo's home cell H (cell roles and the supervisor are granted on it), inside its
commune C (committee staff, inspection and a non-superuser administrator are granted on C). Outside: the commune O
of the demo's ratings and disciplines (another commune of the same district), or failing that any record that is
neither under C nor on one of C's ancestors.

The demo's accounts hold the member (dangvien), the cell secretary (bithu), the committee staff (canbo) and the
superuser (quantri); the demo's supervisor of H is found by its grant. The roles the demo has no account for (cell
deputy, cell board, inspection and administrator on C; kiemtra and quantri hold theirs on the whole district or
province, which leaves nothing outside) are created here through the real grant service, as is the outsider (staff
of O, whose export and feed are the outside ones). Records the demo has only inside C are created through services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.common.scoping import Role, subtree_filter
from apps.common.testing import UserFactory
from apps.exports.services import exports as export_services
from apps.meetings.models import Meeting
from apps.meetings.services import calendar as calendar_services
from apps.meetings.services import feed as feed_services
from apps.members.models import DuesBasis, Member
from apps.members.services import dues as dues_services
from apps.orgs.models import Organization
from apps.orgs.services import tree as org_services
from apps.oversight.services import supervision as supervision_services

INSIDE, OUTSIDE = "inside", "outside"
SIDES = (INSIDE, OUTSIDE)
ROLES = (
    "anonymous",
    Role.MEMBER.value,
    Role.CELL_SECRETARY.value,
    Role.CELL_DEPUTY.value,
    Role.CELL_BOARD.value,
    Role.COMMITTEE_STAFF.value,
    Role.SUPERVISOR.value,
    Role.INSPECTION.value,
    Role.ADMIN.value,
)
OTHER_COMMUNE = "000100010004"  # the sample district's fourth commune: ratings, disciplines, an inspection


@dataclass
class World:
    home_cell: Organization
    commune: Organization
    other_commune: Organization
    other_cell: Organization
    users: dict[str, object]  # by role (no "anonymous")
    superuser: object
    outsider: object  # committee staff of the other commune
    things: dict[tuple[str, str], object] = field(default_factory=dict)  # (kind, side) -> record or value

    def prefix(self, side: str, at: str = "cell") -> str:
        if side == INSIDE:
            return self.home_cell.path if at == "cell" else self.commune.path
        return self.other_cell.path if at == "cell" else self.other_commune.path


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _new_account(username: str, org: Organization, *roles: str, member: Member | None = None):
    user = UserFactory(username=username, first_name=username)
    for role in roles:
        org_services.role_grant(user=user, organization=org, role=role, starts_on=date(2025, 7, 1))
    if member is not None:  # a cell officer is one of the cell's members
        Member.objects.filter(pk=member.pk).update(user=user)
    return user


def build() -> World:
    """After demo.build(profile="sample"): the accounts and the records the demo lacks."""
    bithu = _user("bithu")
    home_cell = bithu.role_grants.get(role=Role.CELL_SECRETARY).organization
    commune = Organization.objects.get(path=home_cell.path[: -Organization.steplen])
    other_commune = Organization.objects.get(path=OTHER_COMMUNE)
    other_cell = Organization.objects.filter(path__startswith=other_commune.path, kind="cell").order_by("path").first()
    spare = list(
        Member.objects.filter(cell=home_cell, user__isnull=True, status=Member.Status.OFFICIAL).order_by("pk")[:2]
    )
    supervisor = (
        get_user_model()
        .objects.filter(role_grants__role=Role.SUPERVISOR, role_grants__organization=home_cell)
        .order_by("pk")
        .first()
    ) or _new_account("mx_supervisor", home_cell, Role.SUPERVISOR)
    users = {
        Role.MEMBER.value: _user("dangvien"),
        Role.CELL_SECRETARY.value: bithu,
        Role.CELL_DEPUTY.value: _new_account("mx_deputy", home_cell, Role.MEMBER, Role.CELL_DEPUTY, member=spare[0]),
        Role.CELL_BOARD.value: _new_account("mx_board", home_cell, Role.MEMBER, Role.CELL_BOARD, member=spare[1]),
        Role.COMMITTEE_STAFF.value: _user("canbo"),
        Role.SUPERVISOR.value: supervisor,
        Role.INSPECTION.value: _new_account("mx_inspection", commune, Role.INSPECTION),
        Role.ADMIN.value: _new_account("mx_admin", commune, Role.ADMIN),
    }
    outsider = _new_account("mx_outsider", other_commune, Role.COMMITTEE_STAFF)
    world = World(
        home_cell=home_cell,
        commune=commune,
        other_commune=other_commune,
        other_cell=other_cell,
        users=users,
        superuser=_user("quantri"),
        outsider=outsider,
    )
    _create_missing(world)
    return world


def _create_missing(world: World) -> None:
    """What the sample demo has nowhere (apologies, feeds, exports) or only inside C (assignments)."""
    for side in SIDES:
        meeting = planned_meeting(world, side)
        member = (
            Member.objects.filter(cell=meeting.cell, status=Member.Status.OFFICIAL, user__isnull=True)
            .order_by("pk")
            .first()
        )
        calendar_services.apology_submit(meeting=meeting, member=member, reason="Đi công tác")
    for user in (world.users[Role.MEMBER.value], world.outsider):
        feed_services.calendar_feed_create(user=user)
    for user, org in ((world.users[Role.COMMITTEE_STAFF.value], world.commune), (world.outsider, world.other_commune)):
        export_services.export_start(user=user, name="members", params={"org": str(org.pk)})
    for org in (world.commune, world.other_commune):
        dues_services.dues_rate_set(
            organization=org, basis=DuesBasis.FIXED, effective_from=date(2027, 1, 1), fixed_amount=Decimal(20000)
        )
    supervision_services.assignment_create(
        committee=world.other_commune,
        cell=world.other_cell,
        supervisor=world.outsider,
        starts_on=timezone.localdate() - timedelta(days=30),
        by=world.outsider,
    )


def planned_meeting(world: World, side: str) -> Meeting:
    """The cell's next planned meeting after today's."""
    cell = world.home_cell if side == INSIDE else world.other_cell
    today = timezone.localdate()
    return (
        Meeting.objects.filter(cell=cell, status="planned", scheduled_at__date__gt=today)
        .order_by("scheduled_at")
        .first()
    )


def scoped(model, world: World, side: str, at: str = "cell", **filters):
    """The first record of ``model`` (by pk, or ``order``) inside the side's cell (or commune), else for OUTSIDE
    anywhere neither under C nor on C's ancestors."""
    order = filters.pop("order", "pk")
    qs = model._default_manager.filter(**filters)
    found = qs.filter(subtree_filter(model.scope_path, world.prefix(side, at))).order_by(order).first()
    if found is not None or side == INSIDE:
        return found
    ancestors = [world.commune.path[:n] for n in range(4, len(world.commune.path), 4)]
    return (
        qs.exclude(subtree_filter(model.scope_path, world.commune.path))
        .exclude(**{f"{model.scope_path}__in": ancestors})
        .order_by(order)
        .first()
    )
