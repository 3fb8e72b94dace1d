"""Membership watch rules (DOMAIN.md §9): table tests from the Statute's numbers and Hypothesis properties."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.members.rules import watch


@pytest.mark.parametrize(
    ("months", "level"),
    [(0, "none"), (1, "none"), (2, "warning"), (3, "alert"), (4, "alert"), (12, "alert")],
)
def test_removal_level_warns_at_two_and_alerts_at_three(months, level):
    assert watch.removal_level(months) == level


def test_thresholds_are_settings(settings):
    settings.CHIBO_WATCH_WARNING_MONTHS = 1
    settings.CHIBO_WATCH_ALERT_MONTHS = 4
    settings.CHIBO_WATCH_EXCUSED_STREAK = 1
    assert [watch.removal_level(n) for n in (0, 1, 3, 4)] == ["none", "warning", "warning", "alert"]
    assert watch.streak_breaks_criterion(2)


@given(st.integers(0, 12), st.integers(0, 12))
def test_level_is_monotone_in_months(a, b):
    low, high = sorted((a, b))
    assert watch.LEVEL_RANK[watch.removal_level(low)] <= watch.LEVEL_RANK[watch.removal_level(high)]


@given(st.integers(0, 12), st.integers(0, 12))
def test_member_level_is_the_higher_of_absence_and_dues(absence, unpaid):
    level = watch.member_level(absence_months=absence, unpaid=unpaid)
    assert watch.LEVEL_RANK[level] == max(
        watch.LEVEL_RANK[watch.removal_level(absence)], watch.LEVEL_RANK[watch.removal_level(unpaid)]
    )


def test_months_with_unexcused_absence_counts_each_month_once():
    rows = [(2, "unexcused"), (2, "unexcused"), (3, "excused"), (5, "present"), (9, "unexcused")]
    assert watch.months_with_unexcused_absence(rows) == [2, 9]


@pytest.mark.parametrize(
    ("recorded", "counted", "exempt", "expected"),
    [
        ({1: "paid", 2: "unpaid"}, [], [], [2]),
        ({1: "paid"}, [1, 2, 3], [], [2, 3]),  # no row for a recorded, ended month: unpaid
        ({1: "paid"}, [1, 2, 3], [3], [2]),  # exempted from party work that month
        ({1: "exempt", 2: "reduced"}, [1, 2], [], []),
        ({4: "unpaid"}, [], [4], [4]),  # a row saying unpaid counts even when exempted
    ],
)
def test_unpaid_months(recorded, counted, exempt, expected):
    assert watch.unpaid_months(recorded, counted_months=counted, exempt_months=exempt) == expected


@pytest.mark.parametrize(
    ("statuses", "streak"),
    [
        ([], 0),
        (["excused"] * 4, 4),
        (["excused", "excused", "present", "excused"], 2),
        (["excused", "exempt", "excused", "excused"], 3),  # an exempt meeting does not end the run
        (["excused", "unexcused", "excused"], 1),
        (["late", "excused", "excused", "excused", "excused", "present"], 4),
    ],
)
def test_excused_streak(statuses, streak):
    assert watch.excused_streak(statuses) == streak


def test_streak_of_more_than_three_breaks_the_criterion():
    assert not watch.streak_breaks_criterion(3)
    assert watch.streak_breaks_criterion(4)


@given(st.lists(st.sampled_from(["present", "late", "excused", "unexcused", "exempt"]), max_size=30))
def test_streak_is_bounded_by_excused_count(statuses):
    assert 0 <= watch.excused_streak(statuses) <= statuses.count("excused")


def test_months_overlapping_and_ended_months():
    assert watch.months_overlapping([(date(2025, 11, 20), None)], 2025) == {11, 12}
    assert watch.months_overlapping([(date(2024, 1, 1), date(2025, 2, 1))], 2025) == {1, 2}
    assert watch.months_overlapping([(date(2025, 3, 31), date(2025, 4, 1))], 2025) == {3, 4}
    assert watch.ended_months(2025, today=date(2025, 4, 15), admitted_on=date(2025, 2, 10)) == [2, 3]
    assert watch.ended_months(2024, today=date(2025, 1, 1), admitted_on=date(2000, 1, 1)) == list(range(1, 13))


@pytest.mark.parametrize(
    ("basis", "income", "percent", "fixed", "expected"),
    [
        ("salary", Decimal("8450000"), None, None, Decimal("84500")),  # 1 % of the social-insurance salary
        ("pension", Decimal("6000000"), None, None, Decimal("30000")),  # 0.5 % of a pension
        ("salary", Decimal("1234567"), Decimal("1"), None, Decimal("12346")),  # whole đồng, half up
        ("fixed", None, None, Decimal("20000"), Decimal("20000")),
        ("salary", None, None, None, None),
    ],
)
def test_dues_amount(basis, income, percent, fixed, expected):
    assert watch.dues_amount(basis=basis, monthly_income=income, percent=percent, fixed_amount=fixed) == expected


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_dues_amount_grows_with_income(a, b):
    low, high = sorted((a, b))
    amount = watch.dues_amount  # 1 % by default
    assert amount(basis="salary", monthly_income=Decimal(low), percent=None, fixed_amount=None) <= amount(
        basis="salary", monthly_income=Decimal(high), percent=None, fixed_amount=None
    )
