"""Reads of rubrics: the sheets a user sees, the version in force for a cell (inherited from the committees above, or
a default that applies everywhere), and a stored version in the dict format and as the engine's spec."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from apps.common.scoping import RESTRUCTURE, ROLE_ACTIONS, VIEW, grants_for
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for
from apps.quality.models import Rubric, RubricCategory, RubricItem
from apps.quality.rules.engine import RubricSpec, spec_from_dict

# The fields of an item in the dict format (besides its code), as a revision may change them.
ITEM_FIELDS = (
    "title",
    "kind",
    "max_points",
    "metric",
    "op",
    "bands",
    "caps",
    "bonuses",
    "checklist",
    "label",
    "unit",
    "detail",
    "missing_points",
    "position",
)


def rubrics_for(user, action: str = VIEW) -> QuerySet[Rubric]:
    """The one lookup of rubrics for views: those attached inside the user's subtrees for ``action``, and to read,
    the sheets attached to no committee: the national defaults and the library sheets (public regulation data, the
    same for everyone; read-only, but committee staff may copy them into their subtree)."""
    if not getattr(user, "is_authenticated", False):
        return Rubric.objects.none()
    scoped = Q(pk__in=Rubric.objects.visible_to(user, action).values("pk"))
    if action == VIEW:
        scoped |= Q(applies_to__isnull=True)
    return Rubric.objects.filter(scoped).select_related("issuer", "applies_to")


def with_parts(rubrics: QuerySet[Rubric]) -> QuerySet[Rubric]:
    """Rubrics with their categories and items in the sheet's order (2 more queries)."""
    return rubrics.prefetch_related(
        Prefetch(
            "categories",
            queryset=RubricCategory.objects.order_by("position", "pk").prefetch_related(
                Prefetch("items", queryset=RubricItem.objects.order_by("position", "pk"))
            ),
        )
    )


def latest_version(user, rubric: Rubric) -> Rubric:
    """The latest version of the rubric's code that the user can see (one query); the rubric itself if none newer."""
    return rubrics_for(user).filter(code=rubric.code).order_by("-version").first() or rubric


def copy_targets(user) -> QuerySet[Organization]:
    """The committees a user may attach a copied rubric to."""
    return organizations_for(user, RESTRUCTURE).filter(kind=Organization.Kind.COMMITTEE).order_by("path")


def first_copy_target(user) -> int | None:
    """The committee a copy goes to unless the user picks another: the node of their first restructure grant."""
    first = next((g for g in grants_for(user) if RESTRUCTURE in ROLE_ACTIONS[g.role]), None)
    return first.organization_id if first else None


def rubric_for(cell: Organization, on_date: date, meeting_kind: str = "regular") -> Rubric | None:
    """The rubric version in force for a cell on a date (one query).

    Candidates: sheets attached to the cell or an ancestor (``applying_to``), and the default sheets that apply
    everywhere, in force on the date, for the meeting's kind. The deepest attachment wins (a default counts as depth
    0); a version superseded by a revision also in force on that date gives way to it; then the latest start, then
    the highest version."""
    inherited = Rubric.objects.applying_to(cell.path)
    defaults = Rubric.objects.filter(applies_to__isnull=True, default_everywhere=True)
    rows = list(
        (inherited | defaults)
        .filter(effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .select_related("applies_to")
    )
    rows = [r for r in rows if meeting_kind in (r.meeting_kinds or [])]
    superseded = {r.previous_id for r in rows if r.previous_id}
    rows = [r for r in rows if r.pk not in superseded]
    if not rows:
        return None
    return max(rows, key=lambda r: (len(r.applies_to.path) if r.applies_to else 0, r.effective_from, r.version, r.pk))


def rubric_dict(rubric: Rubric) -> dict:
    """The rubric in the dict format of the shipped sheets / JSON import (2 queries: categories, items)."""
    categories = list(rubric.categories.order_by("position", "pk").prefetch_related("items"))
    return {
        "code": rubric.code,
        "name": rubric.name,
        "version": rubric.version,
        "effective_from": str(rubric.effective_from),
        "effective_to": str(rubric.effective_to) if rubric.effective_to else None,
        "meeting_kinds": list(rubric.meeting_kinds),
        "default_everywhere": rubric.default_everywhere,
        "levels": rubric.levels,
        "knockouts": rubric.knockouts,
        "annual_rollup": rubric.annual_rollup,
        "categories": [
            {
                "code": c.code,
                "title": c.title,
                "max_points": c.max_points,
                "items": [
                    {"code": i.code, **{f: getattr(i, f) for f in ITEM_FIELDS if f != "position"}}
                    for i in sorted(c.items.all(), key=lambda i: (i.position, i.pk))
                ],
            }
            for c in categories
        ],
    }


def rubric_spec(rubric: Rubric) -> RubricSpec:
    """The engine's plain view of a stored rubric version."""
    return spec_from_dict(rubric_dict(rubric))
