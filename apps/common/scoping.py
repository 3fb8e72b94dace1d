"""The one scoping mechanism: which records of which subtrees a user may see or change.

Roles are granted on a node of the party tree and cover its subtree. A materialized path makes "inside the
subtree" a prefix test (``path LIKE 'prefix%'``) that works on SQLite and PostgreSQL alike. Every scoped model
names its path to the organisation once (``scope_path``) and uses ``ScopedQuerySet`` as its manager, so list
views and object lookups both start from ``Model.objects.visible_to(user, action)``: another commune's record is
simply not found (404).

The core imports no domain app: the tree and the grants are the models named by the settings
``CHIBO_TREE_MODEL`` (a node with a materialized ``path`` and its ``steplen``, e.g. ``"orgs.Organization"``) and
``CHIBO_GRANT_MODEL`` (a role held by a user on a node from ``starts_on`` until ``ends_on``, e.g.
``"orgs.RoleGrant"``), read through the app registry when a query needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VIEW = "view"
MANAGE = "manage"
RESTRUCTURE = "restructure"  # create / move organisations
ADMINISTER = "administer"  # accounts and role grants


class Role(models.TextChoices):
    MEMBER = "member", _("Party member")
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    CELL_DEPUTY = "cell_deputy", _("Cell deputy secretary")
    CELL_BOARD = "cell_board", _("Cell board member")
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSPECTION = "inspection", _("Inspection")
    ADMIN = "admin", _("Administrator")


# What each role may do on the subtree it is granted on. A member's "view" is narrower: see MEMBER_SCOPE.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({VIEW, MANAGE, RESTRUCTURE, ADMINISTER}),
    Role.COMMITTEE_STAFF: frozenset({VIEW, MANAGE, RESTRUCTURE}),
    Role.CELL_SECRETARY: frozenset({VIEW, MANAGE}),
    Role.CELL_DEPUTY: frozenset({VIEW, MANAGE}),
    Role.CELL_BOARD: frozenset({VIEW, MANAGE}),
    Role.SUPERVISOR: frozenset({VIEW}),
    Role.INSPECTION: frozenset({VIEW}),
    Role.MEMBER: frozenset(),
}


@dataclass(frozen=True)
class Grant:
    role: str
    organization_id: int
    path: str


def tree_model() -> Any:  # the tree's model class (treebeard's MP_Node carries no types)
    """The party tree's node model (settings.CHIBO_TREE_MODEL)."""
    return apps.get_model(settings.CHIBO_TREE_MODEL)


def grant_model() -> type[models.Model]:
    """The model of a role granted on a node (settings.CHIBO_GRANT_MODEL)."""
    return apps.get_model(settings.CHIBO_GRANT_MODEL)


def grants_for(user) -> list[Grant]:
    """The user's grants in force today, loaded once per request object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_chibo_grants", None)
    if cached is None:
        today = timezone.localdate()
        rows = (
            grant_model()
            ._default_manager.filter(user_id=user.pk, starts_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .values_list("role", "organization_id", "organization__path")
            .order_by("organization__path", "role")
        )
        cached = [Grant(role, org_id, path) for role, org_id, path in rows]
        user._chibo_grants = cached
    return cached


def forget_grants(user) -> None:
    if hasattr(user, "_chibo_grants"):
        del user._chibo_grants


def allows(user, action: str, path: str) -> bool:
    """Object-level check without a query: does a grant on an ancestor (or the node) allow the action?"""
    if getattr(user, "is_superuser", False):
        return True
    return any(action in ROLE_ACTIONS[g.role] and path.startswith(g.path) for g in grants_for(user))


def member_sees_node(user, path: str) -> bool:
    """A plain member sees the node of their own cell (and nothing below or above it)."""
    return any(g.role == Role.MEMBER and g.path == path for g in grants_for(user))


def subtree_filter(scope_path: str, prefix: str) -> Q:
    """Rows whose organisation lies in the subtree at ``prefix``.

    For a related model the organisations are selected first (``org IN (SELECT id … WHERE path LIKE 'prefix%')``),
    which lets both databases use the foreign-key index instead of joining every row to test its path.
    """
    if scope_path == "path":
        return Q(path__startswith=prefix)
    relation = scope_path.removesuffix("__path")
    return Q(**{f"{relation}__in": tree_model()._default_manager.filter(path__startswith=prefix).values("pk")})


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that reaches an organisation.

    The model declares:
    - ``scope_path``: lookup from the model to the organisation's ``path`` (e.g. ``"cell__path"``);
    - ``member_scope``: what a plain member sees: ``"node"`` (records on their own cell) or a lookup to the
      user (e.g. ``"user"``: only their own record), or ``None`` (nothing).
    """

    def visible_to(self, user, action: str = VIEW) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        scope_path: str = self.model.scope_path
        member_scope: str | None = getattr(self.model, "member_scope", None)
        condition = Q(pk__in=[])
        for grant in grants_for(user):
            if action in ROLE_ACTIONS[grant.role]:
                condition |= subtree_filter(scope_path, grant.path)
            elif grant.role == Role.MEMBER and action == VIEW and member_scope:
                if member_scope == "node":
                    condition |= Q(**{scope_path: grant.path})
                else:
                    condition |= Q(**{member_scope: user.pk})
        return self.filter(condition)

    def applying_to(self, path: str) -> ScopedQuerySet:
        """Settings that apply at the node ``path``: those issued there or by any committee above it (rubrics,
        dues rates). The one way to read inherited rows."""
        step = tree_model().steplen
        ancestors = [path[:end] for end in range(step, len(path) + 1, step)]
        return self.filter(**{f"{self.model.scope_path}__in": ancestors})


def today() -> date:
    return timezone.localdate()
