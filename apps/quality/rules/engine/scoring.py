"""Score one meeting against a rubric, and roll monthly levels up to the year. Pure functions over plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST, JUDGED_NUMBER, ItemSpec, RubricSpec, compare, dec

ZERO = Decimal(0)


@dataclass(frozen=True)
class ItemResult:
    code: str
    category: str
    points: Decimal
    max_points: Decimal
    explanation: str = ""
    missing: bool = False  # no metric value / no judgement given

    @property
    def full(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class ScoreResult:
    items: tuple[ItemResult, ...]
    categories: dict[str, Decimal]
    total: Decimal
    max_points: Decimal
    level_by_points: str  # the level the total alone reaches
    level: str  # after knock-outs (never better than level_by_points)
    knocked_out: tuple[str, ...]  # codes of the knock-outs that lowered the level

    def item(self, code: str) -> ItemResult:
        return next(i for i in self.items if i.code == code)


# ---------------------------------------------------------------------------------------------- formatting


def vn_number(value: Any) -> str:
    """87.5 → "87,5"; 90.0 → "90"; Decimal("27.00") → "27"; True → "có" (Vietnamese decimal comma)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        text = f"{value:f}"
    elif isinstance(value, int):
        text = str(value)
    else:
        text = f"{round(float(value), 1):.1f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _detail(template: str, metrics: Mapping[str, Any]) -> str:
    if not template:
        return ""
    try:
        shown = {k: vn_number(v) if isinstance(v, (int, float, Decimal)) else v for k, v in metrics.items()}
        return " " + template.format_map(shown)
    except (KeyError, ValueError, TypeError):
        return ""


# ---------------------------------------------------------------------------------------------- items


def computed_points(item: ItemSpec, metrics: Mapping[str, Any]) -> tuple[Decimal, bool]:
    """(points, missing). The highest band that holds, then the caps; missing metric → ``missing_points``."""
    value = metrics.get(item.metric)
    if value is None:
        return item.missing_points, True
    value = float(value)
    points = max((b.points for b in item.bands if compare(value, b.op or item.op, b.threshold)), default=ZERO)
    for condition, cap in item.caps:
        if condition.holds(metrics):
            points = min(points, cap)
    for condition, extra in item.bonuses:
        if condition.holds(metrics):
            points += extra
    return min(points, item.max_points), False


def _label(item: ItemSpec) -> str:
    label = item.label or item.title
    return label[:1].upper() + label[1:]


def _points_text(points: Decimal, item: ItemSpec) -> str:
    return f"{vn_number(points)}/{vn_number(item.max_points)} điểm"


def _explain_computed(item: ItemSpec, metrics: Mapping[str, Any], points: Decimal, missing: bool) -> str:
    """As a person would write it: "Tỷ lệ dự họp: 87,5% (14/16, 2 miễn), 4/5 điểm"; a yes/no measure is met or
    not ("Tài liệu có trước 1 ngày: đạt, 5/5 điểm")."""
    if missing:
        return f"{_label(item)}: không có số liệu, {_points_text(points, item)}"
    value = metrics[item.metric]
    if isinstance(value, bool):
        shown = "đạt" if value else "không đạt"
    else:
        shown = vn_number(value) + item.unit + _detail(item.detail, metrics)
    return f"{_label(item)}: {shown}, {_points_text(points, item)}"


def judged_points(item: ItemSpec, value: Any) -> Decimal:
    """A judged number must lie in 0..max; a checklist is a list of booleans, one per line, summing its points."""
    if item.kind == JUDGED_NUMBER:
        points = dec(value)
        if not ZERO <= points <= item.max_points:
            raise ValueError(f"{item.code}: {value} is outside 0..{item.max_points}")
        return points
    if item.kind == JUDGED_CHECKLIST:
        ticks = list(value)
        if len(ticks) != len(item.checklist):
            raise ValueError(f"{item.code}: {len(ticks)} answers for {len(item.checklist)} lines")
        total = sum((points for (_, points), tick in zip(item.checklist, ticks, strict=True) if tick), ZERO)
        return min(total, item.max_points)
    raise ValueError(item.kind)


