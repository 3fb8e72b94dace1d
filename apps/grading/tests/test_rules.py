from decimal import Decimal
from importlib import import_module

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.grading.rules import grading as rules
from apps.grading.rules.grading import HTNV, HTTNV, HTXSNV, KHTNV

RULE = import_module("apps.grading.migrations.0002_rule_qd366").QD366
CLEAN = {"tasks_total": 10, "tasks_late": 0, "exceeding_percent": 40}


@pytest.mark.parametrize(
    ("points", "facts", "level"),
    [
        (95, CLEAN, HTXSNV),
        (90, CLEAN, HTXSNV),
        (89.9, CLEAN, HTTNV),
        (95, {**CLEAN, "exceeding_percent": 20}, HTTNV),  # under 30 % exceeding
        (95, {**CLEAN, "exceeding_percent": None}, HTXSNV),  # not measured: left to the appraisers
        (95, {**CLEAN, "tasks_late": 1}, HTNV),  # 10 % late: not all on time, within 20 %
        (75, {**CLEAN, "tasks_late": 2}, HTNV),  # 20 % late is still HTNV
        (75, {**CLEAN, "tasks_late": 3}, KHTNV),  # 30 % late
        (70, CLEAN, HTTNV),
        (69.9, CLEAN, HTNV),
        (50, CLEAN, HTNV),
        (49.9, CLEAN, KHTNV),
        (95, {**CLEAN, "disciplined": True}, KHTNV),
        (95, {**CLEAN, "disunity": True}, KHTNV),
        (95, {**CLEAN, "targets_total": 4, "targets_met": 1}, KHTNV),  # under half of targets
        (95, {**CLEAN, "targets_total": 4, "targets_met": 2}, HTXSNV),  # exactly half is not under half
        (95, {**CLEAN, "collective": True, "members_disciplined": 1}, HTTNV),
        (95, {**CLEAN, "collective": False, "members_disciplined": 1}, HTXSNV),
        (95, {"tasks_total": 0, "tasks_late": 0}, HTXSNV),
    ],
)
def test_grade_table(points, facts, level):
    assert rules.grade(Decimal(str(points)), facts, RULE) == level


facts_strategy = st.fixed_dictionaries(
    {
        "tasks_total": st.integers(0, 30),
        "tasks_late": st.integers(0, 30),
        "exceeding_percent": st.one_of(st.none(), st.integers(0, 100)),
        "disciplined": st.booleans(),
        "disunity": st.booleans(),
        "targets_total": st.integers(0, 10),
        "targets_met": st.integers(0, 10),
        "collective": st.booleans(),
        "members_disciplined": st.integers(0, 3),
    }
)
points_strategy = st.decimals(min_value=0, max_value=100, places=1)


def _by_points(points):
    return next(level["code"] for level in RULE["levels"] if points >= level["min_points"])


@given(points_strategy, facts_strategy)
def test_a_condition_never_raises_a_level(points, facts):
    assert rules.rank(rules.grade(points, facts, RULE)) >= rules.rank(_by_points(points))


@given(points_strategy, points_strategy, facts_strategy)
def test_level_monotone_in_points(a, b, facts):
    low, high = sorted((a, b))
    assert rules.rank(rules.grade(high, facts, RULE)) <= rules.rank(rules.grade(low, facts, RULE))


def test_quota():
    levels = [HTXSNV, HTXSNV] + [HTTNV] * 8 + [HTNV]
    quota = rules.quota_check(levels, RULE)
    assert (quota.count, quota.limit, quota.ok) == (2, 2, True)
    assert not rules.quota_check([HTXSNV] * 3 + [HTTNV] * 7, RULE).ok
    assert rules.quota_check([HTXSNV], {**RULE, "quota_htxsnv_percent_of_httnv": None}).ok


def test_share_at_least():
    assert rules.share_at_least([HTXSNV, HTTNV, HTNV, KHTNV], HTTNV) == Decimal("50.0")
    assert rules.share_at_least([HTNV, HTNV, HTTNV], HTTNV) == Decimal("33.3")
    assert rules.share_at_least(["", None], HTTNV) is None
    assert rules.share_at_least([], HTTNV) is None
