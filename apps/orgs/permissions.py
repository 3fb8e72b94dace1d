"""Who may do what on an organisation, as `rules` predicates that reuse the scoping grants (no extra query)."""

import rules

from apps.common.scoping import ADMINISTER, MANAGE, RESTRUCTURE, allows


@rules.predicate
def manages_org(user, org) -> bool:
    return org is not None and allows(user, MANAGE, org.path)


@rules.predicate
def restructures_org(user, org) -> bool:
    return org is not None and allows(user, RESTRUCTURE, org.path)


@rules.predicate
def administers_org(user, org) -> bool:
    return org is not None and allows(user, ADMINISTER, org.path)


rules.add_perm("orgs.manage_members", manages_org)
rules.add_perm("orgs.restructure", restructures_org)
rules.add_perm("orgs.administer", administers_org)
