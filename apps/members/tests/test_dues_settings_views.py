"""Dues settings for committee staff and cell secretaries: a committee's rates (data with effective dates, never
edited in place), a member's dues basis (personal data: every reading audited)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.members.models import DuesRate, Member, MemberDuesBasis
from apps.members.services import dues as services_dues
from apps.members.testing import add_member
from apps.orgs.services import tree as org_services

FROM = "01/01/2024"


def rates_url(org):
    return reverse("members:dues_rates", args=[org.pk])


def basis_url(member):
    return reverse("members:dues_basis", args=[member.pk])


rate_state = snapshot(
    DuesRate.objects.order_by("pk").values_list("organization_id", "basis", "percent", "fixed_amount", "effective_from")
)


basis_state = snapshot(
    MemberDuesBasis.objects.order_by("pk").values_list("member_id", "basis", "monthly_income", "effective_from")
)


def rate(org, basis="salary", on=date(2024, 1, 1), percent="1", fixed=None):
    return services_dues.dues_rate_set(
        organization=org,
        basis=basis,
        effective_from=on,
        percent=Decimal(percent) if percent is not None else None,
        fixed_amount=Decimal(fixed) if fixed is not None else None,
    )


# --- dues rates: who sees, who adds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("staff", "cell_a1", 200),
        ("secretary", "cell_a1", 200),
        ("member_user", "cell_a1", 200),  # the rates of their own cell (public regulation data)
        ("secretary", "commune_a", 404),
        ("member_user", "commune_a", 404),
        ("supervisor", "cell_a1", 404),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a1", 404),
    ],
)
@pytest.mark.django_db
def test_rates_page_needs_view_rights_on_the_organisation(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).get(rates_url(getattr(world, org)))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["can_add"] == (persona == "staff" and org == "commune_a")


@pytest.mark.django_db
def test_staff_adds_a_rate_for_their_committee(world, client_for):
    response = client_for(world.staff).post(
        rates_url(world.commune_a), {"basis": "pension", "percent": "0.4", "effective_from": "01/03/2026"}
    )
    assert response.status_code == 302
    assert rate_state() == [(world.commune_a.pk, "pension", Decimal("0.40"), None, date(2026, 3, 1))]


@pytest.mark.django_db
def test_a_fixed_rate_keeps_only_its_amount(world, client_for):
    client_for(world.staff).post(
        rates_url(world.commune_a),
        {"basis": "fixed", "percent": "3", "fixed_amount": "20000", "effective_from": "01/03/2026"},
    )
    assert rate_state() == [(world.commune_a.pk, "fixed", None, Decimal(20000), date(2026, 3, 1))]


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("secretary", "cell_a1", 403),  # sees the cell's rates, may not set them
        ("member_user", "cell_a1", 403),
        ("staff", "cell_a1", 403),  # a cell inherits its committee's rates
        ("inspector", "commune_a", 403),
        ("secretary", "commune_a", 404),
        ("outsider", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_adding_a_rate_without_rights_changes_nothing(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).post(
        rates_url(getattr(world, org)), {"basis": "salary", "percent": "2", "effective_from": FROM}
    )
    assert response.status_code == expected
    assert rate_state() == []


@pytest.mark.django_db
def test_rates_need_login(world, client):
    response = client.post(rates_url(world.commune_a), {"basis": "salary", "percent": "2", "effective_from": FROM})
    assert response.status_code == 302 and "login" in response["Location"]
    assert rate_state() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"basis": "fixed", "fixed_amount": ""}, "fixed_amount"),  # fixed needs an amount
        ({"basis": "salary", "percent": ""}, "percent"),  # salary needs a percent
        ({"basis": "pension", "percent": "150"}, "percent"),  # 0..100
        ({"basis": "pension", "percent": "-1"}, "percent"),
        ({"basis": "salary", "percent": "1", "effective_from": "31/02/2026"}, "effective_from"),
        ({"basis": "tithe", "percent": "1"}, "basis"),
    ],
)
@pytest.mark.django_db
def test_a_bad_rate_is_refused_with_a_message_on_its_field(world, client_for, data, field):
    response = client_for(world.staff).post(rates_url(world.commune_a), {"effective_from": FROM, **data})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert rate_state() == []


@pytest.mark.django_db
def test_a_duplicate_rate_gets_a_clear_message(world, client_for):
    rate(world.commune_a)
    before = rate_state()
    response = client_for(world.staff).post(
        rates_url(world.commune_a), {"basis": "salary", "percent": "2", "effective_from": FROM}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["effective_from"]
    assert rate_state() == before
    # another basis on the same date, or the same basis on another date, is fine
    rate(world.commune_a, basis="pension")
    rate(world.commune_a, on=date(2025, 1, 1))


@pytest.mark.django_db
def test_rate_service_checks_the_figures():
    with pytest.raises(ValidationError) as exc:
        services_dues.dues_rate_set(
            organization=None, basis="salary", effective_from=date(2026, 1, 1), percent=Decimal(101)
        )
    assert set(exc.value.message_dict) == {"percent"}
    with pytest.raises(ValidationError) as exc:
        services_dues.dues_rate_set(organization=None, basis="fixed", effective_from=date(2026, 1, 1))
    assert set(exc.value.message_dict) == {"fixed_amount"}


@pytest.mark.django_db
def test_the_service_refuses_a_duplicate_on_its_date_field(world):
    rate(world.commune_a)
    with pytest.raises(ValidationError) as exc:
        rate(world.commune_a, percent="2")
    assert set(exc.value.message_dict) == {"effective_from"}
    assert DuesRate.objects.count() == 1


@pytest.mark.django_db
def test_inherited_rates_are_read_only_and_the_newest_nearest_is_in_force(world, client_for):
    old_province = rate(world.province, on=date(2024, 1, 1), percent="1")
    province = rate(world.province, on=date(2025, 1, 1), percent="1.2")
    commune = rate(world.commune_a, on=date(2025, 1, 1), percent="1.1")  # same date: the nearer committee wins
    pension = rate(world.province, basis="pension", on=date(2024, 1, 1), percent="0.5")
    other_commune = rate(world.commune_b, on=date(2025, 6, 1), percent="9")
    response = client_for(world.staff).get(rates_url(world.commune_a))
    rows = {r.rate: r for r in response.context["rows"]}
    assert set(rows) == {old_province, province, commune, pension}  # never commune B's
    assert other_commune not in rows
    assert {r for r in rows if rows[r].in_force} == {pension, commune}
    assert rows[province].inherited and not rows[province].can_delete
    assert not rows[commune].inherited
    html = response.content.decode()
    assert f"/members/dues/rates/delete/{province.pk}/" not in html
    # On the cell every row is inherited, and the commune's rate is the one in force.
    cell_rows = {r.rate: r for r in client_for(world.secretary).get(rates_url(world.cell_a1)).context["rows"]}
    assert all(r.inherited for r in cell_rows.values()) and cell_rows[commune].in_force


@pytest.mark.django_db
def test_a_province_page_lists_the_rates_set_below(world, client_for):
    admin = world.staff
    admin.is_superuser = True
    admin.save()
    commune = rate(world.commune_a)
    other = rate(world.commune_b)
    response = client_for(admin).get(rates_url(world.province))
    assert {r.rate for r in response.context["below"]} == {commune, other}
    assert response.context["rows"] == []


@pytest.mark.django_db
def test_only_a_future_rate_may_be_deleted(world, client_for):
    today = timezone.localdate()
    future = rate(world.commune_a, on=today + timedelta(days=30))
    current = rate(world.commune_a, on=today)
    client = client_for(world.staff)
    page = client.get(rates_url(world.commune_a)).content.decode()
    assert f"/members/dues/rates/delete/{future.pk}/" in page
    assert f"/members/dues/rates/delete/{current.pk}/" not in page
    assert client.post(reverse("members:dues_rate_delete", args=[current.pk])).status_code == 302
    assert DuesRate.objects.filter(pk=current.pk).exists()  # dues may have been computed with it
    assert client.post(reverse("members:dues_rate_delete", args=[future.pk])).status_code == 302
    assert not DuesRate.objects.filter(pk=future.pk).exists()


@pytest.mark.parametrize(
    ("persona", "issuer", "expected"),
    [
        ("inspector", "commune_a", 403),
        ("secretary", "commune_a", 404),  # a committee's row is not in the cell secretary's scope
        ("staff", "province", 404),  # inherited from above: read-only
        ("outsider", "commune_a", 404),
        ("member_user", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_deleting_a_rate_without_rights_changes_nothing(world, client_for, persona, issuer, expected):
    future = rate(getattr(world, issuer), on=timezone.localdate() + timedelta(days=30))
    before = rate_state()
    response = client_for(getattr(world, persona)).post(reverse("members:dues_rate_delete", args=[future.pk]))
    assert response.status_code == expected
    assert rate_state() == before


@pytest.mark.django_db
def test_deleting_needs_a_post(world, client_for):
    future = rate(world.commune_a, on=timezone.localdate() + timedelta(days=30))
    assert client_for(world.staff).get(reverse("members:dues_rate_delete", args=[future.pk])).status_code == 405
    assert DuesRate.objects.filter(pk=future.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("per_level", [1, 3])
def test_rates_page_query_count_is_bounded(world, client_for, django_assert_max_num_queries, per_level):
    cell = org_services.organization_create(parent=world.commune_a, kind="cell", code="XA9", name="Chi bộ 9")
    for i in range(per_level):
        rate(world.province, on=date(2020 + i, 1, 1))
        rate(world.commune_a, on=date(2020 + i, 1, 1), basis="pension", percent="0.5")
        rate(world.commune_a, on=date(2020 + i, 1, 1), basis="fixed", percent=None, fixed="10000")
        rate(cell, on=date(2020 + i, 1, 1))  # a row below the commune (entered by an administrator)
    client = client_for(world.staff)
    # session, user, grants, organisation, rates (own, below and above, with their organisations)
    with django_assert_max_num_queries(5):
        response = client.get(rates_url(world.commune_a))
    assert len(response.context["rows"]) == 3 * per_level and len(response.context["below"]) == per_level


# --- a member's dues basis -----------------------------------------------------------------------------------------


def basis_post(**overrides):
    return {"basis": "salary", "monthly_income": "8000000", "effective_from": FROM} | overrides


@pytest.mark.parametrize(
    ("persona", "target", "expected", "can_add"),
    [
        ("secretary", "plain_member", 200, True),
        ("staff", "a2_member", 200, True),
        ("member_user", "plain_member", 200, False),  # their own basis, read-only
        ("supervisor", "a2_member", 200, False),
        ("inspector", "plain_member", 200, False),
        ("member_user", "secretary_member", 404, False),
        ("supervisor", "plain_member", 404, False),
        ("outsider", "plain_member", 404, False),
        ("secretary", "a2_member", 404, False),
    ],
)
@pytest.mark.django_db
def test_basis_page_is_scoped(world, client_for, persona, target, expected, can_add):
    member = getattr(world, target)
    services_dues.dues_basis_set(
        member=member, basis="salary", monthly_income=Decimal(7_654_000), effective_from=date(2024, 1, 1)
    )
    response = client_for(getattr(world, persona)).get(basis_url(member))
    assert response.status_code == expected
    if expected == 200:
        assert "7.654.000" in response.content.decode()
        assert (response.context["form"] is not None) == can_add


@pytest.mark.django_db
def test_secretary_sets_a_basis_and_the_suggestion_follows(world, client_for):
    client = client_for(world.secretary)
    response = client.post(basis_url(world.plain_member), basis_post())
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:dues_member", args=[world.plain_member.pk]
    )
    assert basis_state() == [(world.plain_member.pk, "salary", Decimal(8_000_000), date(2024, 1, 1))]
    page = client.get(basis_url(world.plain_member))
    assert page.context["suggested"] == Decimal(80_000)  # 1 % of the salary (no rate set: the default)
    # The same date again is a correction; a fixed basis keeps no income.
    client.post(basis_url(world.plain_member), basis_post(basis="fixed", monthly_income="5000000"))
    assert basis_state() == [(world.plain_member.pk, "fixed", None, date(2024, 1, 1))]


@pytest.mark.django_db
def test_htmx_post_returns_the_section(world, client_for):
    response = client_for(world.secretary).post(
        basis_url(world.plain_member), basis_post(basis="pension", monthly_income="6000000"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dues-basis"' in html and "<html" not in html
    assert response.context["saved"] and response.context["suggested"] == Decimal(30_000)


@pytest.mark.django_db
def test_htmx_get_returns_only_the_section(world, client_for):
    response = client_for(world.member_user).get(basis_url(world.plain_member), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="dues-basis"' in html and "<html" not in html and "<form" not in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"monthly_income": ""}, "monthly_income"),  # a salary needs the income
        ({"basis": "pension", "monthly_income": "0"}, "monthly_income"),
        ({"monthly_income": "-5"}, "monthly_income"),
        ({"effective_from": "2024-13-01"}, "effective_from"),
        ({"basis": "gold"}, "basis"),
    ],
)
@pytest.mark.django_db
def test_a_bad_basis_is_refused(world, client_for, data, field):
    response = client_for(world.secretary).post(basis_url(world.plain_member), basis_post(**data))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert basis_state() == []


@pytest.mark.parametrize(
    ("persona", "target", "expected"),
    [
        ("member_user", "plain_member", 403),  # may read their own basis, not set it
        ("supervisor", "a2_member", 403),
        ("inspector", "plain_member", 403),
        ("secretary", "a2_member", 404),
        ("outsider", "plain_member", 404),
    ],
)
@pytest.mark.django_db
def test_setting_a_basis_without_rights_changes_nothing(world, client_for, persona, target, expected):
    response = client_for(getattr(world, persona)).post(basis_url(getattr(world, target)), basis_post())
    assert response.status_code == expected
    assert basis_state() == []


@pytest.mark.django_db
def test_basis_needs_login(world, client):
    assert client.get(basis_url(world.plain_member)).status_code == 302
    assert client.post(basis_url(world.plain_member), basis_post()).status_code == 302
    assert basis_state() == []


@pytest.mark.django_db
def test_reading_an_income_is_logged_without_the_income(world, client_for):
    services_dues.dues_basis_set(
        member=world.plain_member, basis="salary", monthly_income=Decimal(9_876_000), effective_from=date(2024, 1, 1)
    )
    client_for(world.inspector).get(basis_url(world.plain_member))
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Member),
        object_pk=str(world.plain_member.pk),
    ).get()
    assert entry.actor == world.inspector
    assert "9876000" not in f"{entry.changes} {entry.object_repr} {entry.additional_data}"


@pytest.mark.django_db
def test_dues_page_loads_the_basis_section(world, client_for):
    html = client_for(world.secretary).get(reverse("members:dues_member", args=[world.plain_member.pk])).content
    assert f'hx-get="{basis_url(world.plain_member)}"'.encode() in html
    # Loading the dues page itself reads no income, so it is not an access to the basis.
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_basis_page_query_count_is_bounded(world, client_for, django_assert_max_num_queries, rows):
    for i in range(rows):
        services_dues.dues_basis_set(
            member=world.plain_member,
            basis="salary",
            monthly_income=Decimal(5_000_000 + i),
            effective_from=date(2020 + i, 1, 1),
        )
        add_member(world.cell_a1)
    ContentType.objects.get_for_model(Member)  # the access log's content type is cached per process
    client = client_for(world.secretary)
    # session, user, grants, member (+cell), bases, suggested amount (bases in force, rates above, last paid),
    # access-log insert
    with django_assert_max_num_queries(9):
        response = client.get(basis_url(world.plain_member))
    assert len(response.context["bases"]) == rows


@pytest.mark.django_db
def test_income_is_never_written_to_the_audit_log(world, client_for):
    client = client_for(world.secretary)
    client.post(basis_url(world.plain_member), basis_post(monthly_income="8123456"))
    entries = LogEntry.objects.filter(content_type__model="memberduesbasis")
    assert entries.exists()
    assert all("8123456" not in str(e.changes) and "monthly_income" not in str(e.changes) for e in entries)
