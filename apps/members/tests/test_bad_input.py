"""Bad input on the members' pages gets a Vietnamese message or the page's default, and nothing is written (issue
10, defect 12): junk in the dues page's month, amounts and dates out of any plausible range."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.members.models import Dues, DuesRate, Member, MemberDuesBasis
from apps.members.services import dues as services_dues
from apps.members.services.dues import DuesEntry
from apps.members.tests.test_dues_views import month_post, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "month", ["9999-12", "2100-12", "0-1", "2026-13", "2026-00", "abc", "10000-01", "-1-5", "٢٠٢٦-٣"]
)
def test_junk_in_the_month_shows_this_month(world, client_for, month):
    """Before: ?month=9999-12 computed the next month, year 10000, and the page failed."""
    response = client_for(world.secretary).get(reverse("members:dues", args=[world.cell_a1.pk]) + f"?month={month}")
    assert response.status_code == 200
    shown = response.context["month"]
    assert shown == timezone.localdate().replace(day=1) or (month == "2100-12" and shown == date(2100, 12, 1))


def test_the_last_month_served_still_has_its_neighbours(world, client_for):
    response = client_for(world.secretary).get(reverse("members:dues", args=[world.cell_a1.pk]) + "?month=2100-12")
    assert response.status_code == 200 and response.context["following"] == date(2101, 1, 1)


@pytest.mark.parametrize("amount", ["100000001", "1e12", "-1", "12.5"])
def test_an_amount_out_of_range_is_a_message_and_nothing_is_saved(world, client_for, amount):
    before = state()
    plain = world.plain_member
    response = client_for(world.secretary).post(
        reverse("members:dues", args=[world.cell_a1.pk]) + "?month=2026-03",
        month_post(world, **{f"amount_{plain.pk}": amount}),
    )
    assert response.status_code == 200 and state() == before
    assert response.context["form"].errors[f"amount_{plain.pk}"] == ["Nhập số tiền từ 0 đến 100.000.000 đồng."]


def test_the_dues_service_refuses_an_absurd_amount_too(world):
    entry = DuesEntry(member=world.plain_member, status="paid", amount=Decimal("1e12"))
    with pytest.raises(ValidationError):
        services_dues.dues_record_month(cell=world.cell_a1, month=date(2026, 3, 1), entries=[entry])
    assert not Dues.objects.exists()


def test_a_rate_and_a_basis_out_of_range_are_refused(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("members:dues_rates", args=[world.commune_a.pk]),
        {"basis": "fixed", "fixed_amount": "1000000000", "effective_from": "01/01/0001"},
    )
    assert response.status_code == 200 and not DuesRate.objects.filter(organization=world.commune_a).exists()
    errors = response.context["form"].errors
    assert errors["fixed_amount"] == ["Nhập số tiền từ 0 đến 100.000.000 đồng."]
    assert errors["effective_from"] == ["Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."]
    response = client_for(world.secretary).post(
        reverse("members:dues_basis", args=[world.plain_member.pk]),
        {"basis": "salary", "monthly_income": "1e15", "effective_from": "01/03/2026"},
    )
    assert response.status_code == 200 and not MemberDuesBasis.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed"), [("date_of_birth", "01/01/0001"), ("admitted_on", "31/12/9999"), ("joined_on", "01/01/1800")]
)
def test_a_members_absurd_date_is_a_form_error(world, client_for, field, typed):
    before = Member.objects.count()
    data = {
        "full_name": "Đỗ Thị Mới",
        "gender": "female",
        "date_of_birth": "02/09/1990",
        "admitted_on": "03/02/2026",
        "status": "probationary",
        "joined_on": "03/02/2026",
        field: typed,
    }
    response = client_for(world.secretary).post(reverse("members:create", args=[world.cell_a1.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors[field][0].startswith("Nhập ngày trong")
    assert Member.objects.count() == before


def test_a_null_character_is_refused_in_vietnamese(world, client_for):
    """Django's own message for it is missing from its Vietnamese catalogue: ours has it."""
    response = client_for(world.secretary).post(
        reverse("members:edit", args=[world.plain_member.pk]),
        {"full_name": "Lê Văn\x00Đảng Viên", "gender": "male", "status": "official"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["Không được nhập ký tự rỗng (null)."]
