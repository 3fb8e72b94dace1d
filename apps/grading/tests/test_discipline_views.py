"""Discipline records for committee staff: the year's list of an organisation's subtree (a plain member sees their
own only), recording a measure on a member or on the organisation itself, and its effect on grading evidence."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.grading.models import Discipline
from apps.grading.queries import grading as queries
from apps.grading.services import discipline as services_discipline
from apps.members.testing import add_member
from apps.orgs.models import Organization

YEAR = 2025


def url(org, year=YEAR):
    return reverse("grading:discipline", args=[org.pk]) + f"?year={year}"


state = snapshot(
    Discipline.objects.order_by("pk").values_list("organization_id", "member_id", "on", "form", "decision_ref")
)


def record(org, member=None, on=date(YEAR, 5, 10), form="reprimand", ref=""):
    return Discipline.objects.create(organization=org, member=member, on=on, form=form, decision_ref=ref)


def post(subject, **overrides):
    return {"subject": str(subject), "form": "reprimand", "on": f"10/05/{YEAR}", "decision_ref": ""} | overrides


@pytest.mark.parametrize(
    ("persona", "org", "expected", "can_add"),
    [
        ("staff", "cell_a1", 200, True),
        ("staff", "commune_a", 200, True),
        ("secretary", "cell_a1", 200, False),
        ("member_user", "cell_a1", 200, False),
        ("inspector", "commune_a", 200, False),
        ("supervisor", "cell_a2", 200, False),
        ("supervisor", "cell_a1", 404, False),
        ("secretary", "commune_a", 404, False),
        ("member_user", "commune_a", 404, False),
        ("outsider", "cell_a1", 404, False),
        ("outsider", "commune_a", 404, False),
    ],
)
@pytest.mark.django_db
def test_discipline_page_needs_view_rights(world, client_for, persona, org, expected, can_add):
    response = client_for(getattr(world, persona)).get(url(getattr(world, org)))
    assert response.status_code == expected
    if expected == 200:
        assert (response.context["form"] is not None) == can_add


@pytest.mark.django_db
def test_a_plain_member_sees_only_their_own(world, client_for):
    own = record(world.cell_a1, world.plain_member)
    record(world.cell_a1, world.secretary_member)
    record(world.cell_a1)  # the cell itself
    rows = client_for(world.member_user).get(url(world.cell_a1)).context["rows"]
    assert [r for r, _label in rows] == [own]


@pytest.mark.django_db
def test_the_list_covers_the_subtree_and_the_year(world, client_for):
    a1 = record(world.cell_a1, world.plain_member, on=date(YEAR, 3, 1))
    a2 = record(world.cell_a2, world.a2_member, on=date(YEAR, 4, 1))
    commune = record(world.commune_a, on=date(YEAR, 2, 1), form="warning")
    record(world.cell_a1, world.secretary_member, on=date(YEAR - 1, 12, 31))  # another year
    record(world.cell_b1, world.b1_member, on=date(YEAR, 3, 1))  # another commune
    rows = client_for(world.staff).get(url(world.commune_a)).context["rows"]
    assert [r for r, _label in rows] == [a2, a1, commune]  # newest first
    assert [r for r, _l in client_for(world.staff).get(url(world.cell_a1)).context["rows"]] == [a1]


@pytest.mark.django_db
def test_staff_records_a_members_discipline_and_grading_sees_it(world, client_for):
    assert not queries.evidence_for_member(world.plain_member, YEAR)["disciplined"]
    response = client_for(world.staff).post(
        url(world.cell_a1), post(world.plain_member.pk, form="warning", decision_ref="  05-QĐ/UBKT ")
    )
    assert response.status_code == 302 and response["Location"] == url(world.cell_a1)
    assert state() == [(world.cell_a1.pk, world.plain_member.pk, date(YEAR, 5, 10), "warning", "05-QĐ/UBKT")]
    evidence = queries.evidence_for_member(world.plain_member, YEAR)
    assert evidence["disciplined"] and evidence["discipline_count"] == 1


@pytest.mark.django_db
def test_staff_records_the_organisations_own_discipline(world, client_for):
    client = client_for(world.staff)
    assert client.post(url(world.cell_a1), post("org", form="dissolution")).status_code == 302
    assert client.post(url(world.commune_a), post("org", form="warning")).status_code == 302
    assert state() == [
        (world.cell_a1.pk, None, date(YEAR, 5, 10), "dissolution", ""),
        (world.commune_a.pk, None, date(YEAR, 5, 10), "warning", ""),
    ]


@pytest.mark.django_db
def test_a_committee_page_offers_only_the_organisation_itself(world, client_for):
    form = client_for(world.staff).get(url(world.commune_a)).context["form"]
    assert [value for value, _label in form.fields["subject"].choices] == ["", "org"]


@pytest.mark.django_db
def test_the_form_offers_the_cells_members(world, client_for):
    form = client_for(world.staff).get(url(world.cell_a1)).context["form"]
    values = {value for value, _label in form.fields["subject"].choices}
    assert values == {"", "org", str(world.secretary_member.pk), str(world.plain_member.pk)}


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("member_user", "cell_a1", 403),
        ("secretary", "cell_a1", 403),  # the cell does not discipline its own members here: the committee does
        ("inspector", "cell_a1", 403),
        ("supervisor", "cell_a2", 403),
        ("outsider", "cell_a1", 404),
        ("secretary", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_recording_without_rights_changes_nothing(world, client_for, persona, org, expected):
    target = world.plain_member if org == "cell_a1" else world.a2_member
    response = client_for(getattr(world, persona)).post(url(getattr(world, org)), post(target.pk))
    assert response.status_code == expected
    assert state() == []


@pytest.mark.django_db
def test_recording_needs_login(world, client):
    response = client.post(url(world.cell_a1), post(world.plain_member.pk))
    assert response.status_code == 302 and "login" in response["Location"]
    assert state() == []


@pytest.mark.parametrize("target", ["a2_member", "b1_member"])
@pytest.mark.django_db
def test_a_forged_member_of_another_cell_is_refused(world, client_for, target):
    response = client_for(world.staff).post(url(world.cell_a1), post(getattr(world, target).pk))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["subject"]
    assert state() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"form": "dissolution"}, "form"),  # a member is not dissolved
        ({"subject": "org", "form": "expulsion"}, "form"),  # an organisation is not expelled
        ({"subject": "org", "form": "dismissal"}, "form"),
        ({"form": "fine"}, "form"),
        ({"form": ""}, "form"),
        ({"subject": ""}, "subject"),
        ({"on": "32/01/2025"}, "on"),
        ({"on": (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")}, "on"),  # not in the future
        ({"decision_ref": "x" * 121}, "decision_ref"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_refused_on_its_field(world, client_for, data, field):
    response = client_for(world.staff).post(url(world.cell_a1), post(world.plain_member.pk) | data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert state() == []


@pytest.mark.django_db
def test_the_service_refuses_a_member_of_another_cell(world):
    with pytest.raises(ValidationError) as exc:
        services_discipline.discipline_record(
            organization=world.cell_a1, member=world.a2_member, on=date(YEAR, 1, 2), form="warning", today=date.today()
        )
    assert "subject" in exc.value.message_dict
    assert state() == []


@pytest.mark.django_db
def test_forms_are_shown_by_label_and_legacy_text_as_typed(world, client_for):
    record(world.cell_a1, world.plain_member, form="expulsion")
    record(world.cell_a1, world.secretary_member, form="Khiển trách (nhập tay)", on=date(YEAR, 1, 5))
    response = client_for(world.staff).get(url(world.cell_a1))
    labels = [label for _r, label in response.context["rows"]]
    assert labels == [services_discipline.form_label("expulsion"), "Khiển trách (nhập tay)"]
    assert labels[0] != "expulsion"


@pytest.mark.django_db
def test_reading_members_discipline_is_logged(world, client_for):
    record(world.cell_a1, world.plain_member)
    client_for(world.inspector).get(url(world.cell_a1))
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, content_type=ContentType.objects.get_for_model(Organization)
    )
    assert entry.actor == world.inspector and entry.object_pk == str(world.cell_a1.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_discipline_page_query_count_is_bounded(world, client_for, django_assert_max_num_queries, rows):
    for i in range(rows):
        member = add_member(world.cell_a1)
        record(world.cell_a1, member, on=date(YEAR, 1 + i, 1))
        record(world.cell_a2, None, on=date(YEAR, 1 + i, 2))
        record(world.commune_a, None, on=date(YEAR, 1 + i, 3))
    ContentType.objects.get_for_model(Organization)  # the access log's content type is cached per process
    client = client_for(world.staff)
    # session, user, grants, organisation, records (+member, organisation), access-log insert
    with django_assert_max_num_queries(6):
        response = client.get(url(world.commune_a))
    assert len(response.context["rows"]) == 3 * rows
    # a cell's page with the form: + the members to choose from
    with django_assert_max_num_queries(7):
        response = client.get(url(world.cell_a1))
    assert len(response.context["rows"]) == rows


# --- the links on the organisation's page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "secretary", "member_user", "inspector", "supervisor"])
@pytest.mark.django_db
def test_every_link_on_the_organisation_page_opens(world, client_for, persona):
    client = client_for(getattr(world, persona))
    org = world.cell_a2 if persona == "supervisor" else world.cell_a1
    html = client.get(reverse("orgs:detail", args=[org.pk])).content.decode()
    for target in (reverse("grading:discipline", args=[org.pk]), reverse("members:dues_rates", args=[org.pk])):
        assert f'href="{target}"' in html
        assert client.get(target).status_code == 200
