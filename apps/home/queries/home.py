"""The home page's data: the user's roles, their own member record, what waits for them and their next meetings.

A fixed number of queries whatever the user holds: the nodes of their grants, their member record, a COUNT of the
probationary members due, the to-do lists (apps.home.queries.todo) and the next meetings of their cell."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from apps.common.scoping import Role, grants_for
from apps.home.queries.todo import todo_for
from apps.meetings.queries import meeting as meeting_queries
from apps.members.models import Member
from apps.members.queries.member import probation_due_members
from apps.orgs.models import Organization


def roles_of(user) -> list[tuple[str, Organization]]:
    """One line per node the user holds a role on, with every role held there (the grants are loaded once per
    request; the nodes in one query)."""
    grants = grants_for(user)
    nodes = {o.pk: o for o in Organization.objects.filter(pk__in={g.organization_id for g in grants})}
    labels: dict[int, list[str]] = {}
    for g in grants:
        labels.setdefault(g.organization_id, []).append(str(Role(g.role).label))
    return [(", ".join(roles), nodes[org_id]) for org_id, roles in labels.items()]


def own_member(user) -> Member | None:
    """The user's own member record, with its cell (None for an account that is not a member)."""
    return Member.objects.filter(user=user).select_related("cell").first()


def home_page(user, *, now: datetime) -> dict:
    """Everything the home page shows, at the local time ``now``."""
    today = now.date()
    return {
        "roles": roles_of(user),
        "member": own_member(user),
        "probation_due_count": probation_due_members(user, on=today).count(),  # a COUNT, not the rows
        "todo": todo_for(user, today),
        "next_meetings": (coming := meeting_queries.next_meetings(user, now=now)),
        "meets_today": bool(coming) and timezone.localdate(coming[0].scheduled_at) == today,
    }
