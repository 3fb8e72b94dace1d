"""Reads of members: scoped, with what each page shows loaded up front (no N+1)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from apps.common.scoping import VIEW, subtree_filter
from apps.common.text import search_key
from apps.members.models import Attachment, CellMembership, CellRole, Exemption, Member, Suspension
from apps.members.rules import member as rules
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for


def members_for(user, action: str = VIEW) -> QuerySet[Member]:
    """The one lookup of members for views: those ``user`` may ``action`` (transferred-out records included), with
    their cell and account."""
    return Member.objects.visible_to(user, action).select_related("cell", "user")


def with_history(member: Member) -> Member:
    """The member with their cell periods, exemptions, suspensions, attachments and offices, newest first (the
    member's page: one query each)."""
    prefetch_related_objects(
        [member],
        Prefetch("memberships", queryset=CellMembership.objects.select_related("cell").order_by("-joined_on")),
        Prefetch("exemptions", queryset=Exemption.objects.order_by("-starts_on")),
        Prefetch("suspensions", queryset=Suspension.objects.order_by("-starts_on")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("host").order_by("-starts_on")),
        Prefetch("cell_roles", queryset=CellRole.objects.select_related("cell").order_by("-starts_on")),
    )
    return member


def exempt_on(day: date):
    return Exists(Exemption.objects.filter(member=OuterRef("pk")).in_force_on(day))


def member_list(
    user,
    *,
    action: str = VIEW,
    within: Organization | None = None,
    text: str = "",
    status: str = "",
    on: date,
) -> QuerySet[Member]:
    """The active members ``user`` may ``action`` (in ``within``, matching ``text`` and ``status``), each with
    ``is_exempt`` on the day: the members' list and a cell's page."""
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


def other_cells(user, member: Member, action: str) -> QuerySet[Organization]:
    """The cells other than the member's own that ``user`` may ``action`` (a transfer's or an attachment's)."""
    return organizations_for(user, action).filter(kind=Organization.Kind.CELL).exclude(pk=member.cell_id)


def probation_due_members(user, *, on: date, within_days: int = 30) -> QuerySet[Member]:
    """Probationary members whose 12 months end within ``within_days`` (or have passed): remind the cell."""
    latest_admission = rules.add_months(on + timedelta(days=within_days), -rules.PROBATION_MONTHS)
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
    """The cell's office holders on the day, secretary first, with each holder's cell."""
    return (
        CellRole.objects.filter(cell=cell, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("member__cell")
        .annotate(rank=OFFICE_RANK)
        .order_by("rank", "member__full_name_search")
    )
