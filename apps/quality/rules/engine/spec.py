"""A rubric as plain frozen dataclasses, and the dict format it is read from (rules/rubrics/, JSON imports).

Comparison semantics (docs/scoring.md §Bands):
- a computed item names a ``metric`` and an ``op``: ``"gte"`` (higher is better, the default) or ``"lte"`` (lower is
  better, e.g. minutes short of the norm). A band ``[threshold, points]`` holds when ``value op threshold``; a
  band may carry its own op as a third element (``[50, 5, "gt"]``: strictly above 50 %).
- the item scores the **highest** points among the bands that hold (0 if none): since every band is an up-set in
  the "better" direction, the score is monotone in the metric whatever order the bands are written in.
- ``caps`` ``[metric, op, threshold, points]``: when the condition holds, the item scores at most ``points`` (e.g.
  any unexcused absence caps attendance at 1).
- ``bonuses`` ``[metric, op, threshold, points]``: added after the caps when the condition holds (e.g. +1 if nobody
  was absent with reason more than 3 times running); the item never exceeds its maximum.
- booleans count as 1 (true) and 0 (false).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

OPS = ("gte", "gt", "lte", "lt", "eq")
JUDGED_NUMBER, JUDGED_CHECKLIST, COMPUTED = "judged_number", "judged_checklist", "computed"
KINDS = (JUDGED_NUMBER, JUDGED_CHECKLIST, COMPUTED)


def compare(value: float, op: str, threshold: float) -> bool:
    if op == "gte":
        return value >= threshold
    if op == "gt":
        return value > threshold
    if op == "lte":
        return value <= threshold
    if op == "lt":
        return value < threshold
    if op == "eq":
        return value == threshold
    raise ValueError(op)


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Condition:
    metric: str
    op: str
    threshold: float

    def holds(self, metrics: Mapping[str, Any]) -> bool | None:
        """None when the metric is missing."""
        value = metrics.get(self.metric)
        if value is None:
            return None
        return compare(float(value), self.op, self.threshold)


@dataclass(frozen=True)
class Band:
    threshold: float
    points: Decimal
    op: str | None = None  # None: the item's op


@dataclass(frozen=True)
class ItemSpec:
    code: str
    title: str
    kind: str
    max_points: Decimal
    metric: str = ""
    op: str = "gte"
    bands: tuple[Band, ...] = ()
    caps: tuple[tuple[Condition, Decimal], ...] = ()
    bonuses: tuple[tuple[Condition, Decimal], ...] = ()  # added after caps, the item still capped at max
    checklist: tuple[tuple[str, Decimal], ...] = ()  # (label, points)
    label: str = ""  # Vietnamese name of the metric in explanations, e.g. "tỷ lệ dự họp"
    unit: str = ""  # "%", " phút", or "" (a yes/no measure is shown as đạt/không đạt)
    detail: str = ""  # str.format template over the metrics, e.g. "({attendance_present}/{attendance_expected})"
    missing_points: Decimal = Decimal(0)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown item kind {self.kind!r}")
        if self.kind == COMPUTED and not (self.metric and self.bands):
            raise ValueError(f"computed item {self.code} needs a metric and bands")
        if self.op not in OPS or any(b.op not in (None, *OPS) for b in self.bands):
            raise ValueError(f"unknown comparison in item {self.code}")
        if any(b.points > self.max_points or b.points < 0 for b in self.bands):
            raise ValueError(f"a band of item {self.code} is outside 0..{self.max_points}")


@dataclass(frozen=True)
class CategorySpec:
    code: str
    title: str
    max_points: Decimal
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class KnockOut:
    """If any condition holds (or a listed item/category is short of full marks), the level is at most
    ``max_level``. A knock-out can only lower a level."""

    code: str
    title: str
    max_level: str
    items_full: tuple[str, ...] = ()
    categories_full: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class RubricSpec:
    code: str
    name: str
    categories: tuple[CategorySpec, ...]
    levels: tuple[tuple[str, Decimal], ...]  # best first: (("tot", 90), ("kha", 70), ...); the last is the floor
    knockouts: tuple[KnockOut, ...] = ()
    annual_rollup: dict = field(default_factory=dict)
    version: int = 1

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.categories), Decimal(0))

    @property
    def level_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.levels)

    def items(self):
        for category in self.categories:
            yield from category.items

    def __post_init__(self):
        codes = self.level_codes
        if not codes or list(t for _, t in self.levels) != sorted((t for _, t in self.levels), reverse=True):
            raise ValueError("levels must be given best first with decreasing thresholds")
        for ko in self.knockouts:
            if ko.max_level not in codes:
                raise ValueError(f"knock-out {ko.code} names an unknown level {ko.max_level}")


# ---------------------------------------------------------------------------------------------- dict format


def _condition(raw) -> Condition:
    metric, op, threshold = raw
    return Condition(metric, op, float(threshold))


def item_from_dict(raw: dict) -> ItemSpec:
    return ItemSpec(
        code=raw["code"],
        title=raw["title"],
        kind=raw["kind"],
        max_points=dec(raw["max_points"]),
        metric=raw.get("metric", ""),
        op=raw.get("op", "gte"),
        bands=tuple(Band(float(b[0]), dec(b[1]), b[2] if len(b) > 2 else None) for b in raw.get("bands", ())),
        caps=tuple((_condition(c[:3]), dec(c[3])) for c in raw.get("caps", ())),
        bonuses=tuple((_condition(c[:3]), dec(c[3])) for c in raw.get("bonuses", ())),
        checklist=tuple((label, dec(points)) for label, points in raw.get("checklist", ())),
        label=raw.get("label", ""),
        unit=raw.get("unit", ""),
        detail=raw.get("detail", ""),
        missing_points=dec(raw.get("missing_points", 0)),
    )


def knockout_from_dict(raw: dict) -> KnockOut:
    return KnockOut(
        code=raw["code"],
        title=raw["title"],
        max_level=raw["max_level"],
        items_full=tuple(raw.get("items_full", ())),
        categories_full=tuple(raw.get("categories_full", ())),
        conditions=tuple(_condition(c) for c in raw.get("conditions", ())),
    )


def spec_from_dict(raw: dict) -> RubricSpec:
    """The rubric dict format of the shipped sheets (rules/rubrics/) and of a JSON file a committee imports."""
    categories = tuple(
        CategorySpec(
            code=c["code"],
            title=c["title"],
            max_points=dec(c["max_points"]),
            items=tuple(item_from_dict(i) for i in c["items"]),
        )
        for c in raw["categories"]
    )
    return RubricSpec(
        code=raw["code"],
        name=raw["name"],
        categories=categories,
        levels=tuple((code, dec(threshold)) for code, threshold in raw["levels"]),
        knockouts=tuple(knockout_from_dict(k) for k in raw.get("knockouts", ())),
        annual_rollup=raw.get("annual_rollup", {}),
        version=raw.get("version", 1),
    )