def _score_item(item: ItemSpec, category: str, metrics, judged) -> ItemResult:
    if item.kind == COMPUTED:
        points, missing = computed_points(item, metrics)
        if missing and item.code in judged:  # a computed item without data may be judged by hand instead
            points = min(max(dec(judged[item.code]), ZERO), item.max_points)
            explanation = f"{_label(item)}: không có số liệu, chấm tay {_points_text(points, item)}"
            return ItemResult(item.code, category, points, item.max_points, explanation)
        return ItemResult(
            item.code, category, points, item.max_points, _explain_computed(item, metrics, points, missing), missing
        )
    if item.code not in judged:
        return ItemResult(item.code, category, ZERO, item.max_points, "", missing=True)
    return ItemResult(item.code, category, judged_points(item, judged[item.code]), item.max_points)


# ---------------------------------------------------------------------------------------------- levels


def level_for(spec: RubricSpec, total: Decimal) -> str:
    for code, threshold in spec.levels:
        if total >= threshold:
            return code
    return spec.levels[-1][0]


def worse(spec: RubricSpec, a: str, b: str) -> str:
    order = spec.level_codes
    return a if order.index(a) >= order.index(b) else b


def score_meeting(spec: RubricSpec, metrics: Mapping[str, Any], judged: Mapping[str, Any] | None = None) -> ScoreResult:
    """Points per item, category totals capped at their maximum, the total, and the level after knock-outs."""
    judged = judged or {}
    items: list[ItemResult] = []
    categories: dict[str, Decimal] = {}
    for category in spec.categories:
        rows = [_score_item(item, category.code, metrics, judged) for item in category.items]
        items.extend(rows)
        categories[category.code] = min(sum((r.points for r in rows), ZERO), category.max_points)
    total = sum(categories.values(), ZERO)
    by_points = level = level_for(spec, total)
    full_items = {r.code for r in items if r.full}
    max_by_category = {c.code: c.max_points for c in spec.categories}
    knocked = []
    for ko in spec.knockouts:
        hit = (
            any(code not in full_items for code in ko.items_full)
            or any(categories[code] < max_by_category[code] for code in ko.categories_full)
            or any(c.holds(metrics) for c in ko.conditions)
        )
        if hit and worse(spec, level, ko.max_level) != level:
            level = ko.max_level
            knocked.append(ko.code)
    return ScoreResult(tuple(items), categories, total, spec.max_points, by_points, level, tuple(knocked))


# ---------------------------------------------------------------------------------------------- roll-up


def _at_least(spec: RubricSpec, levels: Sequence[str], level: str) -> int:
    """How many of the months reached ``level`` or better."""
    rank = spec.level_codes.index(level)
    return sum(1 for lv in levels if spec.level_codes.index(lv) <= rank)


def annual_level(spec: RubricSpec, monthly_levels: Sequence[str]) -> str:
    """The year's level from the regular meetings' levels under the rubric's roll-up rule:

    ``{"tiers": [{"level": "tot", "all_at_least": "kha", "at_least": [["tot", 7]]}, …], "otherwise": "kem"}``
    — the first tier whose conditions all hold wins; ``at_least`` counts months at that level or better;
    ``at_least_share`` is the same as a fraction of the months."""
    rule = spec.annual_rollup or {}
    months = list(monthly_levels)
    for tier in rule.get("tiers", ()):
        floor = tier.get("all_at_least")
        if floor and _at_least(spec, months, floor) != len(months):
            continue
        if any(_at_least(spec, months, lv) < n for lv, n in tier.get("at_least", ())):
            continue
        if any(
            not months or _at_least(spec, months, lv) < share * len(months)
            for lv, share in tier.get("at_least_share", ())
        ):
            continue
        return tier["level"]
    return rule.get("otherwise", spec.levels[-1][0])
