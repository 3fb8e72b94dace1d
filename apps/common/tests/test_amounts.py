"""Amounts in đồng are typed as offices write them."""

from decimal import Decimal

import pytest
from django import forms

from apps.common.forms import amount_field


class AmountForm(forms.Form):
    amount = amount_field(maximum=Decimal(100_000_000))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("50000", 50_000), ("50.000", 50_000), ("1.250.000", 1_250_000), ("50 000", 50_000), ("0", 0)],
)
def test_thousands_separators_are_read_as_vietnamese_offices_write_them(typed, amount):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize("typed", ["50.5", "5.00.000", "-1", "100.000.001", "abc", "1e12"])
def test_other_shapes_are_refused_in_vietnamese(typed):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
