"""Reads of discipline records (kỷ luật): the lookup for views and a year's records of an organisation's subtree."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.common.scoping import VIEW, subtree_filter
from apps.grading.models import Discipline
from apps.orgs.models import Organization


def disciplines_for(user, action: str = VIEW) -> QuerySet[Discipline]:
    """The one lookup of discipline records: those ``user`` may ``action`` (a plain member: their own), with the
    member and the organisation the pages show."""
    return Discipline.objects.visible_to(user, action).select_related("member", "organization")


def year_disciplines(user, org: Organization, *, year: int) -> QuerySet[Discipline]:
    """The year's records of the organisation's subtree that the user may see, newest first."""
    return (
        disciplines_for(user)
        .filter(subtree_filter(Discipline.scope_path, org.path), on__year=year)
        .order_by("-on", "organization__path", "pk")
    )
