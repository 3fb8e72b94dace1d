"""Reads of exports: a person's own exports only (an export is never looked up by anyone else: 404), and the table
a provider builds for a user."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.exports.models import Export
from apps.exports.rules.tables import Params, Table, provider


def exports_for(user) -> QuerySet[Export]:
    """The one lookup of exports: the user's own (an export is its owner's; there is no role that sees another's)."""
    if not getattr(user, "is_authenticated", False):
        return Export.objects.none()
    return Export.objects.filter(user=user)


def recent(user, *, limit: int = 50) -> list[Export]:
    """The user's latest exports, newest first (one query)."""
    return list(exports_for(user).order_by("-created_at", "-pk")[:limit])


def table_for(user, name: str, params: Params) -> Table:
    """The table ``name`` as ``user`` may see it (raises tables.Unavailable: unknown name, out of scope)."""
    return provider(name)(user, params)


def person_name(user) -> str:
    """How the sheet names who exported it: the account's full name, else their member record's, else the login."""
    member = getattr(user, "member", None)
    return user.get_full_name() or getattr(member, "full_name", "") or user.get_username()
