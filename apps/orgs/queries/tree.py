"""Reads of the party tree: scoped querysets and rolled-up counts, in a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from apps.common.scoping import VIEW, grants_for
from apps.common.text import search_key
from apps.orgs.models import Organization


@dataclass
class Counts:
    sub_organizations: int = 0
    cells: int = 0
    members: int = 0
    official: int = 0
    probationary: int = 0
    exempted: int = 0


@dataclass
class NodeRow:
    node: Organization
    counts: Counts = field(default_factory=Counts)


def organizations_for(user, action: str = VIEW) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user, action)


def roots_for(user) -> QuerySet[Organization]:
    """The top-most nodes the user can see: their granted nodes that are not inside another grant."""
    if user.is_superuser:
        return Organization.objects.get_root_nodes()
    paths = sorted({g.path for g in grants_for(user)})
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return Organization.objects.filter(path__in=tops)


def children_of(user, parent: Organization) -> QuerySet[Organization]:
    return organizations_for(user).filter(path__startswith=parent.path, depth=parent.depth + 1)


def search(user, text: str) -> QuerySet[Organization]:
    key = search_key(text)
    return organizations_for(user).filter(name_search__contains=key) if key else Organization.objects.none()


def with_counts(nodes: list[Organization], *, on) -> list[NodeRow]:
    """Rolled-up counts for each node's subtree: 2 queries per distinct depth among the nodes.

    Each subtree is found by its path prefix; grouping descendants by ``Substr(path, 1, len(node.path))``
    gives every node's figures in one pass, on SQLite and PostgreSQL alike.
    """
    from apps.members.models import Exemption, Member

    rows = {n.path: NodeRow(n) for n in nodes}
    by_length: dict[int, list[str]] = defaultdict(list)
    for n in nodes:
        by_length[len(n.path)].append(n.path)
    for length, paths in by_length.items():
        org_filter, member_filter = _prefix_filters(paths, length)
        org_counts = (
            Organization.objects.filter(org_filter)
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix")
            .annotate(
                subs=Count("pk", filter=Q(depth__gt=length // Organization.steplen)),
                cells=Count("pk", filter=Q(kind=Organization.Kind.CELL)),
            )
            .order_by()
        )
        for r in org_counts:
            if r["prefix"] in rows:
                c = rows[r["prefix"]].counts
                c.sub_organizations, c.cells = r["subs"], r["cells"]
        exempt_now = Exemption.objects.filter(member=OuterRef("pk"), starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
        member_counts = (
            Member.objects.filter(member_filter, active=True)
            .annotate(prefix=Substr("cell__path", 1, length), exempt=Exists(exempt_now))
            .values("prefix")
            .annotate(
                total=Count("pk"),
                official=Count("pk", filter=Q(status=Member.Status.OFFICIAL)),
                probationary=Count("pk", filter=Q(status=Member.Status.PROBATIONARY)),
                exempted=Count("pk", filter=Q(exempt=True)),
            )
            .order_by()
        )
        for r in member_counts:
            if r["prefix"] in rows:
                c = rows[r["prefix"]].counts
                c.members, c.official, c.probationary, c.exempted = (
                    r["total"],
                    r["official"],
                    r["probationary"],
                    r["exempted"],
                )
    return [rows[n.path] for n in nodes]


def _prefix_filters(paths: list[str], length: int) -> tuple[Q, Q]:
    """Filters selecting the subtrees of ``paths`` (all of one length).

    Siblings (the usual case: the children of one node) share their parent's prefix, so a single
    ``LIKE 'parent%'`` replaces one ``LIKE`` per child; rows of other children of that parent are dropped when
    grouping. Otherwise, one prefix test per node.
    """
    parents = {p[: length - Organization.steplen] for p in paths}
    if len(paths) > 1 and len(parents) == 1:
        (parent,) = parents
        return Q(path__startswith=parent), Q(cell__path__startswith=parent)
    org_filter, member_filter = Q(), Q()
    for p in paths:
        org_filter |= Q(path__startswith=p)
        member_filter |= Q(cell__path__startswith=p)
    return org_filter, member_filter


def ancestors_visible(user, node: Organization) -> QuerySet[Organization]:
    """Breadcrumb: the node's ancestors the user may see, top first."""
    steps = Organization.steplen
    prefixes = [node.path[:i] for i in range(steps, len(node.path), steps)]
    return organizations_for(user).filter(path__in=prefixes)
