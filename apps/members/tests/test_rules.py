from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.members.rules import member as rules


@pytest.mark.parametrize(
    ("admitted", "due"),
    [
        (date(2025, 3, 5), date(2026, 3, 5)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_confirmation_is_due_twelve_months_after_admission(admitted, due):
    assert rules.confirmation_due_on(admitted) == due


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)), st.integers(-240, 240))
def test_add_months_lands_in_the_right_month(day, months):
    result = rules.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


def test_exemption_periods():
    periods = [(date(2025, 1, 1), date(2025, 6, 30)), (date(2026, 1, 1), None)]
    assert rules.in_force_on(periods, date(2025, 6, 30))
    assert not rules.in_force_on(periods, date(2025, 7, 1))
    assert rules.in_force_on(periods, date(2030, 1, 1))


def test_member_dates_that_cannot_be_true():
    today = date(2026, 11, 25)
    errors = rules.member_date_errors(
        date_of_birth=date(2027, 1, 1), admitted_on=date(2026, 1, 1), official_on=date(2025, 1, 1), today=today
    )
    assert set(errors) == {"date_of_birth", "admitted_on", "official_on"}
    assert not rules.member_date_errors(
        date_of_birth=date(1970, 1, 1), admitted_on=date(1995, 1, 1), official_on=date(1996, 1, 1), today=today
    )
