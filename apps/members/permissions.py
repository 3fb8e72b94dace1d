import rules

from apps.common.scoping import MANAGE, allows


@rules.predicate
def manages_member(user, member) -> bool:
    return member is not None and allows(user, MANAGE, member.cell.path)


@rules.predicate
def is_self(user, member) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


rules.add_perm("members.change_member", manages_member)
rules.add_perm("members.view_own", is_self)
