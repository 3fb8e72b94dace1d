"""Reads of members: scoped, with what each page shows loaded up front (no N+1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When

from apps.common.scoping import VIEW, subtree_filter
from apps.common.text import search_key
from apps.members.models import Attachment, CellMembership, CellRole, Exemption, Member, Suspension
from apps.members.rules import member as rules
from apps.orgs.models import Organization, RoleGrant


def exempt_on(day: date):
    return Exists(Exemption.objects.filter(member=OuterRef("pk")).in_force_on(day))


def members_for(
    user,
    *,
    action: str = VIEW,
    within: Organization | None = None,
    text: str = "",
    status: str = "",
    on: date,
) -> QuerySet[Member]:
    qs = Member.objects.visible_to(user, action).filter(active=True)
    if within is not None:
        # Members belong to cells: a cell is an equality on the foreign key, a committee a path prefix.
        qs = qs.filter(cell=within) if within.is_cell else qs.filter(subtree_filter(Member.scope_path, within.path))
    key = search_key(text)
    if key:
        qs = qs.filter(Q(full_name_search__contains=key) | Q(card_number=text.strip()))
    if status == "exempted":
        qs = qs.filter(exempt_on(on))
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related("cell").annotate(is_exempt=exempt_on(on))


def member_detail(user, pk: int, *, action: str = VIEW) -> QuerySet[Member]:
    return (
        Member.objects.visible_to(user, action)
        .filter(pk=pk)
        .select_related("cell", "user")
        .prefetch_related(
            Prefetch("memberships", queryset=CellMembership.objects.select_related("cell").order_by("-joined_on")),
            Prefetch("exemptions", queryset=Exemption.objects.order_by("-starts_on")),
            Prefetch("suspensions", queryset=Suspension.objects.order_by("-starts_on")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("host").order_by("-starts_on")),
            Prefetch("cell_roles", queryset=CellRole.objects.select_related("cell").order_by("-starts_on")),
        )
    )


def probation_due_members(user, *, on: date, within_days: int = 30) -> QuerySet[Member]:
    """Probationary members whose 12 months end within ``within_days`` (or have passed): remind the cell."""
    horizon = date.fromordinal(on.toordinal() + within_days)
    latest_admission = rules.add_months(horizon, -rules.PROBATION_MONTHS)
    return Member.objects.visible_to(user).filter(
        active=True, status=Member.Status.PROBATIONARY, admitted_on__lte=latest_admission
    )


def probation_due(user, *, on: date, within_days: int = 30) -> list[tuple[Member, date]]:
    qs = (
        probation_due_members(user, on=on, within_days=within_days).select_related("cell").order_by("admitted_on", "pk")
    )
    return [(m, rules.confirmation_due_on(m.admitted_on)) for m in qs]


OFFICE_RANK = Case(
    *(When(office=office, then=Value(rank)) for rank, office in enumerate(CellRole.Office.values)),
    output_field=IntegerField(),
)


def current_offices(cell: Organization, *, on: date) -> QuerySet[CellRole]:
    return (
        CellRole.objects.filter(cell=cell, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("member")
        .annotate(rank=OFFICE_RANK)
        .order_by("rank", "member__full_name_search")
    )


def supervisors_of(node: Organization, *, on: date) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(organization=node, role="supervisor", starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
    )
