"""Reads of the party tree: scoped querysets and the tree's own figures, in a bounded number of queries.

The members' figures of a subtree are read by apps/members/queries/node.py (the tree knows nothing of members);
the pages that show both are apps/home/views/node.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from apps.common.scoping import RESTRUCTURE, VIEW, grants_for
from apps.common.text import search_key
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.rules import tree as rules


def organizations_for(user, action: str = VIEW) -> QuerySet[Organization]:
    """The one lookup of organisations for views: those ``user`` may ``action``."""
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


def ancestors_visible(user, node: Organization) -> QuerySet[Organization]:
    """Breadcrumb: the node's ancestors the user may see, top first."""
    steps = Organization.steplen
    prefixes = [node.path[:i] for i in range(steps, len(node.path), steps)]
    return organizations_for(user).filter(path__in=prefixes)


def move_targets(user, node: Organization) -> QuerySet[Organization]:
    """The organisations ``node`` may be moved under: restructured by the user, of a kind that may hold it."""
    parent_kinds = [k for k in rules.ALLOWED_PARENT_KINDS[node.kind] if k]
    return organizations_for(user, RESTRUCTURE).filter(kind__in=parent_kinds)


def supervisors_of(node: Organization, *, on: date) -> QuerySet[RoleGrant]:
    """The committee members supervising ``node`` on the day (their grants, with the accounts)."""
    return (
        RoleGrant.objects.filter(organization=node, role="supervisor", starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
    )


# --- rolled-up figures of subtrees -------------------------------------------------------------------------------


def same_depth_paths(nodes: list[Organization]) -> list[list[str]]:
    """The nodes' paths grouped by length (one group per depth): each group's subtrees are counted in one query."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for n in nodes:
        by_length[len(n.path)].append(n.path)
    return list(by_length.values())


def subtrees(field: str, paths: list[str]) -> Q:
    """Rows whose ``field`` (a path) lies in the subtree of one of ``paths`` (all of one length).

    Siblings (the usual case: the children of one node) share their parent's prefix, so a single
    ``LIKE 'parent%'`` replaces one ``LIKE`` per child; rows of other children of that parent are dropped when
    grouping by prefix. Otherwise, one prefix test per node.
    """
    parents = {p[: -Organization.steplen] for p in paths}
    if len(paths) > 1 and len(parents) == 1:
        (parent,) = parents
        return Q(**{f"{field}__startswith": parent})
    condition = Q()
    for p in paths:
        condition |= Q(**{f"{field}__startswith": p})
    return condition


def organization_counts(paths: list[str]) -> dict[str, tuple[int, int]]:
    """Sub-organisations and cells in the subtree of each of ``paths`` (all of one length), in one query.

    Each subtree is found by its path prefix; grouping by ``Substr(path, 1, length)`` gives every node's figures
    in one pass, on SQLite and PostgreSQL alike.
    """
    length = len(paths[0])
    rows = (
        Organization.objects.filter(subtrees("path", paths))
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(
            subs=Count("pk", filter=Q(depth__gt=length // Organization.steplen)),
            cells=Count("pk", filter=Q(kind=Organization.Kind.CELL)),
        )
        .order_by()
    )
    return {r["prefix"]: (r["subs"], r["cells"]) for r in rows}
