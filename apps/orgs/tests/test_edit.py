"""Editing an organisation's details (name, level label, kind of unit): who may (those who may restructure it, as
for adding a sub-organisation; others get 404), what is saved (NFC, the search key, the audit entry), what is
refused (an empty name, an unknown kind of unit) and that a refusal saves nothing."""

import unicodedata

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.orgs.models import Organization
from apps.orgs.services.tree import organization_update

# "Chi bộ Khu phố 3" written decomposed (NFD), as some keyboards and pasted text send it.
NAME_NFD = unicodedata.normalize("NFD", "Chi bộ Khu phố 3")
NAME_NFC = unicodedata.normalize("NFC", NAME_NFD)


def url(org):
    return reverse("orgs:edit", args=[org.pk])


def snapshot():
    return list(Organization.objects.values_list("pk", "name", "name_search", "level_label", "sector", "path"))


def entries(org):
    return LogEntry.objects.get_for_object(org).filter(action=LogEntry.Action.UPDATE)


@pytest.mark.django_db
def test_staff_edits_a_cell(history_world, client_for):
    world = history_world
    client = client_for(world.staff)
    response = client.post(
        url(world.cell_a1), {"name": NAME_NFD, "level_label": "Chi bộ trực thuộc", "sector": "residential"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[world.cell_a1.pk])
    cell = Organization.objects.get(pk=world.cell_a1.pk)
    assert cell.name == NAME_NFC and unicodedata.is_normalized("NFC", cell.name)
    assert cell.name_search == "chi bo khu pho 3"
    assert (cell.level_label, cell.sector) == ("Chi bộ trực thuộc", "residential")
    assert (cell.code, cell.kind, cell.path) == (world.cell_a1.code, world.cell_a1.kind, world.cell_a1.path)
    entry = entries(cell).latest("timestamp")
    assert entry.actor == world.staff
    assert entry.changes_dict["name"] == [world.cell_a1.name, NAME_NFC]
    assert entry.changes_dict["sector"][1] == "residential"
    page = client.get(reverse("orgs:detail", args=[cell.pk])).content.decode()
    assert NAME_NFC in page and "Đã lưu thông tin tổ chức." in page


@pytest.mark.django_db
def test_the_form_shows_the_current_details(world, client_for):
    Organization.objects.filter(pk=world.cell_a2.pk).update(sector="agency", level_label="Chi bộ cơ sở")
    response = client_for(world.staff).get(url(world.cell_a2))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"name": world.cell_a2.name, "level_label": "Chi bộ cơ sở", "sector": "agency"}
    html = response.content.decode()
    assert "Sửa thông tin" in html and world.cell_a2.code in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused_in_vietnamese_and_nothing_saved(world, client_for, name):
    before = snapshot()
    response = client_for(world.staff).post(url(world.cell_a1), {"name": name, "sector": "school"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert "bắt buộc" in response.content.decode()
    assert snapshot() == before and not entries(world.cell_a1).exists()


@pytest.mark.django_db
def test_unknown_sector_is_refused_and_nothing_saved(world, client_for):
    before = snapshot()
    response = client_for(world.staff).post(url(world.cell_a1), {"name": "Chi bộ mới", "sector": "casino"})
    assert response.status_code == 200 and "sector" in response.context["form"].errors
    assert snapshot() == before and not entries(world.cell_a1).exists()


@pytest.mark.django_db
def test_service_refuses_an_empty_name_and_an_unknown_sector_in_vietnamese(world):
    before = snapshot()
    with pytest.raises(ValidationError) as empty:
        organization_update(org=world.cell_a1, name=" \t ", level_label="", sector="")
    assert empty.value.message_dict == {"name": ["Hãy nhập tên tổ chức."]}
    with pytest.raises(ValidationError) as unknown:
        organization_update(org=world.cell_a1, name="Chi bộ", level_label="", sector="casino")
    assert unknown.value.message_dict == {"sector": ["Hãy chọn loại hình trong danh sách."]}
    assert snapshot() == before


@pytest.mark.django_db
def test_service_clears_the_sector_and_writes_one_audit_entry(world):
    organization_update(org=world.commune_a, name=world.commune_a.name, level_label="", sector="other")
    node = organization_update(org=world.commune_a, name=world.commune_a.name, level_label="", sector="")
    assert Organization.objects.get(pk=node.pk).sector == ""
    assert entries(node).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "org"),
    [
        ("outsider", "cell_a1"),  # another commune's secretary: outside their subtree
        ("staff", "commune_b"),  # committee staff of commune A, outside it
        ("staff", "province"),  # above their grant
        ("supervisor", "cell_a2"),  # read-only role inside
        ("inspector", "cell_a1"),  # read-only role inside
        ("secretary", "cell_a1"),  # manages the cell's members, does not restructure the tree
        ("member_user", "cell_a1"),  # plain member of the cell
    ],
)
def test_only_those_who_restructure_may_edit(world, client_for, persona, org):
    node = getattr(world, org)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(url(node)).status_code == 404
    assert client.post(url(node), {"name": "Đổi tên", "sector": "other"}).status_code == 404
    assert snapshot() == before and not entries(node).exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.cell_a1))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "shown"), [("staff", True), ("secretary", False), ("inspector", False)])
def test_the_node_page_links_to_the_form_for_those_who_may_edit(world, client_for, persona, shown):
    html = client_for(getattr(world, persona)).get(reverse("orgs:detail", args=[world.cell_a1.pk])).content.decode()
    assert ('id="org-edit-link"' in html) is shown
    if shown:
        assert url(world.cell_a1) in html and "Sửa thông tin" in html


@pytest.mark.django_db
@pytest.mark.parametrize("org", ["commune_a", "cell_a1"])
def test_the_form_reads_in_bounded_queries(history_world, client_for, django_assert_max_num_queries, org):
    client = client_for(history_world.staff)
    client.get(url(history_world.cell_a2))  # a first request; then the session, the user, the grants, the node (4)
    with django_assert_max_num_queries(5):
        assert client.get(url(getattr(history_world, org))).status_code == 200


@pytest.mark.django_db
def test_reading_the_form_writes_nothing(world, client_for):
    client = client_for(world.staff)
    before, logged = snapshot(), LogEntry.objects.count()
    client.get(url(world.commune_a))
    assert snapshot() == before and LogEntry.objects.count() == logged
