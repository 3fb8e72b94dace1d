"""Reads for the membership watch and dues: a fixed number of queries for the whole scope, folded in Python."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.common.scoping import ROLE_ACTIONS, VIEW, grants_for, subtree_filter
from apps.members.models import Dues, DuesRate, Exemption, Member, MemberDuesBasis
from apps.members.rules import watch
from apps.orgs.models import Organization

WATCHED_KINDS = ("regular", "thematic")  # board pre-meetings are not party meetings of every member


@dataclass
class WatchRow:
    member: Member
    absence_months: list[int]
    unpaid_months: list[int]
    streak: int
    level: str
    streak_breaks: bool = field(default=False)


def can_watch(user) -> bool:
    """Secretaries, committee staff, supervisors and inspection see the watch; a plain member does not."""
    if getattr(user, "is_superuser", False):
        return True
    return any(VIEW in ROLE_ACTIONS[g.role] for g in grants_for(user))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz),
    )


def watched_members(user, *, within: Organization | None = None) -> QuerySet[Member]:
    qs = Member.objects.visible_to(user, VIEW).filter(active=True)
    if within is not None:
        qs = qs.filter(cell=within) if within.is_cell else qs.filter(subtree_filter(Member.scope_path, within.path))
    return qs


def watch_list(user, *, year: int, today: date, within: Organization | None = None) -> list[WatchRow]:
    """Members of the user's scope with a warning, an alert or a long streak of absences with reason.

    Four queries whatever the number of members: members (+cell), attendance of the year's regular and thematic
    meetings, dues rows of the year, exemptions overlapping the year.
    """
    from apps.meetings.models import Attendance, Meeting

    members = list(
        watched_members(user, within=within).select_related("cell").order_by("cell__path", "full_name_search")
    )
    if not members:
        return []
    ids = [m.pk for m in members]
    start, end = _year_bounds(year)
    statuses: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        Attendance.objects.filter(
            member_id__in=ids,
            meeting__scheduled_at__gte=start,
            meeting__scheduled_at__lt=end,
            meeting__kind__in=WATCHED_KINDS,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("meeting__scheduled_at", "meeting_id")
        .values_list("member_id", "meeting__scheduled_at", "status")
    )
    for member_id, scheduled_at, status in rows:
        statuses[member_id].append((timezone.localtime(scheduled_at).month, status))
    dues: dict[int, dict[int, str]] = defaultdict(dict)
    cell_of = {m.pk: m.cell_id for m in members}
    recorded_by_cell: dict[int, set[int]] = defaultdict(set)
    for member_id, month, status in Dues.objects.filter(member_id__in=ids, month__year=year).values_list(
        "member_id", "month", "status"
    ):
        dues[member_id][month.month] = status
        recorded_by_cell[cell_of[member_id]].add(month.month)
    exemptions: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for member_id, starts_on, ends_on in (
        Exemption.objects.filter(member_id__in=ids, starts_on__lt=date(year + 1, 1, 1))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
        .values_list("member_id", "starts_on", "ends_on")
    ):
        exemptions[member_id].append((starts_on, ends_on))

    result = []
    for member in members:
        seen = statuses.get(member.pk, [])
        absence = watch.months_with_unexcused_absence(seen)
        counted = [
            m
            for m in watch.ended_months(year, today=today, admitted_on=member.admitted_on)
            if m in recorded_by_cell.get(member.cell_id, ())
        ]
        unpaid = watch.unpaid_months(
            dues.get(member.pk, {}),
            counted_months=counted,
            exempt_months=watch.months_overlapping(exemptions.get(member.pk, []), year),
        )
        streak = watch.excused_streak(status for _month, status in seen)
        level = watch.member_level(absence_months=len(absence), unpaid=len(unpaid))
        breaks = watch.streak_breaks_criterion(streak)
        if level != watch.NONE or breaks:
            result.append(WatchRow(member, absence, unpaid, streak, level, breaks))
    return result


def month_start(day: date) -> date:
    return day.replace(day=1)


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


def suggested_amounts(members: list[Member], *, cell: Organization, month: date) -> dict[int, Decimal | None]:
    ids = [m.pk for m in members]
    bases: dict[int, MemberDuesBasis] = {}
    for basis in MemberDuesBasis.objects.filter(member_id__in=ids, effective_from__lte=month).order_by(
        "member_id", "effective_from"
    ):
        bases[basis.member_id] = basis  # the newest in force wins
    # The rates issued by the cell's ancestors (an internal lookup of settings, not a user-facing list).
    ancestors = [cell.path[:i] for i in range(Organization.steplen, len(cell.path) + 1, Organization.steplen)]
    rates: dict[str, DuesRate] = {}
    for rate in (
        DuesRate.objects.filter(organization__path__in=ancestors, effective_from__lte=month)
        .select_related("organization")
        .order_by("effective_from", "organization__depth")
    ):
        rates[rate.basis] = rate  # newest date wins; at equal dates the committee nearest the cell
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


def dues_year(member: Member, *, year: int) -> list[tuple[date, Dues | None]]:
    """The twelve months of ``year`` with the member's dues row where one exists (one query)."""
    rows = {d.month.month: d for d in Dues.objects.filter(member=member, month__year=year)}
    return [(date(year, m, 1), rows.get(m)) for m in range(1, 13)]
