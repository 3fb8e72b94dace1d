"""The thresholds as data: the rule in force at a node (the nearest issuer above, its latest version in force, else
the defaults), the page that shows it with its history, and a new version added by the committee's staff
(audited; plausible ranges; a second version on the same date refused). Supervisors and the inspection commission
read but may not add (403); the outsider and plain members do not find the page (404)."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.common.testing import snapshot
from apps.oversight.models import OversightRule
from apps.oversight.queries.thresholds import rule_at
from apps.oversight.services.thresholds import thresholds_set
from tests.walk.guard import watching

state = snapshot(
    OversightRule.objects.order_by("pk").values_list(
        "organization_id", "effective_from", "attendance_min", "falling_months", "briefing_day"
    )
)

VALID = {
    "effective_from": "01/01/2027",
    "attendance_min": "80",
    "speaking_min": "85.5",
    "falling_months": "2",
    "score_confirm_days": "10",
    "calendar_due_month": "2",
    "probation_grace_days": "45",
    "briefing_day": "5",
}


def url(org):
    return reverse("oversight:thresholds", args=[org.pk])


def version(org, on: date, **values) -> OversightRule:
    return OversightRule.objects.create(organization=org, effective_from=on, **values)


@pytest.mark.django_db
def test_the_rule_in_force_is_the_nearest_issuers_latest(world):
    day = date(2026, 12, 1)
    assert rule_at(world.cell_a1, day).pk is None  # none issued: the defaults
    assert rule_at(world.cell_a1, day).attendance_min == 85 and rule_at(world.cell_a1, day).briefing_day == 3
    version(world.province, date(2026, 1, 1), attendance_min=90)
    assert rule_at(world.cell_a1, day).attendance_min == 90  # inherited from the province
    version(world.commune_a, date(2025, 1, 1), attendance_min=80)
    version(world.commune_a, date(2026, 6, 1), attendance_min=82)
    version(world.commune_a, date(2027, 1, 1), attendance_min=70)  # not in force yet
    assert rule_at(world.cell_a1, day).attendance_min == 82  # the commune is nearer, its latest in force
    assert rule_at(world.cell_a1, date(2027, 1, 1)).attendance_min == 70
    assert rule_at(world.cell_b1, day).attendance_min == 90  # commune B follows the province
    assert rule_at(world.province, date(2025, 6, 1)).pk is None


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("staff", "cell_a1", 200),
        ("inspector", "commune_a", 200),
        ("supervisor", "cell_a2", 200),
        ("secretary", "cell_a1", 200),
        ("member_user", "cell_a1", 404),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a2", 404),
    ],
)
@pytest.mark.django_db
def test_who_reads_the_thresholds(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).get(url(getattr(world, org)))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["can_add"] == (persona == "staff" and org == "commune_a")
        assert (response.context["form"] is not None) == response.context["can_add"]


@pytest.mark.django_db
def test_the_page_shows_the_rule_in_force_and_its_history(world, client_for):
    province = version(world.province, date(2026, 1, 1), attendance_min=90)
    upcoming = version(world.commune_a, date(2027, 1, 1), attendance_min=70)
    below = version(world.commune_a, date(2026, 3, 1), attendance_min=88)
    response = client_for(world.staff).get(url(world.cell_a1))
    assert response.context["current"] == below and not response.context["is_default"]
    rows = {row.rule: row for row in response.context["rows"]}
    assert set(rows) == {province, upcoming, below}
    assert rows[below].in_force and rows[below].inherited and not rows[upcoming].in_force and rows[upcoming].upcoming
    response = client_for(world.staff).get(url(world.province))  # staff of A see the province's page? no: 404
    assert response.status_code == 404
    response = client_for(world.inspector).get(url(world.commune_a))
    html = response.content.decode()
    assert f'id="rule-{below.pk}" data-in-force="1"' in html and "Set new thresholds" not in html


@pytest.mark.django_db
def test_the_form_starts_from_the_values_in_force(world, client_for):
    version(world.province, date(2026, 1, 1), attendance_min=Decimal("91.5"), briefing_day=4)
    form = client_for(world.staff).get(url(world.commune_a)).context["form"]
    assert form["attendance_min"].initial == Decimal("91.5") and form["briefing_day"].initial == 4


@pytest.mark.django_db
def test_staff_add_a_version_audited(world, client_for):
    response = client_for(world.staff).post(url(world.commune_a), VALID)
    assert response.status_code == 302 and response["Location"] == url(world.commune_a)
    assert state() == [(world.commune_a.pk, date(2027, 1, 1), Decimal("80.0"), 2, 5)]
    saved = OversightRule.objects.get()
    assert saved.speaking_min == Decimal("85.5") and saved.created_by == world.staff
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(OversightRule), object_pk=str(saved.pk))
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.staff


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("inspector", "commune_a", 403),
        ("supervisor", "cell_a2", 403),
        ("secretary", "cell_a1", 403),
        ("staff", "cell_a1", 403),  # a cell follows its committee's
        ("member_user", "cell_a1", 404),
        ("outsider", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_adding_without_rights_changes_nothing(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).post(url(getattr(world, org)), VALID)
    assert response.status_code == expected
    assert state() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attendance_min", "150"),
        ("attendance_min", "-1"),
        ("speaking_min", "abc"),
        ("falling_months", "0"),
        ("falling_months", "13"),
        ("score_confirm_days", "91"),
        ("calendar_due_month", "13"),
        ("probation_grace_days", "0"),
        ("briefing_day", "29"),
        ("briefing_day", "2.5"),
        ("effective_from", "31/02/2027"),
        ("effective_from", "01/01/1999"),
        ("effective_from", ""),
    ],
)
@pytest.mark.django_db
def test_an_implausible_value_is_refused_on_its_field(world, client_for, field, value):
    response = client_for(world.staff).post(url(world.commune_a), {**VALID, field: value})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert state() == []


@pytest.mark.django_db
def test_a_second_version_on_the_same_date_is_refused(world, client_for):
    version(world.commune_a, date(2027, 1, 1))
    response = client_for(world.staff).post(url(world.commune_a), VALID)
    assert response.status_code == 200 and list(response.context["form"].errors) == ["effective_from"]
    assert OversightRule.objects.count() == 1


@pytest.mark.django_db
def test_the_service_checks_what_the_form_checks(world):
    with pytest.raises(ValidationError):
        thresholds_set(organization=world.cell_a1, effective_from=date(2027, 1, 1))
    with pytest.raises(ValidationError) as error:
        thresholds_set(
            organization=world.commune_a, effective_from=date(2027, 1, 1), briefing_day=31, falling_months=1.5
        )
    assert set(error.value.message_dict) == {"briefing_day", "falling_months"}
    with pytest.raises(ValidationError):
        thresholds_set(organization=world.commune_a, effective_from=date(1990, 1, 1))
    saved = thresholds_set(organization=world.commune_a, effective_from=date(2027, 1, 1), attendance_min=Decimal("80"))
    assert saved.attendance_min == 80 and saved.briefing_day == 3  # the others take their defaults
    assert state() == [(world.commune_a.pk, date(2027, 1, 1), Decimal("80.0"), 3, 3)]


@pytest.mark.django_db
def test_the_page_takes_few_queries_and_writes_nothing(world, client_for, django_assert_max_num_queries):
    for year in range(2020, 2027):
        version(world.province, date(year, 1, 1))
        version(world.commune_a, date(year, 2, 1))
    client = client_for(world.staff)
    client.get(url(world.cell_a1))
    with watching() as watch, django_assert_max_num_queries(8):
        assert client.get(url(world.commune_a)).status_code == 200
    assert watch.problems == []
