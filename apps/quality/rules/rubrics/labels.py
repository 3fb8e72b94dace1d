"""How a rubric's parts read on a page: the levels by their names, comparisons in words and signs, the monthly →
annual rule in words, and numbers as people write them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LEVEL_LABELS = {
    "tot": gettext_lazy("Good"),
    "kha": gettext_lazy("Fairly good"),
    "trung_binh": gettext_lazy("Average"),
    "kem": gettext_lazy("Poor"),
}

OP_WORDS = {
    "gte": gettext_lazy("at least (≥)"),
    "gt": gettext_lazy("more than (>)"),
    "lte": gettext_lazy("at most (≤)"),
    "lt": gettext_lazy("less than (<)"),
    "eq": gettext_lazy("exactly (=)"),
}
OP_SIGNS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "="}


def level_label(code: str) -> str:
    return str(LEVEL_LABELS.get(code, code))


def plain_number(value) -> Decimal:
    """A number as people write it: 10 (not 10.00 or 1E+1), 0.5 (not 0.50)."""
    number = Decimal(str(value))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def condition_text(condition) -> str:
    """A cap or a bonus, ``[metric, op, threshold, points]``, as "attendance_rate ≥ 90 → 2"."""
    metric, op, threshold, points = condition
    return f"{metric} {OP_SIGNS.get(op, op)} {plain_number(threshold)} → {plain_number(points)}"


def rollup_lines(rollup: dict) -> list[str]:
    """The monthly → annual rule in words, one line per tier (engine.annual_level reads it the same way)."""
    lines = []
    for tier in rollup.get("tiers", []):
        conditions = []
        if tier.get("all_at_least"):
            conditions.append(_("every meeting %(level)s or better") % {"level": level_label(tier["all_at_least"])})
        for level, count in tier.get("at_least", []):
            conditions.append(
                _("at least %(count)s meetings %(level)s or better") % {"count": count, "level": level_label(level)}
            )
        for level, share in tier.get("at_least_share", []):
            conditions.append(
                _("at least %(share)s%% of the meetings %(level)s or better")
                % {"share": plain_number(Decimal(str(share)) * 100), "level": level_label(level)}
            )
        lines.append(f"{level_label(tier.get('level', ''))}: {'; '.join(conditions)}")
    if rollup.get("otherwise"):
        lines.append(_("Otherwise: %(level)s") % {"level": level_label(rollup["otherwise"])})
    return lines


def read_only_parts(rubric) -> dict:
    """The parts of a stored rubric its pages show but do not edit: levels, knock-outs and the roll-up rule."""
    return {
        "levels": [(level_label(code), threshold) for code, threshold in rubric.levels],
        "knockouts": [
            (k.get("title", k.get("code", "")), level_label(k.get("max_level", ""))) for k in rubric.knockouts
        ],
        "rollup": rollup_lines(rubric.annual_rollup or {}),
    }
