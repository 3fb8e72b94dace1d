"""Reads for the membership watch (DOMAIN.md §9): a fixed number of queries for the whole scope, folded in Python.

The attendance at meetings is read by the page's own query (apps/home/queries/watch.py: members may not read the
meetings above them); the members, their dues and exemptions are read here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from apps.common.scoping import ROLE_ACTIONS, VIEW, grants_for, subtree_filter
from apps.members.models import Dues, Exemption, Member
from apps.members.rules import watch
from apps.orgs.models import Organization


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


def watched_members(user, *, within: Organization | None = None) -> QuerySet[Member]:
    """The active members of the user's scope (in ``within``), with their cells, by cell and name."""
    qs = Member.objects.visible_to(user, VIEW).filter(active=True)
    if within is not None:
        qs = qs.filter(cell=within) if within.is_cell else qs.filter(subtree_filter(Member.scope_path, within.path))
    return qs.select_related("cell").order_by("cell__path", "full_name_search")


def watch_rows(
    members: list[Member], *, attendance: dict[int, list[tuple[int, str]]], year: int, today: date
) -> list[WatchRow]:
    """The members with a warning, an alert or a long streak of absences with reason in ``year``.

    ``attendance`` maps a member to the (month, status) of each meeting of the year they were marked at, in
    order. Two queries: the dues rows of the year, the exemptions overlapping it.
    """
    ids = [m.pk for m in members]
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
        seen = attendance.get(member.pk, [])
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
