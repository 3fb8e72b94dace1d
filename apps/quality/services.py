"""Rubric verbs and reads: which version is in force for a cell, revising a rubric (a new version once used),
importing one from a file, and the ORM → engine converter."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.orgs.models import Organization

from . import rubrics_data
from .engine import RubricSpec, spec_from_dict
from .models import Rubric, RubricCategory, RubricItem

RUBRIC_FIELDS = (
    "name",
    "effective_from",
    "effective_to",
    "meeting_kinds",
    "levels",
    "knockouts",
    "annual_rollup",
    "applies_to",
    "issuer",
    "default_everywhere",
)
CATEGORY_FIELDS = ("title", "max_points", "position")
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


# ---------------------------------------------------------------------------------------------- converter


def rubric_dict(rubric: Rubric) -> dict:
    """The rubric in the dict format of rubrics_data / JSON import (2 queries: categories, items)."""
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


# ---------------------------------------------------------------------------------------------- reads


def rubric_for(cell: Organization, on_date: date, meeting_kind: str = "regular") -> Rubric | None:
    """The rubric version in force for a cell on a date (one query).

    Candidates: sheets attached to the cell or an ancestor, and the default sheets that apply everywhere, in force
    on the date, for the meeting's kind. The deepest attachment wins (a default counts as depth 0); a version
    superseded by a revision also in force on that date gives way to it; then the latest start, then the highest
    version."""
    steplen = Organization.steplen
    ancestors = [cell.path[:end] for end in range(steplen, len(cell.path) + 1, steplen)]
    rows = list(
        Rubric.objects.filter(Q(applies_to__path__in=ancestors) | Q(applies_to__isnull=True, default_everywhere=True))
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


# ---------------------------------------------------------------------------------------------- verbs


def _validate(data: dict) -> None:
    try:
        spec = spec_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("The rubric is not valid: %(error)s") % {"error": exc}) from exc
    for category in spec.categories:
        if sum(i.max_points for i in category.items) < category.max_points:
            raise ValidationError(
                _("The items of category %(code)s cannot reach its maximum.") % {"code": category.code}
            )
    codes = [i.code for i in spec.items()]
    if len(codes) != len(set(codes)):
        raise ValidationError(_("Item codes must be unique within a rubric."))


@transaction.atomic
def rubric_import(*, data: dict, issuer: Organization | None = None, applies_to: Organization | None = None) -> Rubric:
    """Create a rubric (version 1) from the dict/JSON format of docs/scoring.md.

    A rubric attached to a subtree never applies everywhere, whatever the file says: only the shipped national
    sheets are defaults."""
    if applies_to is not None:
        data = {**data, "default_everywhere": False}
    _validate(data)
    if Rubric.objects.filter(code=data["code"]).exists():
        raise ValidationError({"code": _("A rubric with this code already exists.")})
    return rubrics_data.load_rubric(
        data,
        Rubric=Rubric,
        RubricCategory=RubricCategory,
        RubricItem=RubricItem,
        issuer=issuer,
        applies_to=applies_to,
    )


@transaction.atomic
def rubric_lock(*, rubric: Rubric) -> Rubric:
    """Mark a version as used (called by whoever stores a score against it)."""
    Rubric.objects.filter(pk=rubric.pk).update(locked=True)
    rubric.locked = True
    return rubric


@transaction.atomic
def rubric_revise(
    *,
    rubric: Rubric,
    changes: dict[str, Any] | None = None,
    categories: dict[str, dict[str, Any]] | None = None,
    items: dict[str, dict[str, Any]] | None = None,
) -> Rubric:
    """Change a rubric. Unused: edited in place. Used (``locked``): a new version (version + 1, ``previous`` set)
    carries the changes and the old version stays as it was, so old scores keep their sheet.

    ``changes``: rubric fields; ``categories``/``items``: {code: {field: value}}."""
    changes, categories, items = changes or {}, categories or {}, items or {}
    unknown = (
        set(changes) - set(RUBRIC_FIELDS)
        | {f for c in categories.values() for f in c} - set(CATEGORY_FIELDS)
        | {f for i in items.values() for f in i} - set(ITEM_FIELDS)
    )
    if unknown:
        raise ValidationError(_("Unknown rubric fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if current.revisions.exists():
        raise ValidationError(_("This version has already been revised; revise the latest version."))
    data = rubric_dict(current)
    data.update({k: v for k, v in changes.items() if k not in ("applies_to", "issuer")})
    for cat in data["categories"]:
        cat.update(categories.get(cat["code"], {}))
        for item in cat["items"]:
            item.update({k: v for k, v in items.get(item["code"], {}).items() if k != "position"})
    known = {i["code"] for c in data["categories"] for i in c["items"]}
    if set(items) - known or set(categories) - {c["code"] for c in data["categories"]}:
        raise ValidationError(_("The changes name a category or item that the rubric does not have."))
    data["effective_from"] = str(data["effective_from"])
    data["effective_to"] = str(data["effective_to"]) if data["effective_to"] else None
    _validate(data)
    if not current.locked:
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        current.save()
        # Only the parts that change are written (two queries, not one per category).
        for category in current.categories.filter(code__in=categories):
            for field, value in categories[category.code].items():
                setattr(category, field, value)
            category.save()
        for item in RubricItem.objects.filter(category__rubric=current, code__in=items):
            for field, value in items[item.code].items():
                setattr(item, field, value)
            item.save()
        return current
    data["version"] = current.version + 1
    new = rubrics_data.load_rubric(
        data,
        Rubric=Rubric,
        RubricCategory=RubricCategory,
        RubricItem=RubricItem,
        issuer=changes.get("issuer", current.issuer),
        applies_to=changes.get("applies_to", current.applies_to),
    )
    new.previous = current
    new.save(update_fields=["previous"])
    return new
