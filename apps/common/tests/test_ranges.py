"""The plausible ranges (apps.common.rules) and the messages that say them; Django's own messages that its
Vietnamese catalogue lacks now read in Vietnamese (issue 10, defect 12)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from apps.common import rules
from apps.common.django_messages import MESSAGES
from apps.common.forms import amount_field, dates_within, dong, record_date_field
from apps.common.views import year_param
from apps.members.models import Member


@pytest.mark.parametrize(("year", "ok"), [(1999, False), (2000, True), (2026, True), (2100, True), (2101, False)])
def test_years_served(year, ok):
    assert rules.year_ok(year) is ok


def test_meeting_dates_are_around_today():
    low, high = rules.meeting_dates(date(2026, 6, 15))
    assert (low, high) == (date(2021, 1, 1), date(2028, 12, 31))
    assert rules.within(date(2026, 12, 6), (low, high)) and not rules.within(date(1, 1, 1), (low, high))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, Decimal(10)), ("2.5", Decimal("2.5")), (1e12, None), ("NaN", None), ("abc", None), (True, None),
     (None, None), ([1], None), (-1, None), ("Infinity", None)],
)  # fmt: skip
def test_number_in_range(value, expected):
    assert rules.number_in_range(value, low=Decimal(0), high=rules.POINTS_MAX) == expected


@pytest.mark.parametrize("typed", ["0", "?year=0", "99999", "abc", "-5", "²"])
def test_year_param_falls_back_to_this_year(typed):
    request = RequestFactory().get("/", {"year": typed})
    assert rules.year_ok(year_param(request))


def test_the_form_helpers_say_the_range_in_vietnamese():
    class Sample(forms.Form):
        on = record_date_field(label="ngày")
        at = dates_within(forms.DateTimeField(), lambda: (date(2020, 1, 1), date(2030, 12, 31)))
        amount = amount_field(maximum=rules.DUES_MAX, required=False)

    with translation.override("vi"):
        form = Sample({"on": "01/01/0001", "at": "01/01/0001 00:00", "amount": "1e12"})
        assert not form.is_valid()
        assert form.errors["on"] == ["Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."]
        assert form.errors["at"] == ["Nhập ngày trong khoảng từ 01/01/2020 đến 31/12/2030."]
        assert form.errors["amount"] == ["Nhập số tiền từ 0 đến 100.000.000 đồng."]
        ok = Sample({"on": "05/03/2026", "at": "05/03/2026 19:30", "amount": "50000"})
        assert ok.is_valid() and ok.cleaned_data["at"] == datetime(
            2026, 3, 5, 19, 30, tzinfo=ok.cleaned_data["at"].tzinfo
        )
    assert dong(Decimal(100_000_000)) == "100.000.000"


def test_djangos_missing_vietnamese_messages_are_in_our_catalogue():
    with translation.override("vi"):
        untranslated = [m for m in MESSAGES if translation.gettext(m) == m]
    assert not untranslated


def test_a_model_validation_message_reads_in_vietnamese():
    member = Member(full_name="x", date_of_birth="ngày mai")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        member.clean_fields(exclude=[f.name for f in Member._meta.fields if f.name != "date_of_birth"])
    assert refused.value.message_dict["date_of_birth"] == [
        "“ngày mai” không đúng dạng ngày: phải viết theo dạng YYYY-MM-DD."
    ]
