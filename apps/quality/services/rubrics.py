"""Rubric verbs: importing one from a file (or a copy), locking a version once a score uses it, and revising it (a new
version once used). The reads (the version in force, the dict format) are apps/quality/queries/rubrics.py; the checks
on a sheet's values apps/quality/rules/rubrics/checks.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.common import audit
from apps.meetings.models import Meeting
from apps.orgs.models import Organization
from apps.quality.models import Rubric, RubricCategory, RubricItem
from apps.quality.queries.rubrics import ITEM_FIELDS, rubric_dict
from apps.quality.rules.engine import spec_from_dict
from apps.quality.rules.rubrics import checks
from apps.quality.rules.rubrics.shipped import load_rubric

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


def _validate(data: dict) -> None:
    errors = checks.input_errors(data, meeting_kinds=Meeting.Kind.values)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors))[:10])  # the first ten, each once
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
    data = checks.composed(data)
    if applies_to is not None:
        data = {**data, "default_everywhere": False}
    _validate(data)
    if Rubric.objects.filter(code=data["code"]).exists():
        raise ValidationError({"code": _("A rubric with this code already exists.")})
    return load_rubric(
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
    audit.update(Rubric.objects.filter(pk=rubric.pk), locked=True)
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
    new = load_rubric(
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
