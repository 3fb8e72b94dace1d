"""The checks on a rubric's data (a file, a copy or an edit) before it is saved: the values of docs/scoring.md's format,
with the plausible ranges of apps.common.rules. Plain functions over the dict format; the structure itself is checked
by the engine (``spec_from_dict``)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.common import rules as common_rules
from apps.quality.rules.engine.spec import KINDS, OPS

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # whole values (fullmatch): "$" lets a final newline in
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIGURE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a figure named in an item's detail: {attendance_present}
MONTHS_MAX = Decimal(366)  # a roll-up's count of meetings in a year


def _strings(value):
    """Every string of a file's data, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(key)
            yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def composed(value):
    """The file's data with every string in NFC (a file may come decomposed); not trimmed: a unit may start with a
    space (" phút")."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {composed(key): composed(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [composed(inner) for inner in value]
    return value


def _detail_ok(template) -> bool:
    """An item's detail names figures as {name}: no index, attribute, conversion or format (the engine would fail
    on them when it explains a score)."""
    if not isinstance(template, str):
        return False
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return False
    return all(
        name is None or (FIGURE.fullmatch(name) and not spec and conversion is None)
        for _text, name, spec, conversion in parts
    )


def _iso_date(value) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if common_rules.within(day, common_rules.record_dates()) else None


def _text_ok(value, limit: int, *, required: bool = True) -> bool:
    return isinstance(value, str) and (bool(value.strip()) or not required) and len(value) <= limit


def input_errors(data: dict, *, meeting_kinds: Collection[str]) -> list[str]:
    """What a file (or a copy, or an edit) says that the database could not hold or the pages could not show: the
    values of docs/scoring.md's format, with the plausible ranges of apps.common.rules. The structure itself is
    checked by the engine (``spec_from_dict``)."""
    errors: list[str] = []
    if any("\x00" in text for text in _strings(data)):
        return [_("The file contains a null character; remove it and import again.")]
    low, high = (f"{d:%d/%m/%Y}" for d in common_rules.record_dates())
    points_max = common_rules.POINTS_MAX

    def points(value, where: str) -> None:
        number = common_rules.number_in_range(value, low=Decimal(0), high=points_max)
        if number is None:
            errors.append(
                _("%(where)s: points must be a number from 0 to %(max)s.") % {"where": where, "max": points_max}
            )
        elif number != number.quantize(Decimal("0.01")):  # the database keeps two: 5.554 would read 5.55
            errors.append(_("%(where)s: points have at most two decimals.") % {"where": where})

    def threshold(value, where: str) -> None:
        if (
            common_rules.number_in_range(value, low=-common_rules.THRESHOLD_MAX, high=common_rules.THRESHOLD_MAX)
            is None
        ):
            errors.append(_("%(where)s: a threshold must be a number.") % {"where": where})

    def text(value, limit: int, where: str, *, required: bool = True) -> None:
        if not _text_ok(value, limit, required=required):
            errors.append(_("%(where)s: give a text of at most %(max)s characters.") % {"where": where, "max": limit})

    def comparison(value, where: str) -> None:
        if not isinstance(value, str) or value not in OPS:
            errors.append(_("%(where)s: the comparison is one of %(ops)s.") % {"where": where, "ops": ", ".join(OPS)})

    if not isinstance(data.get("code"), str) or not CODE.fullmatch(data["code"]):
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
    if not isinstance(kinds, list) or not kinds or any(kind not in meeting_kinds for kind in kinds):
        errors.append(_("meeting_kinds: a list of regular, thematic or board."))
    levels = data.get("levels")
    level_codes: list[str] = []
    if not isinstance(levels, list) or not levels:
        errors.append(_("levels: a list of [code, points], best first."))
    else:
        for entry in levels:
            if isinstance(entry, list | tuple) and len(entry) == 2 and _text_ok(entry[0], 40):
                points(entry[1], f"levels {entry[0]}")
                level_codes.append(entry[0])
            else:
                errors.append(_("levels: a list of [code, points], best first."))
                break
        if len(set(level_codes)) != len(level_codes):
            errors.append(_("levels: a list of [code, points], best first."))

    def level(value) -> bool:
        return isinstance(value, str) and value in level_codes

    def condition_ok(condition, size: int, where: str) -> bool:
        """[metric, op, threshold] (knock-outs), or [metric, op, threshold, points] (caps, bonuses)."""
        if not (isinstance(condition, list) and len(condition) == size):
            return False
        text(condition[0], 60, where)
        comparison(condition[1], where)
        threshold(condition[2], where)
        if size == 4:
            points(condition[3], where)
        return True

    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        return [*errors, _("categories: a list of categories, each with its items.")]
    category_codes: list = []
    item_codes: list = []
    for category in categories:
        if not isinstance(category, dict):
            errors.append(_("categories: a list of categories, each with its items."))
            continue
        category_codes.append(category.get("code"))
        where = f"{category.get('code')}"
        text(category.get("code"), 40, where)
        text(category.get("title"), 200, where)
        points(category.get("max_points"), where)
        items = category.get("items")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                errors.append(
                    _("%(where)s: each item is an object with its code, title and points.") % {"where": where}
                )
                continue
            at = f"{item.get('code')}"
            item_codes.append(item.get("code"))
            text(item.get("code"), 40, at)
            text(item.get("title"), 300, at)
            if item.get("kind") not in KINDS:
                errors.append(_("%(where)s: the kind is one of %(kinds)s.") % {"where": at, "kinds": ", ".join(KINDS)})
            if item.get("op", "gte") not in OPS:
                errors.append(_("%(where)s: the comparison is one of %(ops)s.") % {"where": at, "ops": ", ".join(OPS)})
            for key, limit in (("metric", 60), ("label", 120), ("unit", 10), ("detail", 200)):
                text(item.get(key, ""), limit, f"{at} {key}", required=False)
            if not _detail_ok(item.get("detail", "")):
                errors.append(
                    _("%(where)s: a detail names the figures in braces, as {attendance_present}, and nothing more.")
                    % {"where": f"{at} detail"}
                )
            points(item.get("max_points"), at)
            points(item.get("missing_points", 0), f"{at} missing_points")
            for band in item.get("bands", []) if isinstance(item.get("bands", []), list) else [None]:
                if isinstance(band, list) and len(band) in (2, 3):
                    threshold(band[0], f"{at} bands")
                    points(band[1], f"{at} bands")
                    if len(band) == 3:
                        comparison(band[2], f"{at} bands")
                else:
                    errors.append(
                        _("%(where)s: a band is [threshold, points] or [threshold, points, op].") % {"where": at}
                    )
            for key in ("caps", "bonuses"):
                for condition in item.get(key, []) if isinstance(item.get(key, []), list) else [None]:
                    if not condition_ok(condition, 4, f"{at} {key}"):
                        errors.append(
                            _("%(where)s: a condition is [metric, op, threshold, points].") % {"where": f"{at} {key}"}
                        )
            for line in item.get("checklist", []) if isinstance(item.get("checklist", []), list) else [None]:
                if isinstance(line, list) and len(line) == 2:
                    text(line[0], 300, f"{at} checklist")
                    points(line[1], f"{at} checklist")
                else:
                    errors.append(_("%(where)s: a checklist line is [text, points].") % {"where": at})
    if len(set(map(str, category_codes))) != len(category_codes):
        errors.append(_("Category codes must be unique within a rubric."))
    knockouts = data.get("knockouts", [])
    if not isinstance(knockouts, list) or not all(isinstance(ko, dict) for ko in knockouts):
        errors.append(_("knockouts: a list of knock-outs, each with its code, title and the highest level it allows."))
        knockouts = []
    for ko in knockouts:
        where = f"{ko.get('code')}"
        text(ko.get("code"), 40, where)
        text(ko.get("title"), 300, where)
        parts_known = all(
            isinstance(ko.get(key, []), list) and all(name in known for name in ko.get(key, []))
            for key, known in (("items_full", item_codes), ("categories_full", category_codes))
        )
        if not level(ko.get("max_level")) or not parts_known:
            errors.append(
                _("%(where)s: a knock-out names a level, items or categories that the rubric does not have.")
                % {"where": where}
            )
        conditions = ko.get("conditions", [])
        for condition in conditions if isinstance(conditions, list) else [None]:
            if not condition_ok(condition, 3, where):
                errors.append(_("%(where)s: a condition is [metric, op, threshold].") % {"where": where})
    if not _rollup_ok(data.get("annual_rollup", {}), level):
        errors.append(
            _("annual_rollup: tiers (a level and its conditions), then the level otherwise, with the rubric's levels.")
        )
    return errors


def _rollup_ok(rollup, level) -> bool:
    """The monthly → annual rule as ``engine.annual_level`` and the rubric's page read it (docs/scoring.md)."""
    if not isinstance(rollup, dict) or not isinstance(rollup.get("tiers", []), list):
        return False
    if rollup.get("otherwise") is not None and not level(rollup["otherwise"]):
        return False
    for tier in rollup.get("tiers", []):
        if not isinstance(tier, dict) or not level(tier.get("level")):
            return False
        if tier.get("all_at_least") and not level(tier["all_at_least"]):
            return False
        for key, high in (("at_least", MONTHS_MAX), ("at_least_share", Decimal(1))):
            pairs = tier.get(key, [])
            if not isinstance(pairs, list) or not all(
                isinstance(pair, list)
                and len(pair) == 2
                and level(pair[0])
                and common_rules.number_in_range(pair[1], low=Decimal(0), high=high) is not None
                for pair in pairs
            ):
                return False
    return True
