"""Who may do what on a member and on the dues settings, as `rules` predicates that reuse the scoping grants (no
extra query)."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, allows
from apps.members.queries.watch import can_watch


@rules.predicate
def manages_member(user, member) -> bool:
    return member is not None and allows(user, MANAGE, member.cell.path)


@rules.predicate
def restructures_member(user, member) -> bool:
    """Committee staff: decisions of the committee on a member (a suspension, a temporary attachment)."""
    return member is not None and allows(user, RESTRUCTURE, member.cell.path)


@rules.predicate
def is_self(user, member) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


@rules.predicate
def reads_member(user, member) -> bool:
    """A role that reads the member's cell (Member.objects.visible_to without the member's own record)."""
    return member is not None and allows(user, VIEW, member.cell.path)


@rules.predicate
def sets_dues_rates(user, org) -> bool:
    """Committee staff (restructure rights) set the rates of a committee; a cell inherits its committee's."""
    return org is not None and not org.is_cell and allows(user, RESTRUCTURE, org.path)


@rules.predicate
def deletes_dues_rate(user, rate) -> bool:
    """Restructure rights where the rate was issued (whether it may go yet is the service's: not in force)."""
    return rate is not None and allows(user, RESTRUCTURE, rate.organization.path)


@rules.predicate
def watches(user) -> bool:
    return can_watch(user)


rules.add_perm("members.change_member", manages_member)
rules.add_perm("members.suspend_member", restructures_member)
rules.add_perm("members.view_own", is_self)
# The member's page opens (queries.members_for): links to it are shown on this condition only.
rules.add_perm("members.view_member", reads_member | is_self)
rules.add_perm("members.delete_dues_rate", deletes_dues_rate)
# Rules, not permissions. The watch is asked on every page (the menu) without object, where a failed permission
# check would go on to Django's ModelBackend and query the user's permission rows. Setting rates holds a fact about
# the node (a cell inherits its committee's rates) that Django's has_perm would skip for a superuser.
rules.add_rule("members.watch", watches)
rules.add_rule("members.set_dues_rates", sets_dues_rates)
