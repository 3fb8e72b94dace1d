"""Party dues: a cell's month in one form, a member's year, rates and bases as data (DOMAIN.md §9)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.testing import snapshot
from apps.members.models import Dues
from apps.members.queries import dues as queries_dues
from apps.members.services import dues as services_dues
from apps.members.services.dues import DuesEntry
from apps.members.testing import add_member

MONTH = date(2026, 3, 1)


def dues_url(cell, month=MONTH):
    return reverse("members:dues", args=[cell.pk]) + f"?month={month:%Y-%m}"


state = snapshot(Dues.objects.order_by("pk").values_list("member_id", "month", "status", "amount", "note"))


def month_post(world, **overrides):
    data = {}
    for m in (world.secretary_member, world.plain_member):
        data |= {f"status_{m.pk}": "paid", f"amount_{m.pk}": "50000", f"note_{m.pk}": ""}
    return data | overrides


@pytest.mark.django_db
def test_secretary_records_the_cells_month_in_one_form(world, client_for):
    client = client_for(world.secretary)
    assert client.get(dues_url(world.cell_a1)).status_code == 200
    plain = world.plain_member
    response = client.post(
        dues_url(world.cell_a1),
        month_post(
            world, **{f"status_{plain.pk}": "reduced", f"amount_{plain.pk}": "20000", f"note_{plain.pk}": "Hộ nghèo"}
        ),
    )
    assert response.status_code == 302
    rows = {d.member: d for d in Dues.objects.filter(month=MONTH)}
    assert rows[world.secretary_member].status == "paid" and rows[world.secretary_member].amount == 50000
    assert rows[plain].status == "reduced" and rows[plain].note == "Hộ nghèo" and rows[plain].paid_on
    assert rows[plain].recorded_by == world.secretary
    # Correcting the month updates the rows, never duplicates them.
    client.post(
        dues_url(world.cell_a1), month_post(world, **{f"status_{plain.pk}": "unpaid", f"amount_{plain.pk}": ""})
    )
    plain_row = Dues.objects.get(member=plain, month=MONTH)
    assert (plain_row.status, plain_row.amount, plain_row.paid_on) == ("unpaid", 0, None)
    assert Dues.objects.filter(month=MONTH).count() == 2


@pytest.mark.django_db
def test_an_invalid_line_saves_nothing(world, client_for):
    plain = world.plain_member
    response = client_for(world.secretary).post(
        dues_url(world.cell_a1),
        month_post(world, **{f"status_{plain.pk}": "exempt"}),  # amount given, no reason
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert state() == []


def test_entry_rules():
    member = None
    assert set(services_dues.entry_errors(DuesEntry(member, "paid", None))) == {"amount"}
    assert set(services_dues.entry_errors(DuesEntry(member, "reduced", Decimal(1000)))) == {"note"}
    assert services_dues.entry_errors(DuesEntry(member, "unpaid", None)) == {}
    assert services_dues.entry_errors(DuesEntry(member, "exempt", None, "50 năm tuổi Đảng")) == {}


@pytest.mark.django_db
def test_service_refuses_a_member_of_another_cell(world):
    with pytest.raises(ValidationError):
        services_dues.dues_record_month(
            cell=world.cell_a1, month=MONTH, entries=[DuesEntry(world.a2_member, "paid", Decimal(1000))]
        )
    assert state() == []


@pytest.mark.django_db
def test_amount_is_suggested_from_basis_and_rate_or_last_payment(world):
    sec, plain = world.secretary_member, world.plain_member
    services_dues.dues_basis_set(
        member=sec, basis="pension", monthly_income=Decimal(6_000_000), effective_from=date(2026, 1, 1)
    )
    Dues.objects.create(member=plain, month=date(2026, 1, 1), amount=40000, status="paid")
    lines = {
        line.member: line.suggested
        for line in queries_dues.dues_sheet(world.secretary, cell=world.cell_a1, month=MONTH, action="manage")
    }
    assert lines == {sec: Decimal(30000), plain: Decimal(40000)}  # 0.5 % of the pension; the last amount paid
    # The province sets 0.6 % from February, the commune 0.4 % from March: the newest in force wins.
    services_dues.dues_rate_set(
        organization=world.province, basis="pension", percent=Decimal("0.6"), effective_from=date(2026, 2, 1)
    )
    services_dues.dues_rate_set(
        organization=world.commune_a, basis="pension", percent=Decimal("0.4"), effective_from=date(2026, 3, 1)
    )
    services_dues.dues_rate_set(
        organization=world.commune_b, basis="pension", percent=Decimal("9"), effective_from=date(2026, 3, 1)
    )
    suggested = queries_dues.suggested_amounts([sec], cell=world.cell_a1, month=date(2026, 2, 1))
    assert suggested == {sec.pk: Decimal(36000)}
    assert queries_dues.suggested_amounts([sec], cell=world.cell_a1, month=MONTH) == {sec.pk: Decimal(24000)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("member_user", 404),
        ("supervisor", 404),
        ("inspector", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_dues_month_needs_manage_rights(world, client_for, persona, expected):
    client = client_for(getattr(world, persona))
    assert client.get(dues_url(world.cell_a1)).status_code == expected
    response = client.post(dues_url(world.cell_a1), month_post(world))
    assert response.status_code == (302 if expected == 200 else 404)
    if expected == 404:
        assert state() == []  # the denied post changed nothing


@pytest.mark.parametrize(
    ("persona", "target", "expected"),
    [
        ("member_user", "plain_member", 200),  # their own dues
        ("member_user", "secretary_member", 404),
        ("secretary", "plain_member", 200),
        ("staff", "a2_member", 200),
        ("supervisor", "a2_member", 200),
        ("supervisor", "plain_member", 404),
        ("outsider", "plain_member", 404),
    ],
)
@pytest.mark.django_db
def test_member_dues_page_is_scoped(world, client_for, persona, target, expected):
    member = getattr(world, target)
    Dues.objects.create(member=member, month=date(2026, 2, 1), amount=31000, status="paid")
    response = client_for(getattr(world, persona)).get(reverse("members:dues_member", args=[member.pk]) + "?year=2026")
    assert response.status_code == expected
    if expected == 200:
        assert "31.000" in response.content.decode()


@pytest.mark.django_db
def test_dues_pages_need_login(world, client):
    for target in (dues_url(world.cell_a1), reverse("members:dues_member", args=[world.plain_member.pk])):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(dues_url(world.cell_a1), month_post(world)).status_code == 302
    assert state() == []


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_dues_month_query_count_is_constant(world, client_for, extra):
    for _ in range(extra):
        member = add_member(world.cell_a1)
        Dues.objects.create(member=member, month=MONTH, amount=50000, status="paid")
        Dues.objects.create(member=member, month=date(2026, 1, 1), amount=45000, status="paid")
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(dues_url(world.cell_a1)).status_code == 200
    # session, user, grants, cell, members, the month's rows, bases in force, rates above the cell, last amounts
    assert len(ctx.captured_queries) == 9, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_member_dues_query_count_is_constant(world, client_for, rows):
    for month in range(1, rows + 1):
        Dues.objects.create(member=world.plain_member, month=date(2026, month, 1), amount=50000, status="paid")
    client = client_for(world.member_user)
    with CaptureQueriesContext(connection) as ctx:
        assert (
            client.get(reverse("members:dues_member", args=[world.plain_member.pk]) + "?year=2026").status_code == 200
        )
    # session, user, grants, member (+cell), the year's dues rows
    assert len(ctx.captured_queries) == 5, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_the_suggested_amounts_can_be_saved_as_shown_and_amounts_read_with_separators(world, client_for):
    """1 % of a salary is rarely a round thousand (127.680 đ): the month's form must take it as it suggests it (a
    browser refuses a value off the input's step, and the secretary could not save the form), and the pages show
    amounts grouped by thousands."""
    from tests.walk import pages  # noqa: PLC0415 (the walk's reading of what a browser would refuse)

    sec = world.secretary_member
    services_dues.dues_basis_set(
        member=sec, basis="salary", monthly_income=Decimal(12_768_000), effective_from=date(2026, 1, 1)
    )
    client = client_for(world.secretary)
    page = client.get(dues_url(world.cell_a1))
    assert f'name="amount_{sec.pk}"' in page.content.decode() and 'value="127680"' in page.content.decode()
    assert pages.refused_as_rendered(pages.parse(page.content)) == []
    Dues.objects.create(member=sec, month=MONTH, amount=127680, status="paid")
    year = client.get(reverse("members:dues_member", args=[sec.pk]) + "?year=2026").content.decode()
    assert "127.680" in year
    basis = client.get(reverse("members:dues_basis", args=[sec.pk])).content.decode()
    assert "12.768.000" in basis
