"""The inspection commission records its own inspections and supervision (apps/resolutions: ``resolutions.inspect``)
in its subtree, like the committee's staff; elsewhere it reads, and it changes nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory, snapshot
from apps.members.testing import grant
from apps.resolutions.models import Inspection, Resolution, Task
from apps.resolutions.services import inspections as services_inspections


def url(name, *args):
    return reverse(f"resolutions:{name}", args=args)


def d(day):
    return day.strftime("%d/%m/%Y")


state = snapshot(
    Resolution.objects.order_by("pk").values_list("pk", "title", "status"),
    Task.objects.order_by("pk").values_list("pk", "title", "organization_id", "deadline"),
    Inspection.objects.order_by("pk").values_list("pk", "subject", "findings", "conclusion", "ended_on"),
)


def inspection_post(mode="inspection"):
    today = timezone.localdate()
    return {"kind": "ad_hoc", "mode": mode, "subject": "Giám sát việc thực hiện nghị quyết", "started_on": d(today)}


def inspection_of(cell, by):
    return services_inspections.inspection_create(
        organization=cell,
        kind="regular",
        subject="Kiểm tra sinh hoạt chi bộ",
        started_on=timezone.localdate() - timedelta(days=2),
        by=by,
    )


@pytest.mark.parametrize("persona", ["staff", "inspector"])
@pytest.mark.parametrize("mode", ["inspection", "supervision"])
@pytest.mark.django_db
def test_staff_and_the_inspection_commission_record_an_inspection_with_findings_and_remedies(
    world, client_for, persona, mode
):
    client = client_for(getattr(world, persona))
    page = client.get(url("inspections", world.commune_a.pk)).content.decode()
    assert url("inspection_new", world.cell_a1.pk) in page and url("inspection_new", world.cell_a2.pk) in page
    assert client.get(url("inspection_new", world.cell_a1.pk)).status_code == 200
    response = client.post(url("inspection_new", world.cell_a1.pk), inspection_post(mode))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == url("inspection", inspection.pk)
    assert (inspection.organization, inspection.mode, inspection.created_by) == (
        world.cell_a1,
        mode,
        getattr(world, persona),
    )
    page = client.get(url("inspection", inspection.pk)).content.decode()
    assert url("inspection_conclude", inspection.pk) in page and url("inspection_remedy_add", inspection.pk) in page
    data = {"findings": "Sổ biên bản ghi chưa đủ", "conclusion": "Cần khắc phục", "ended_on": d(timezone.localdate())}
    assert client.post(url("inspection_conclude", inspection.pk), data).status_code == 302
    deadline = timezone.localdate() + timedelta(days=14)
    data = {"title": "Bổ sung sổ biên bản", "deadline": d(deadline)}
    assert client.post(url("inspection_remedy_add", inspection.pk), data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.findings == "Sổ biên bản ghi chưa đủ" and inspection.conclusion == "Cần khắc phục"
    remedy = Task.objects.get(inspection=inspection)
    assert (remedy.organization, remedy.resolution.organization) == (world.cell_a1, world.commune_a)


@pytest.mark.django_db
def test_the_inspection_commission_concludes_the_staffs_inspection_of_its_subtree(world, client_for):
    inspection = inspection_of(world.cell_a2, world.staff)
    client = client_for(world.inspector)
    data = {"findings": "Đã kiểm tra", "conclusion": "Đạt yêu cầu"}
    assert client.post(url("inspection_conclude", inspection.pk), data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.conclusion == "Đạt yêu cầu"


@pytest.mark.django_db
def test_the_inspection_commission_records_nothing_outside_its_subtree(world, client_for):
    other = inspection_of(world.cell_b1, None)
    client = client_for(world.inspector)
    before = state()
    assert client.get(url("inspection_new", world.cell_b1.pk)).status_code == 404
    assert client.post(url("inspection_new", world.cell_b1.pk), inspection_post()).status_code == 404
    assert client.post(url("inspection_conclude", other.pk), {"findings": "X", "conclusion": "Y"}).status_code == 404
    data = {"title": "X", "deadline": d(timezone.localdate())}
    assert client.post(url("inspection_remedy_add", other.pk), data).status_code == 404
    assert client.get(url("inspection", other.pk)).status_code == 404
    assert state() == before


@pytest.mark.django_db
def test_an_inspection_grant_on_a_cell_covers_that_cell_only(world, client_for):
    """Inspection granted on cell A2 (say, a cell's inspection member): it inspects A2, never its sibling A1."""
    user = UserFactory()
    grant(user, world.cell_a2, Role.INSPECTION)
    client = client_for(user)
    assert client.get(url("inspection_new", world.cell_a2.pk)).status_code == 200
    assert client.get(url("inspection_new", world.cell_a1.pk)).status_code == 404


@pytest.mark.django_db
def test_the_inspection_commission_changes_nothing_else(world, client_for):
    """Its role still only reads: no committee resolution, no members, no tree, no meeting record."""
    inspector = world.inspector
    for perm, obj in (
        ("resolutions.issue", world.commune_a),
        ("orgs.manage_members", world.cell_a1),
        ("orgs.restructure", world.commune_a),
        ("orgs.administer", world.commune_a),
        ("resolutions.follow_up", world.cell_a1),
    ):
        assert not inspector.has_perm(perm, obj), perm
    assert inspector.has_perm("resolutions.inspect", world.cell_a1)
    assert not inspector.has_perm("resolutions.inspect", world.cell_b1)
    client = client_for(inspector)
    before = state()
    data = {"kind": "committee", "title": "Nghị quyết", "adopted_on": d(timezone.localdate())}
    assert client.post(url("committee_new", world.commune_a.pk), data).status_code == 404
    assert state() == before


@pytest.mark.parametrize("persona", ["supervisor", "secretary", "member_user", "outsider"])
@pytest.mark.django_db
def test_other_roles_still_record_no_inspection(world, client_for, persona):
    inspection = inspection_of(world.cell_a2, world.staff)
    client = client_for(getattr(world, persona))
    before = state()
    assert client.get(url("inspection_new", world.cell_a2.pk)).status_code == 404
    assert client.post(url("inspection_new", world.cell_a2.pk), inspection_post()).status_code == 404
    assert client.post(url("inspection_conclude", inspection.pk), {"findings": "X"}).status_code == 404
    assert state() == before
