"""Reads of party dues (DOMAIN.md §9): a cell's month, a member's year and basis, the rates that reach a node.

Rates are data with effective dates, inherited down the tree: the rates that apply at a node are read with
``DuesRate.objects.applying_to(path)`` (the one way to read inherited settings, apps.common.scoping), and the rate in
force for a basis is the newest in force, at equal dates the one of the committee nearest the node."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from apps.common.scoping import VIEW, subtree_filter
from apps.members.models import Dues, DuesBasis, DuesRate, Member, MemberDuesBasis
from apps.members.rules import watch
from apps.orgs.models import Organization


def dues_rates_for(user, action: str = VIEW) -> QuerySet[DuesRate]:
    """The one lookup of dues rates for views: those ``user`` may ``action``, with their issuing organisation."""
    return DuesRate.objects.visible_to(user, action).select_related("organization")


def applying(node: Organization) -> QuerySet[DuesRate]:
    """The rates issued at ``node`` or by the committees above it (not scoped: settings the node inherits)."""
    return DuesRate.objects.applying_to(node.path)


def in_force(rates: Iterable[DuesRate], *, on: date) -> dict[str, DuesRate]:
    """Basis → the rate in force on the day among ``rates`` (rates that apply at one node, with their
    organisations): the newest date wins; at equal dates the committee nearest the node."""
    current: dict[str, DuesRate] = {}
    for rate in rates:
        if rate.effective_from > on:
            continue
        best = current.get(rate.basis)
        if best is None or (rate.effective_from, rate.organization.depth) > (
            best.effective_from,
            best.organization.depth,
        ):
            current[rate.basis] = rate
    return current


# --- the rates page -----------------------------------------------------------------------------------------------


def rates_reaching(user, org: Organization) -> QuerySet[DuesRate]:
    """The rates that reach ``org`` (one query): those issued inside its subtree that the user may see, and those
    issued by the committees above it — settings inherited by an organisation the caller has already found
    visible (read-only here, as national rubrics are on the rubrics page)."""
    inside = DuesRate.objects.visible_to(user, VIEW).filter(subtree_filter(DuesRate.scope_path, org.path))
    above = applying(org).exclude(organization=org)
    return (
        DuesRate.objects.filter(Q(pk__in=inside.values("pk")) | Q(pk__in=above.values("pk")))
        .select_related("organization")
        .order_by("basis", "-effective_from", "-organization__depth", "pk")
    )


@dataclass
class RateRow:
    rate: DuesRate
    inherited: bool  # issued by a committee above: read-only on this page
    in_force: bool  # the row this organisation's dues use today for its basis
    upcoming: bool  # not in force yet: nobody's dues were computed with it
    can_delete: bool


def default_percent(basis: str) -> Decimal:
    """The percent used when no rate is in force (the settings read by ``watch.dues_amount``)."""
    fallback = watch.SALARY_PERCENT if basis == DuesBasis.SALARY else watch.PENSION_PERCENT
    return Decimal(str(getattr(settings, f"CHIBO_DUES_{basis.upper()}_PERCENT", fallback)))


def rates_page(user, org: Organization, *, on: date) -> dict:
    """The rates page of ``org``: ``rows`` (its own and inherited rates), ``below`` (rates set by organisations
    below it) and the national defaults."""
    rates = list(rates_reaching(user, org))
    applying_here = [r for r in rates if len(r.organization.path) <= len(org.path)]
    current = in_force(applying_here, on=on)

    def row(rate: DuesRate) -> RateRow:
        upcoming = rate.effective_from > on
        inherited = len(rate.organization.path) < len(org.path)
        return RateRow(
            rate=rate,
            inherited=inherited,
            in_force=current.get(rate.basis) is rate,
            upcoming=upcoming,
            can_delete=upcoming and not inherited and user.has_perm("members.delete_dues_rate", rate),
        )

    return {
        "rows": [row(r) for r in applying_here],
        "below": [row(r) for r in rates if len(r.organization.path) > len(org.path)],
        "default_salary": default_percent(DuesBasis.SALARY),
        "default_pension": default_percent(DuesBasis.PENSION),
    }


# --- a member's basis and the suggested amounts -------------------------------------------------------------------


def suggested_amounts(members: list[Member], *, cell: Organization, month: date) -> dict[int, Decimal | None]:
    """Member → the month's suggested dues: from their basis in force and the rate in force at the cell, else the
    last amount they paid (3 queries)."""
    ids = [m.pk for m in members]
    bases: dict[int, MemberDuesBasis] = {}
    for basis in MemberDuesBasis.objects.filter(member_id__in=ids, effective_from__lte=month).order_by(
        "member_id", "effective_from"
    ):
        bases[basis.member_id] = basis  # the newest in force wins
    rates = in_force(applying(cell).filter(effective_from__lte=month).select_related("organization"), on=month)
    last: dict[int, Decimal] = {}
    for member_id, amount in (
        Dues.objects.filter(member_id__in=ids, month__lt=month, status=Dues.Status.PAID)
        .order_by("member_id", "month")
        .values_list("member_id", "amount")
    ):
        last[member_id] = amount
    result: dict[int, Decimal | None] = {}
    for member in members:
        basis = bases.get(member.pk)
        amount = None
        if basis is not None:
            rate = rates.get(basis.basis)
            amount = watch.dues_amount(
                basis=basis.basis,
                monthly_income=basis.monthly_income,
                percent=rate.percent if rate else None,
                fixed_amount=rate.fixed_amount if rate else None,
            )
        result[member.pk] = amount if amount is not None else last.get(member.pk)
    return result


def basis_page(user, member: Member, *, month: date) -> dict:
    """The member's bases, newest first, the one in force for ``month`` (a month's dues use its first day's) and
    the amount it suggests."""
    bases = list(MemberDuesBasis.objects.visible_to(user, VIEW).filter(member=member).order_by("-effective_from", "pk"))
    current = next((b for b in bases if b.effective_from <= month), None)
    suggested = None
    if current is not None:
        suggested = suggested_amounts([member], cell=member.cell, month=month).get(member.pk)
    return {"bases": bases, "current": current, "month": month, "suggested": suggested}


# --- a cell's month, a member's year ------------------------------------------------------------------------------


@dataclass
class DuesLine:
    member: Member
    row: Dues | None
    suggested: Decimal | None


def dues_sheet(user, *, cell: Organization, month: date, action: str) -> list[DuesLine]:
    """Every active member of the cell with their dues row for the month and the suggested amount.

    Five queries: members, the month's rows, the members' bases in force, the rates of the committees above the
    cell, and the last recorded amounts (for members without a basis).
    """
    members = list(Member.objects.visible_to(user, action).filter(cell=cell, active=True))
    ids = [m.pk for m in members]
    rows = {d.member_id: d for d in Dues.objects.filter(member_id__in=ids, month=month)}
    suggested = suggested_amounts(members, cell=cell, month=month)
    return [DuesLine(m, rows.get(m.pk), suggested.get(m.pk)) for m in members]


def dues_year(member: Member, *, year: int) -> tuple[list[tuple[date, Dues | None]], Decimal]:
    """The twelve months of ``year`` with the member's dues row where one exists, and the year's total (one
    query)."""
    rows = {d.month.month: d for d in Dues.objects.filter(member=member, month__year=year)}
    months = [(date(year, m, 1), rows.get(m)) for m in range(1, 13)]
    return months, sum((row.amount for _m, row in months if row is not None), Decimal(0))
