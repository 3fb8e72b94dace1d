"""Annual grading by Quy định 366-QĐ/TW (DOMAIN.md §8) as plain functions over plain values. No ORM, no request.

A rule is data (``GradingRule.levels``, shipped by a data migration):

    {"levels": [{"code": "htxsnv", "min_points": 90, "conditions": {...}}, ..., {"code": "khtnv", "min_points": 0}],
     "disqualifiers": ["disciplined", "disunity", "under_half_targets"],
     "quota_htxsnv_percent_of_httnv": 20}

Levels are listed best first. Conditions can only lower a level: the points give the highest level reachable, then
each level whose conditions the facts do not meet is skipped downwards; a disqualifier gives the lowest level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

HTXSNV, HTTNV, HTNV, KHTNV = "htxsnv", "httnv", "htnv", "khtnv"
ORDER = (HTXSNV, HTTNV, HTNV, KHTNV)  # best first


def level_codes(rule: Mapping) -> list[str]:
    return [level["code"] for level in rule["levels"]]


def rank(level: str, rule: Mapping | None = None) -> int:
    """0 for the best level; larger is worse."""
    codes = level_codes(rule) if rule else list(ORDER)
    return codes.index(level)


def _meets(conditions: Mapping, facts: Mapping) -> bool:
    total = facts.get("tasks_total") or 0
    late = facts.get("tasks_late") or 0
    if conditions.get("all_on_time") and late > 0:
        return False
    max_late = conditions.get("max_late_percent")
    if max_late is not None and total and late * 100 > max_late * total:
        return False
    min_exceeding = conditions.get("min_exceeding_percent")
    exceeding = facts.get("exceeding_percent")  # None: not measured by the system, left to the appraisers
    if min_exceeding is not None and exceeding is not None and exceeding < min_exceeding:
        return False
    return not (
        conditions.get("collective_nobody_disciplined") and facts.get("collective") and facts.get("members_disciplined")
    )


def disqualified(facts: Mapping, rule: Mapping) -> bool:
    """A disqualifier of the rule holds: disciplined in the year, internal disunity, under half of targets met."""
    checks = {
        "disciplined": bool(facts.get("disciplined")),
        "disunity": bool(facts.get("disunity")),
        "under_half_targets": bool(facts.get("targets_total"))
        and (facts.get("targets_met") or 0) * 2 < facts["targets_total"],
    }
    return any(checks.get(name, False) for name in rule.get("disqualifiers", ()))


def grade(points: Decimal | int | float, facts: Mapping, rule: Mapping) -> str:
    """The level for ``points`` (0–100) under the rule, lowered by unmet conditions and disqualifiers."""
    levels = rule["levels"]
    lowest = levels[-1]["code"]
    if disqualified(facts, rule):
        return lowest
    start = next((i for i, level in enumerate(levels) if points >= level["min_points"]), len(levels) - 1)
    for level in levels[start:]:
        if _meets(level.get("conditions", {}), facts):
            return level["code"]
    return lowest


@dataclass(frozen=True)
class Quota:
    count: int  # graded HTXSNV
    limit: int | None  # the most allowed (None: the rule sets no quota)

    @property
    def ok(self) -> bool:
        return self.limit is None or self.count <= self.limit


def quota_check(levels: Iterable[str], rule: Mapping) -> Quota:
    """HTXSNV at most ``quota`` % of those graded HTTNV or better (2019 guidance; a setting, unconfirmed now)."""
    levels = list(levels)
    percent = rule.get("quota_htxsnv_percent_of_httnv")
    count = sum(1 for level in levels if level == HTXSNV)
    if percent is None:
        return Quota(count, None)
    base = sum(1 for level in levels if level in (HTXSNV, HTTNV))
    return Quota(count, int(base * percent // 100))


def htxsnv_quota(decided: Iterable[str], expected: Iterable[str], rule: Mapping, *, adding: str = "") -> Quota:
    """The HTXSNV quota of a grassroots organisation as the level above applies it: the limit over the decided
    levels and the appraised levels not decided yet (so that decisions may come in any order), the count over the
    decided ones — plus ``adding``, the level about to be decided."""
    decided = list(decided)
    limit = quota_check([*decided, *expected, *([adding] if adding else [])], rule).limit
    return Quota(sum(1 for level in [*decided, adding] if level == HTXSNV), limit)


def share_at_least(levels: Iterable[str], level: str, rule: Mapping | None = None) -> Decimal | None:
    """Percent (one decimal) of the graded levels at ``level`` or better; None when nothing is graded."""
    levels = [value for value in levels if value]
    if not levels:
        return None
    bar = rank(level, rule)
    good = sum(1 for value in levels if rank(value, rule) <= bar)
    return (Decimal(good) * 100 / len(levels)).quantize(Decimal("0.1"))
