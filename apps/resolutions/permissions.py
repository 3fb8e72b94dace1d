"""Who may do what with resolutions and tasks, as `rules` predicates reusing the scoping grants (no query, but for a
task's helpers). Views ask ``request.user.has_perm("resolutions.…", obj)``, templates ``{% has_perm %}``."""

import rules

from apps.common.scoping import MANAGE, VIEW, Role, allows, grants_for
from apps.orgs.permissions import manages_org, restructures_org


@rules.predicate
def manages_org_of(user, obj) -> bool:
    """Manage rights on the organisation the resolution, task or target belongs to."""
    return obj is not None and allows(user, MANAGE, obj.organization.path)


@rules.predicate
def works_on_task(user, task) -> bool:
    """The task's lead or one of its helpers (a member posts progress on their own tasks only)."""
    if task is None or not user.is_authenticated:
        return False
    member_ids = set(task.helpers.values_list("user_id", flat=True))
    return (task.lead is not None and task.lead.user_id == user.pk) or user.pk in member_ids


@rules.predicate
def leads_task(user, task) -> bool:
    """The task's lead (who may mark it done, beside the cell's managers)."""
    return task is not None and task.lead_id is not None and task.lead.user_id == user.pk


@rules.predicate
def assigned_from_above(user, task) -> bool:
    """A task a committee above gave the cell (models.Task.assigned_from_above): the cell answers it with a
    follow-up."""
    return task is not None and task.assigned_from_above


@rules.predicate
def reads_records(user, org) -> bool:
    """Roles that read an organisation's records (a committee's resolutions, its inspections); a plain member's
    view of their own cell does not count."""
    return org is not None and allows(user, VIEW, org.path)


@rules.predicate
def inspects_org(user, org) -> bool:
    """The inspection commission (a Role.INSPECTION grant over the organisation): it records its own inspections
    and supervision in its subtree, and nothing else (its role reads, it does not manage)."""
    return org is not None and any(g.role == Role.INSPECTION and org.path.startswith(g.path) for g in grants_for(user))


rules.add_perm("resolutions.manage", manages_org_of)
rules.add_perm("resolutions.post_progress", manages_org_of | works_on_task)
rules.add_perm("resolutions.mark_done", manages_org_of | leads_task)
# The object is the cell: its leaders follow up what the committees above gave it.
rules.add_perm("resolutions.follow_up", manages_org)
rules.add_perm("resolutions.follow_up_task", manages_org_of & assigned_from_above)
# The object is the organisation: the committee's staff and administrators (restructure rights on the subtree)
# issue committee resolutions and assign their tasks; they and the inspection commission record inspections and
# supervision (with their findings, conclusion and remedies) in their subtree.
rules.add_perm("resolutions.issue", restructures_org)
rules.add_perm("resolutions.inspect", restructures_org | inspects_org)
rules.add_perm("resolutions.view_committee", reads_records)
rules.add_perm("resolutions.view_inspections", reads_records)
