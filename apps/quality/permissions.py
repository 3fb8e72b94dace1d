"""Who may do what with a meeting's score and with a rubric, as `rules` predicates (place checks reuse the grants)."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, ROLE_ACTIONS, Role, allows, grants_for
from apps.orgs.permissions import restructures_org


@rules.predicate
def proposes_score(user, meeting) -> bool:
    """The cell's board and secretary (and staff above): manage rights on the cell."""
    return meeting is not None and allows(user, MANAGE, meeting.cell.path)


@rules.predicate
def supervises_score(user, meeting) -> bool:
    """The supervising committee member (a supervisor grant on the cell or an ancestor) or committee staff."""
    if meeting is None:
        return False
    path = meeting.cell.path
    return allows(user, RESTRUCTURE, path) or any(
        g.role == Role.SUPERVISOR and path.startswith(g.path) for g in grants_for(user)
    )


@rules.predicate
def edits_rubric(user, rubric) -> bool:
    """Restructure rights on the subtree the rubric is attached to. The national sheets (attached nowhere) are
    read-only here: the pages check ``applies_to`` as well, since Django lets a superuser through every permission."""
    return rubric is not None and rubric.applies_to is not None and restructures_org(user, rubric.applies_to)


@rules.predicate
def restructures_somewhere(user) -> bool:
    """Committee staff of some subtree (or a superuser): they may copy a rubric into a committee of theirs."""
    return user.is_superuser or any(RESTRUCTURE in ROLE_ACTIONS[g.role] for g in grants_for(user))


rules.add_perm("quality.propose_score", proposes_score)
rules.add_perm("quality.supervise_score", supervises_score)
rules.add_perm("quality.edit_rubric", edits_rubric)
rules.add_perm("quality.copy_rubric", restructures_somewhere)
