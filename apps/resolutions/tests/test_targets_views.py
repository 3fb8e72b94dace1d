"""Target pages: who reads and who changes (outsider 404 with nothing changed, anonymous to login, a plain member
reads only), the share with the Vietnamese decimal comma, the roll-up line, bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.resolutions.models import Resolution, Target, TargetActual
from apps.resolutions.services import targets as services_targets
from apps.resolutions.testing import make_resolution

D = Decimal


def url(name, *args):
    return reverse(f"resolutions:{name}", args=args)


# Everything the target views can change.
state = snapshot(
    Target.objects.order_by("pk").values_list("pk", "title", "unit", "value", "direction", "period_end"),
    TargetActual.objects.order_by("pk").values_list("pk", "on", "value", "note"),
)


@pytest.fixture
def target(world):
    """Cell A1's adopted resolution with a revenue target of 200, 231 reached today."""
    resolution = make_resolution(world.cell_a1, targets=0, title="Nghị quyết tháng 3")
    today = timezone.localdate()
    target = services_targets.target_create(
        resolution=resolution,
        title="Thu ngân sách",
        unit="triệu đồng",
        value=D("200"),
        direction="at_least",
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=300),
    )
    services_targets.target_actual_record(target=target, on=today, value=D("231"), by=world.secretary)
    return target


def target_post():
    today = timezone.localdate()
    return {
        "title": "Kết nạp đảng viên mới",
        "unit": "người",
        "value": "2",
        "direction": "at_least",
        "period_start": today.strftime("%d/%m/%Y"),
        "period_end": (today + timedelta(days=200)).strftime("%d/%m/%Y"),
    }


def actual_post(value="12,5"):
    return {"on": timezone.localdate().strftime("%d/%m/%Y"), "value": value, "note": "Báo cáo tháng"}


# ---------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 200),
        ("member_user", 200),  # their own cell's targets
        ("supervisor", 404),  # supervises another cell
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["targets", "target"])
@pytest.mark.django_db
def test_target_pages_are_scoped(world, client_for, target, persona, expected, name):
    arg = target.resolution_id if name == "targets" else target.pk
    assert client_for(getattr(world, persona)).get(url(name, arg)).status_code == expected


@pytest.mark.parametrize("name", ["targets", "target", "target_add", "target_edit", "target_actual_add"])
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, target, name):
    arg = target.resolution_id if name in ("targets", "target_add") else target.pk
    response = client.get(url(name, arg))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_share_uses_the_vietnamese_decimal_comma_and_the_rollup_line(world, client_for, target):
    page = client_for(world.secretary).get(url("targets", target.resolution_id)).content.decode()
    assert "115,5%" in page and "231 triệu đồng" in page
    assert "1 exceeded, 0 met, 0 missed" in page or "1 vượt, 0 đạt, 0 không đạt" in page
    assert url("target_add", target.resolution_id) in page


@pytest.mark.django_db
def test_a_plain_member_reads_but_gets_no_tools(world, client_for, target):
    client = client_for(world.member_user)
    page = client.get(url("targets", target.resolution_id)).content.decode()
    assert "115,5%" in page and url("target_add", target.resolution_id) not in page
    page = client.get(url("target", target.pk)).content.decode()
    assert url("target_actual_add", target.pk) not in page and url("target_edit", target.pk) not in page


@pytest.mark.django_db
def test_target_page_shows_values_over_time(world, client_for, target):
    services_targets.target_actual_record(
        target=target, on=timezone.localdate() - timedelta(days=7), value=D("150,5".replace(",", ".")), by=None
    )
    page = client_for(world.inspector).get(url("target", target.pk)).content.decode()
    assert "150,5 triệu đồng" in page and "231 triệu đồng" in page
    assert page.index("231 triệu đồng</strong>") < page.index("150,5 triệu đồng</strong>")  # newest first


# ---------------------------------------------------------------------------------------------- changing


@pytest.mark.parametrize("persona", ["secretary", "staff"])
@pytest.mark.django_db
def test_managers_add_a_target(world, client_for, target, persona):
    client = client_for(getattr(world, persona))
    assert client.get(url("target_add", target.resolution_id)).status_code == 200
    response = client.post(url("target_add", target.resolution_id), target_post())
    assert response.status_code == 302 and response["Location"] == url("targets", target.resolution_id)
    added = Target.objects.get(title="Kết nạp đảng viên mới")
    assert added.organization_id == world.cell_a1.pk and added.value == D("2")


@pytest.mark.django_db
def test_an_invalid_target_shows_the_errors(world, client_for, target):
    data = {**target_post(), "value": "-3"}
    before = state()
    response = client_for(world.secretary).post(url("target_add", target.resolution_id), data)
    assert response.status_code == 200 and state() == before


