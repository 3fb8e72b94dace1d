"""Who may do what with resolutions and tasks, as `rules` predicates reusing the scoping grants (no query)."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, allows


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
def inspects(user, org) -> bool:
    """The committee above (staff, administrators) records inspections and supervision of an organisation."""
    return org is not None and allows(user, RESTRUCTURE, org.path)


@rules.predicate
def reads_inspections(user, org) -> bool:
    """Roles that read an organisation's records read its inspections; a plain member does not."""
    return org is not None and allows(user, VIEW, org.path)


rules.add_perm("resolutions.manage", manages_org_of)
rules.add_perm("resolutions.post_progress", manages_org_of | works_on_task)
rules.add_perm("resolutions.mark_done", manages_org_of | leads_task)
rules.add_perm("resolutions.inspect", inspects)
rules.add_perm("resolutions.view_inspections", reads_inspections)
