"""Who may do what in oversight (django-rules); where is decided by scoping (apps.common.scoping)."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, Role, allows, grants_for
from apps.oversight.models import Visit
from apps.oversight.queries import thresholds as queries_thresholds
from apps.oversight.queries.supervision import assigned_cell_ids

# --- supervision ------------------------------------------------------------------------------------------------
# Supervisors' assignments and visits (issue 12, point 4). The object is the organisation, the cell, the assignment
# or the visit named in each predicate.


def _role_over(user, role: str, path: str) -> bool:
    return any(g.role == role and path.startswith(g.path) for g in grants_for(user))


def visit_kinds(user, cell) -> list[str]:
    """The kinds of visit the user records in the cell: a supervisor's (an assignment in force on the cell, or a
    supervisor grant over it) and the inspection commission's (an inspection grant over it). Empty: none."""
    if cell is None or not cell.is_cell or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return [Visit.Kind.SUPERVISOR, Visit.Kind.INSPECTION]
    kinds = []
    if cell.pk in assigned_cell_ids(user) or _role_over(user, Role.SUPERVISOR, cell.path):
        kinds.append(Visit.Kind.SUPERVISOR)
    if _role_over(user, Role.INSPECTION, cell.path):
        kinds.append(Visit.Kind.INSPECTION)
    return kinds


@rules.predicate
def oversees(user, org) -> bool:
    """The roles that read an organisation's oversight (queries.thresholds.oversees: staff, supervisors, the
    inspection commission, a cell's leaders for their cell); a plain member's view of their own cell does not."""
    return org is not None and queries_thresholds.oversees(user, org)


@rules.predicate
def assigns_supervisors(user, org) -> bool:
    """A committee's staff (manage rights on it) assign its members to follow the cells of its subtree."""
    return org is not None and org.kind == org.Kind.COMMITTEE and allows(user, MANAGE, org.path)


@rules.predicate
def ends_assignment(user, assignment) -> bool:
    return assignment is not None and assigns_supervisors(user, assignment.committee)


@rules.predicate
def supervises(user) -> bool:
    """The user follows cells today: the menu shows their page. An assignment in force carries a supervisor grant for
    the same term (services.supervision), so the request's grants, already loaded, answer without a query."""
    return any(g.role == Role.SUPERVISOR for g in grants_for(user))


@rules.predicate
def records_visit(user, cell) -> bool:
    return bool(visit_kinds(user, cell))


@rules.predicate
def closes_follow_up(user, visit) -> bool:
    """The follow-up of a visit is marked done by those who record visits in its cell, or by the committee's staff."""
    return visit is not None and (records_visit(user, visit.cell) or allows(user, RESTRUCTURE, visit.cell.path))


rules.add_rule("oversight.supervises", supervises)  # {% test_rule "oversight.supervises" user as x %}
rules.add_perm("oversight.view_supervision", oversees)
rules.add_perm("oversight.assign_supervisors", assigns_supervisors)
rules.add_perm("oversight.end_assignment", ends_assignment)
rules.add_perm("oversight.record_visit", records_visit)
rules.add_perm("oversight.close_follow_up", closes_follow_up)
