"""The pages of a node of the party tree: the tree with each node's rolled-up figures, and a node's page (its
figures, children, breadcrumb and, for a cell, its board, supervisors and meetings). They read the tree
(apps.orgs), its members (apps.members) and meetings (apps.meetings), so they live on the top floor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from apps.meetings.queries import meeting as queries_meeting
from apps.members.queries import member as queries_member
from apps.members.queries import node as queries_members_node
from apps.orgs.models import Organization
from apps.orgs.queries import tree as queries_tree


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


def with_counts(nodes: list[Organization], *, on: date) -> list[NodeRow]:
    """Rolled-up figures for each node's subtree: 2 queries per distinct depth among the nodes (the tree's own
    figures, then its members')."""
    rows = {n.path: NodeRow(n) for n in nodes}
    for paths in queries_tree.same_depth_paths(nodes):
        for prefix, (subs, cells) in queries_tree.organization_counts(paths).items():
            if prefix in rows:
                c = rows[prefix].counts
                c.sub_organizations, c.cells = subs, cells
        for prefix, m in queries_members_node.member_counts(paths, on=on).items():
            if prefix in rows:
                c = rows[prefix].counts
                c.members, c.official, c.probationary, c.exempted = m.members, m.official, m.probationary, m.exempted
    return [rows[n.path] for n in nodes]


def node_page(user, org: Organization, *, on: date, now: datetime) -> dict:
    """What a node's page shows besides its members' list: its figures, its children with theirs, the breadcrumb
    and, for a cell, the office holders (with their cells: the page links a holder only where the page opens for
    the user), the supervisors and the last and next meetings."""
    (row,) = with_counts([org], on=on)
    page = {
        "counts": row.counts,
        "rows": with_counts(list(queries_tree.children_of(user, org)), on=on),
        "breadcrumb": list(queries_tree.ancestors_visible(user, org)),
    }
    if org.is_cell:
        page["offices"] = list(queries_member.current_offices(org, on=on))
        page["supervisors"] = list(queries_tree.supervisors_of(org, on=on))
        page["held"], page["coming"] = queries_meeting.recent_and_upcoming(user, org, now=now)
    return page
