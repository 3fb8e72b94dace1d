"""Who may do what on an organisation, as `rules` predicates that reuse the scoping grants (no extra query)."""

import rules

from apps.common.scoping import ADMINISTER, MANAGE, RESTRUCTURE, VIEW, allows, member_sees_node


@rules.predicate
def sees_org(user, org) -> bool:
    """The organisation is found by Organization.objects.visible_to(user): a role over it, or a member's own cell."""
    return org is not None and (allows(user, VIEW, org.path) or member_sees_node(user, org.path))


@rules.predicate
def manages_org(user, org) -> bool:
    return org is not None and allows(user, MANAGE, org.path)


@rules.predicate
def restructures_org(user, org) -> bool:
    return org is not None and allows(user, RESTRUCTURE, org.path)


@rules.predicate
def administers_org(user, org) -> bool:
    return org is not None and allows(user, ADMINISTER, org.path)


rules.add_perm("orgs.view", sees_org)
rules.add_perm("orgs.manage_members", manages_org)
rules.add_perm("orgs.restructure", restructures_org)
rules.add_perm("orgs.administer", administers_org)
