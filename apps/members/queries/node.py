"""The members' figures of subtrees of the party tree (the tree's pages: apps/home/views/node.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr

from apps.members.models import Member
from apps.members.queries.member import exempt_on
from apps.orgs.queries.tree import subtrees


@dataclass
class MemberCounts:
    members: int = 0
    official: int = 0
    probationary: int = 0
    exempted: int = 0


def member_counts(paths: list[str], *, on: date) -> dict[str, MemberCounts]:
    """The active members in the subtree of each of ``paths`` (all of one length), by status and exempted on the
    day, in one query: grouped by the prefix of their cell's path (apps.orgs.queries.tree.organization_counts)."""
    length = len(paths[0])
    rows = (
        Member.objects.filter(subtrees("cell__path", paths), active=True)
        .annotate(prefix=Substr("cell__path", 1, length), exempt=exempt_on(on))
        .values("prefix")
        .annotate(
            total=Count("pk"),
            official=Count("pk", filter=Q(status=Member.Status.OFFICIAL)),
            probationary=Count("pk", filter=Q(status=Member.Status.PROBATIONARY)),
            exempted=Count("pk", filter=Q(exempt=True)),
        )
        .order_by()
    )
    return {r["prefix"]: MemberCounts(r["total"], r["official"], r["probationary"], r["exempted"]) for r in rows}
