"""Who may do what with a meeting's score, as `rules` predicates over the meeting (place checks reuse the grants)."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, Role, allows, grants_for


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


rules.add_perm("quality.propose_score", proposes_score)
rules.add_perm("quality.supervise_score", supervises_score)