@pytest.mark.django_db
def test_edit_a_target(world, client_for, target):
    client = client_for(world.secretary)
    assert client.get(url("target_edit", target.pk)).status_code == 200
    data = {**target_post(), "title": "Thu ngân sách xã", "value": "210,5"}
    response = client.post(url("target_edit", target.pk), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.title, target.value) == ("Thu ngân sách xã", D("210.5"))


@pytest.mark.django_db
def test_record_an_actual_with_a_decimal_comma(world, client_for, target):
    TargetActual.objects.all().delete()
    response = client_for(world.secretary).post(url("target_actual_add", target.pk), actual_post("240,5"))
    assert response.status_code == 302 and response["Location"] == url("target", target.pk)
    actual = TargetActual.objects.get(target=target)
    assert (actual.value, actual.note, actual.author) == (D("240.5"), "Báo cáo tháng", world.secretary)


@pytest.mark.django_db
def test_no_targets_added_to_a_superseded_version(world, client_for, target):
    Resolution.objects.filter(pk=target.resolution_id).update(status=Resolution.Status.AMENDED)
    client = client_for(world.secretary)
    page = client.get(url("targets", target.resolution_id)).content.decode()
    assert url("target_add", target.resolution_id) not in page
    before = state()
    response = client.post(url("target_add", target.resolution_id), target_post())
    assert response.status_code == 200 and state() == before


@pytest.mark.parametrize("persona", ["member_user", "inspector", "supervisor", "outsider"])
@pytest.mark.parametrize("name", ["target_add", "target_edit", "target_actual_add"])
@pytest.mark.django_db
def test_others_cannot_change_targets(world, client_for, target, persona, name):
    arg = target.resolution_id if name == "target_add" else target.pk
    data = actual_post() if name == "target_actual_add" else target_post()
    before = state()
    client = client_for(getattr(world, persona))
    assert client.get(url(name, arg)).status_code == 404
    assert client.post(url(name, arg), data).status_code == 404
    assert state() == before


# ---------------------------------------------------------------------------------------------- per organisation


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("secretary", "cell_a1", 200),
        ("member_user", "cell_a1", 200),
        ("secretary", "commune_a", 404),  # a cell's secretary does not see the commune
        ("member_user", "commune_a", 404),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a1", 404),
    ],
)
@pytest.mark.django_db
def test_org_targets_are_scoped(world, client_for, target, persona, org, expected):
    org = getattr(world, org)
    assert client_for(getattr(world, persona)).get(url("org_targets", org.pk)).status_code == expected


@pytest.mark.django_db
def test_org_targets_page_groups_per_cell(world, client_for, target):
    page = client_for(world.staff).get(url("org_targets", world.commune_a.pk)).content.decode()
    assert "Chi bộ 21" in page and "Nghị quyết tháng 3" in page and "115,5%" in page
    year = timezone.localdate().year
    page = client_for(world.staff).get(url("org_targets", world.commune_a.pk) + f"?year={year - 1}").content.decode()
    assert "Nghị quyết tháng 3" not in page
    assert client_for(world.staff).get(url("org_targets", world.commune_a.pk) + "?year=abc").status_code == 200


# ---------------------------------------------------------------------------------------------- query counts


def _targets(resolution, n):
    today = timezone.localdate()
    for i in range(n):
        target = Target.objects.create(
            resolution=resolution,
            organization=resolution.organization,
            title=f"Chỉ tiêu {i}",
            unit="%",
            value=D("90"),
            period_start=today - timedelta(days=10),
            period_end=today + timedelta(days=10),
        )
        TargetActual.objects.create(target=target, on=today, value=D(80 + 10 * i))
        TargetActual.objects.create(target=target, on=today - timedelta(days=5), value=D(50))


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_targets_page_query_count(world, client_for, rows):
    resolution = make_resolution(world.cell_a1, targets=0)
    _targets(resolution, rows)
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("targets", resolution.pk)).status_code == 200
    # session, user, grants, resolution (+organisation), targets with their latest actual (subqueries),
    # versions of the resolution
    assert len(ctx.captured_queries) == 6


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_target_page_query_count(world, client_for, target, rows):
    today = timezone.localdate()
    for i in range(rows):
        TargetActual.objects.create(target=target, on=today - timedelta(days=i + 1), value=D(100 + i))
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("target", target.pk)).status_code == 200
    # session, user, grants, target (+resolution, organisation, latest actual), actuals (+author)
    assert len(ctx.captured_queries) == 5


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_org_targets_query_count(world, client_for, rows):
    cells = [world.cell_a1, world.cell_a2, world.cell_a1]
    for cell in cells[:rows]:
        _targets(make_resolution(cell, targets=0), 1)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("org_targets", world.commune_a.pk)).status_code == 200
    # session, user, grants, organisation, its sub-organisations, targets (+resolution, organisation, latest
    # actual by subquery)
    assert len(ctx.captured_queries) == 6
