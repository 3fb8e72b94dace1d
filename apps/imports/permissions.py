"""Who may do what with an import, as `rules` predicates over the scoping grants (no query: the grants are loaded once
per request). Members and attendance come in with MANAGE on the target node (a cell secretary on their cell,
committee staff and administrators on their subtree); a tree with RESTRUCTURE (its new nodes go under the target).
Seeing an import (the history, its page, its file) is VIEW on its organisation; a plain member sees none."""

from __future__ import annotations

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, ROLE_ACTIONS, VIEW, allows, grants_for

TREE = "tree"


def action_for(kind: str) -> str:
    """The scoping action that importing ``kind`` needs on the target node."""
    return RESTRUCTURE if kind == TREE else MANAGE


def import_into(user, organization, kind: str) -> bool:
    """May the user bring a file of ``kind`` into ``organization`` (and its subtree)?"""
    return organization is not None and allows(user, action_for(kind), organization.path)


@rules.predicate
def imports_somewhere_into(user, organization) -> bool:
    """Some kind of import into the node: members or attendance (MANAGE), or a tree (RESTRUCTURE)."""
    return organization is not None and (
        allows(user, MANAGE, organization.path) or allows(user, RESTRUCTURE, organization.path)
    )


@rules.predicate
def sees_batch(user, batch) -> bool:
    return batch is not None and allows(user, VIEW, batch.organization.path)


@rules.predicate
def handles_batch(user, batch) -> bool:
    """Choose the columns, commit, cancel: the right the import itself needs."""
    return batch is not None and import_into(user, batch.organization, batch.kind)


@rules.predicate
def is_committed(user, batch) -> bool:
    return batch is not None and batch.status == "committed"


@rules.predicate
def sees_imports(user) -> bool:
    """The menu's link to the imports: anyone who reads a subtree (imports there are theirs to see, and to bring in
    with MANAGE); a plain member has none. No query: the grants are loaded once per request."""
    return bool(getattr(user, "is_superuser", False)) or any(VIEW in ROLE_ACTIONS[g.role] for g in grants_for(user))


# A rule, not a permission: asked on every page, without an object (as members.watch).
rules.add_rule("imports.sees_imports", sees_imports)
rules.add_perm("imports.import_into", imports_somewhere_into)
rules.add_perm("imports.view_batch", sees_batch)
rules.add_perm("imports.handle_batch", handles_batch)
rules.add_perm("imports.undo_batch", handles_batch & is_committed)
