"""Rubric verbs and reads: which version is in force for a cell, revising a rubric (a new version once used),
importing one from a file, and the ORM → engine converter."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.common import rules as common_rules
from apps.meetings.models import Meeting
from apps.orgs.models import Organization

from . import rubrics_data
from .engine import RubricSpec, spec_from_dict
from .engine.spec import KINDS, OPS
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


CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if common_rules.within(day, common_rules.record_dates()) else None


def _text_ok(value, limit: int, *, required: bool = True) -> bool:
    return isinstance(value, str) and (bool(value.strip()) or not required) and len(value) <= limit


def _input_errors(data: dict) -> list[str]:
    """What a file (or a copy, or an edit) says that the database could not hold or the pages could not show: the
    values of docs/scoring.md's format, with the plausible ranges of apps.common.rules. The structure itself is
    checked by the engine (``spec_from_dict``)."""
    errors: list[str] = []
    low, high = (f"{d:%d/%m/%Y}" for d in common_rules.record_dates())
    points_max = common_rules.POINTS_MAX

    def points(value, where: str) -> None:
        if common_rules.number_in_range(value, low=Decimal(0), high=points_max) is None:
            errors.append(
                _("%(where)s: points must be a number from 0 to %(max)s.") % {"where": where, "max": points_max}
            )

    def threshold(value, where: str) -> None:
        if (
            common_rules.number_in_range(value, low=-common_rules.THRESHOLD_MAX, high=common_rules.THRESHOLD_MAX)
            is None
        ):
            errors.append(_("%(where)s: a threshold must be a number.") % {"where": where})

    def text(value, limit: int, where: str, *, required: bool = True) -> None:
        if not _text_ok(value, limit, required=required):
            errors.append(_("%(where)s: give a text of at most %(max)s characters.") % {"where": where, "max": limit})

    if not isinstance(data.get("code"), str) or not CODE.match(data["code"]):
        errors.append(
            _("The rubric's code: letters without accents, digits, dots, dashes or underscores (at most 40).")
        )
    text(data.get("name"), 300, "name")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= common_rules.VERSION_MAX:
        errors.append(_("The version is a whole number from 1 to %(max)s.") % {"max": common_rules.VERSION_MAX})
    start = _iso_date(data.get("effective_from"))
    for key, required in (("effective_from", True), ("effective_to", False)):
        value = data.get(key)
        if (value is not None or required) and _iso_date(value) is None:
            errors.append(
                _("%(field)s: a date written yyyy-mm-dd, from %(low)s to %(high)s.")
                % {"field": key, "low": low, "high": high}
            )
    end = _iso_date(data.get("effective_to"))
    if start and end and end < start:
        errors.append(_("The end date cannot be before the start date."))
    kinds = data.get("meeting_kinds", ["regular"])
    if not isinstance(kinds, list) or not kinds or any(kind not in Meeting.Kind.values for kind in kinds):
        errors.append(_("meeting_kinds: a list of regular, thematic or board."))
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels:
        errors.append(_("levels: a list of [code, points], best first."))
    else:
        for level in levels:
            if isinstance(level, list | tuple) and len(level) == 2 and _text_ok(level[0], 40):
                points(level[1], f"levels {level[0]}")
            else:
                errors.append(_("levels: a list of [code, points], best first."))
                break
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        return [*errors, _("categories: a list of categories, each with its items.")]
    for category in categories:
        if not isinstance(category, dict):
            errors.append(_("categories: a list of categories, each with its items."))
            continue
        where = f"{category.get('code')}"
        text(category.get("code"), 40, where)
        text(category.get("title"), 200, where)
        points(category.get("max_points"), where)
        for item in category.get("items") if isinstance(category.get("items"), list) else []:
            if not isinstance(item, dict):
                errors.append(
                    _("%(where)s: each item is an object with its code, title and points.") % {"where": where}
                )
                continue
            at = f"{item.get('code')}"
            text(item.get("code"), 40, at)
            text(item.get("title"), 300, at)
            if item.get("kind") not in KINDS:
                errors.append(_("%(where)s: the kind is one of %(kinds)s.") % {"where": at, "kinds": ", ".join(KINDS)})
            if item.get("op", "gte") not in OPS:
                errors.append(_("%(where)s: the comparison is one of %(ops)s.") % {"where": at, "ops": ", ".join(OPS)})
            for key, limit in (("metric", 60), ("label", 120), ("unit", 10), ("detail", 200)):
                text(item.get(key, ""), limit, f"{at} {key}", required=False)
            points(item.get("max_points"), at)
            points(item.get("missing_points", 0), f"{at} missing_points")
            for band in item.get("bands", []) if isinstance(item.get("bands", []), list) else [None]:
                if isinstance(band, list) and len(band) in (2, 3):
                    threshold(band[0], f"{at} bands")
                    points(band[1], f"{at} bands")
                else:
                    errors.append(
                        _("%(where)s: a band is [threshold, points] or [threshold, points, op].") % {"where": at}
                    )
            for key in ("caps", "bonuses"):
                for condition in item.get(key, []) if isinstance(item.get(key, []), list) else [None]:
                    if isinstance(condition, list) and len(condition) == 4:
                        threshold(condition[2], f"{at} {key}")
                        points(condition[3], f"{at} {key}")
                    else:
                        errors.append(
                            _("%(where)s: a condition is [metric, op, threshold, points].") % {"where": f"{at} {key}"}
                        )
            for line in item.get("checklist", []) if isinstance(item.get("checklist", []), list) else [None]:
                if isinstance(line, list) and len(line) == 2:
                    text(line[0], 300, f"{at} checklist")
                    points(line[1], f"{at} checklist")
                else:
                    errors.append(_("%(where)s: a checklist line is [text, points].") % {"where": at})
    return errors


def _validate(data: dict) -> None:
    errors = _input_errors(data)
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
