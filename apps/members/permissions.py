import rules

from apps.common.scoping import MANAGE, VIEW, allows
from apps.members.queries.watch import can_watch


@rules.predicate
def manages_member(user, member) -> bool:
    return member is not None and allows(user, MANAGE, member.cell.path)


@rules.predicate
def is_self(user, member) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


@rules.predicate
def reads_member(user, member) -> bool:
    """A role that reads the member's cell (Member.objects.visible_to without the member's own record)."""
    return member is not None and allows(user, VIEW, member.cell.path)


@rules.predicate
def watches(user) -> bool:
    return can_watch(user)


rules.add_perm("members.change_member", manages_member)
rules.add_perm("members.view_own", is_self)
# The member's page opens (queries.member_detail): links to it are shown on this condition only.
rules.add_perm("members.view_member", reads_member | is_self)
# A rule, not a permission: asked on every page (the menu) without object, where a failed permission check
# would go on to Django's ModelBackend and query the user's permission rows.
rules.add_rule("members.watch", watches)
