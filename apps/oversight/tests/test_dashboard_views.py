"""The dashboard pages: a node's figures of a period with the change from the previous one, the sub-units' table in
any order, the drill-down to a sub-unit, a cell and its meetings, the charts as SVG; who may see which node (404
elsewhere); a bounded number of queries whatever the number of sub-units. Facts are written as CellMonth rows by
hand, so each figure here is worked out by hand."""

from datetime import date
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.orgs.models import Organization
from apps.orgs.services import tree as org_services
from apps.oversight.models import CellMonth, StaleCellMonth

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)  # the suite runs on 1 December 2026: last month is November
SVG = "{http://www.w3.org/2000/svg}"


def fact(cell, month, **values) -> CellMonth:
    return CellMonth.objects.create(cell=cell, month=month, computed_at=timezone.now(), **values)


def meetings(held: int = 1, present: int = 9, expected: int = 10, **more) -> dict:
    """A month of one cell: meetings planned and held, attendance, speakers (half the attendees)."""
    return {
        "regular_planned": 1,
        "regular_held": held,
        "regular_on_time": held,
        "sittings_held": held,
        "attendance_expected": expected,
        "attendance_present": present,
        "attendees": present,
        "speakers": present // 2,
        "members_official": expected,
        **more,
    }


@pytest.fixture
def facts(world):
    """Commune A: in November A1 9/10 present and A2 8/10 (85.0 %), in October both 10/10 (100 %); B1 elsewhere."""
    fact(world.cell_a1, NOV, **meetings(present=9, quality_tot=1))
    fact(world.cell_a2, NOV, **meetings(present=8, quality_kha=1, unexcused_absences=2))
    fact(world.cell_a1, OCT, **meetings(present=10, quality_tot=1))
    fact(world.cell_a2, OCT, **meetings(present=10, quality_tot=1))
    fact(world.cell_b1, NOV, **meetings(present=3, expected=10))
    return world


def url(org, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("oversight:dashboard", args=[org.pk]) + (f"?{query}" if query else "")


def chart_url(org, name, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("oversight:chart", args=[org.pk, name]) + (f"?{query}" if query else "")


def shown(page, code):
    return next(s for g in page.groups for s in g.figures if s.figure.code == code)


# --- the figures ------------------------------------------------------------------------------------------------------


def test_commune_figures_of_last_month_with_the_change(facts, client_for):
    response = client_for(facts.staff).get(url(facts.commune_a))
    assert response.status_code == 200
    page = response.context["page"]
    assert response.context["period"].key == "2026-11"  # default: the month before today
    rate = shown(page, "attendance_rate")
    assert (rate.value, rate.change, rate.arrow, rate.tone) == ("85,0 %", "-15,0", "▼", "bad")
    absences = shown(page, "unexcused_absences")
    assert (absences.value, absences.arrow, absences.tone) == ("2", "▲", "bad")  # fewer is better
    assert shown(page, "meetings_held").value == "2"
    html = response.content.decode()
    assert "Tháng 11/2026" in html and "85,0 %" in html
    assert "Chi bộ Khu 3" not in html  # commune B's cell is not in commune A's dashboard


def test_sub_units_table_links_down_and_sorts_by_any_figure(facts, client_for):
    client = client_for(facts.staff)
    page = client.get(url(facts.commune_a)).context["page"]
    assert [r.org for r in page.rows] == [facts.cell_a1, facts.cell_a2]  # the tree's order
    page = client.get(url(facts.commune_a, sort="attendance_rate", dir="asc")).context["page"]
    assert [r.org for r in page.rows] == [facts.cell_a2, facts.cell_a1]
    page = client.get(url(facts.commune_a, sort="attendance_rate", dir="desc")).context["page"]
    assert [r.org for r in page.rows] == [facts.cell_a1, facts.cell_a2]
    # A figure outside the key columns gets its column when the table is sorted by it.
    response = client.get(url(facts.commune_a, sort="quality_kha", dir="desc"))
    page = response.context["page"]
    assert [c.figure.code for c in page.columns][-1] == "quality_kha"
    assert [r.org for r in page.rows] == [facts.cell_a2, facts.cell_a1]
    html = response.content.decode()
    assert reverse("oversight:dashboard", args=[facts.cell_a1.pk]) + "?period=2026-11" in html
    assert "sort=attendance_rate&amp;dir=desc" in html  # header links
    # Sorted by name, either way.
    page = client.get(url(facts.commune_a, sort="name", dir="desc")).context["page"]
    assert [r.org for r in page.rows] == [facts.cell_a2, facts.cell_a1]


def test_total_row_is_the_roll_up_of_the_sub_units(facts, client_for):
    page = client_for(facts.staff).get(url(facts.commune_a)).context["page"]
    codes = [c.figure.code for c in page.columns]
    assert page.total[codes.index("attendance_rate")].value == "85,0 %"
    assert page.total[codes.index("members_total")].value == "20"


def test_province_drills_down_to_communes(facts, client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="x")
    page = client_for(admin).get(url(facts.province)).context["page"]
    assert [r.org for r in page.rows] == [facts.commune_a, facts.commune_b]
    # (9 + 8 + 3) / 30
    assert shown(page, "attendance_rate").value == "66,7 %"


def test_quarter_and_year_and_bad_period(facts, client_for):
    client = client_for(facts.staff)
    response = client.get(url(facts.commune_a, period="2026-q4"))
    assert "Quý IV/2026" in response.content.decode()
    # October and November together: (20 + 17) / 40
    assert shown(response.context["page"], "attendance_rate").value == "92,5 %"
    response = client.get(url(facts.commune_a, period="2026"))
    assert "Năm 2026" in response.content.decode()
    response = client.get(url(facts.commune_a, period="tháng-mười"))
    assert response.status_code == 200
    assert response.context["period"].key == "2026-11"
    assert "không phải là một kỳ" in response.content.decode()


def test_period_picker_links(facts, client_for):
    html = client_for(facts.staff).get(url(facts.commune_a, period="2026-10")).content.decode()
    assert 'href="?period=2026-09"' in html and 'href="?period=2026-11"' in html
    assert 'href="?period=2026-q4"' in html and 'href="?period=2026"' in html
    # No link to a period that has not begun.
    html = client_for(facts.staff).get(url(facts.commune_a, period="2026-12")).content.decode()
    assert 'href="?period=2027-01"' not in html


def test_sectors_breakdown(facts, client_for):
    Organization.objects.filter(pk=facts.cell_a1.pk).update(sector="residential")
    Organization.objects.filter(pk=facts.cell_a2.pk).update(sector="school")
    response = client_for(facts.staff).get(url(facts.commune_a))
    labels = [label for label, _cells in response.context["page"].sectors]
    assert labels == ["Thôn, tổ dân phố", "Trường học, đơn vị sự nghiệp"] or len(labels) == 2
    assert 'id="sectors-table"' in response.content.decode()


def test_pending_note(facts, client_for):
    StaleCellMonth.objects.all().delete()  # the world's own writes may have marked some
    StaleCellMonth.objects.create(cell=facts.cell_a1, month=NOV)
    StaleCellMonth.objects.create(cell=facts.cell_b1, month=NOV)  # not in commune A
    response = client_for(facts.staff).get(url(facts.commune_a))
    assert response.context["page"].figures.pending == 1
    assert "Số liệu đang được cập nhật: 1" in response.content.decode()


def test_only_get(facts, client_for):
    assert client_for(facts.staff).post(url(facts.commune_a)).status_code == 405


# --- who sees what ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "node", "status"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("staff", "cell_a2", 200),
        ("supervisor", "cell_a2", 200),
        ("supervisor", "cell_a1", 404),
        ("supervisor", "commune_a", 404),
        ("member_user", "cell_a1", 200),
        ("member_user", "commune_a", 404),
        ("member_user", "cell_a2", 404),
        ("secretary", "cell_a1", 200),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a1", 404),
        ("outsider", "province", 404),
        ("staff", "commune_b", 404),
        ("staff", "province", 404),
    ],
)
def test_who_sees_which_dashboard(facts, client_for, persona, node, status):
    client = client_for(getattr(facts, persona))
    org = getattr(facts, node)
    assert client.get(url(org)).status_code == status
    assert client.get(chart_url(org, "trend")).status_code == status
    assert client.get(chart_url(org, "ranking", figure="attendance_rate")).status_code == status
    if org.is_cell:
        assert client.get(reverse("oversight:cell_meetings", args=[org.pk])).status_code == status


def test_anonymous_is_sent_to_log_in(facts, client):
    response = client.get(url(facts.commune_a))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(chart_url(facts.commune_a, "trend")).status_code == 302


def test_plain_member_sees_only_their_cell(facts, client_for):
    page = client_for(facts.member_user).get(url(facts.cell_a1)).context["page"]
    assert shown(page, "attendance_rate").value == "90,0 %"
    assert page.breadcrumb == []  # the commune is not theirs to open
    assert page.meetings == []


# --- queries ------------------------------------------------------------------------------------------------------


def _count(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_sub_units(facts, client_for, django_assert_max_num_queries):
    client = client_for(facts.staff)
    commune = facts.commune_a
    Organization.objects.filter(pk=facts.cell_a2.pk).update(active=False)
    CellMonth.objects.filter(cell=facts.cell_a2).delete()
    with django_assert_max_num_queries(12):
        client.get(url(commune))
    one = _count(client, url(commune, sort="attendance_rate"))
    Organization.objects.filter(pk=facts.cell_a2.pk).update(active=True)
    third = org_services.organization_create(parent=commune, kind="cell", code="XA3", name="Chi bộ 3")
    fact(facts.cell_a2, NOV, **meetings(present=7))
    fact(third, NOV, **meetings(present=6))
    with django_assert_max_num_queries(12):
        page = client.get(url(commune, sort="attendance_rate")).context["page"]
    assert len(page.rows) == 3
    assert _count(client, url(commune, sort="attendance_rate")) == one


def test_cell_dashboard_queries_are_bounded(history_world, client_for, django_assert_max_num_queries):
    client = client_for(history_world.secretary)
    with django_assert_max_num_queries(28):
        response = client.get(url(history_world.cell_a1, period="2026"))
    assert len(response.context["page"].meetings) == 11  # the history's meetings of 2026: January to November


def test_chart_queries_are_bounded(facts, client_for, django_assert_max_num_queries):
    client = client_for(facts.staff)
    for name in ("trend", "quality", "ranking"):
        with django_assert_max_num_queries(6):
            client.get(chart_url(facts.commune_a, name))


# --- a cell's meetings --------------------------------------------------------------------------------------------


def test_cell_dashboard_lists_the_meetings_of_the_period(history_world, client_for):
    world = history_world
    response = client_for(world.staff).get(url(world.cell_a1))
    lines = response.context["page"].meetings
    assert len(lines) == 1
    (line,) = lines
    assert line.meeting.scheduled_at.month == 11 and line.attendance.endswith("%") and line.speaking.endswith("%")
    html = response.content.decode()
    assert reverse("meetings:detail", args=[line.meeting.pk]) in html
    assert "05/11/2026" in html


def test_cell_meetings_page(history_world, client_for):
    world = history_world
    client = client_for(world.member_user)
    response = client.get(reverse("oversight:cell_meetings", args=[world.cell_a1.pk]) + "?period=2026-q3")
    assert response.status_code == 200
    assert len(response.context["meetings"]) == 3
    # Only a cell has meetings of its own.
    staff = client_for(world.staff)
    assert staff.get(reverse("oversight:cell_meetings", args=[world.commune_a.pk])).status_code == 404


# --- charts -------------------------------------------------------------------------------------------------------


def _svg(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script"))
    return root, " ".join(t for t in root.itertext())


def test_charts_are_svg_with_vietnamese_labels(facts, client_for):
    client = client_for(facts.staff)
    _root, text = _svg(client.get(chart_url(facts.commune_a, "trend")))
    assert "Diễn biến 12 tháng" in text and "11/2026" in text and "12/2025" in text
    assert "Tỷ lệ dự họp" in text and "Tỷ lệ phát biểu" in text
    root, text = _svg(client.get(chart_url(facts.commune_a, "trend", size="narrow")))
    assert root.get("viewBox").startswith("0 0 400 ")  # drawn for a phone
    assert "Diễn biến 12 tháng" in text
    _root, text = _svg(client.get(chart_url(facts.commune_a, "quality", period="2026-11")))
    assert "Tốt" in text and "Khá" in text and "Chưa chấm" in text
    _root, text = _svg(client.get(chart_url(facts.commune_a, "ranking", figure="attendance_rate")))
    assert "Chi bộ 21" in text and "Chi bộ Thôn Đông" in text and "90,0 %" in text
    assert "Chi bộ Khu 3" not in text


def test_unknown_chart_is_not_found(facts, client_for):
    assert client_for(facts.staff).get(chart_url(facts.commune_a, "pie")).status_code == 404


def test_chart_of_nothing_says_so(world, client_for):
    _root, text = _svg(client_for(world.staff).get(chart_url(world.commune_a, "trend")))
    assert "Chưa có số liệu" in text


# --- the kind of unit on the organisation form, the links in ------------------------------------------------------


def test_new_organisation_gets_its_kind_of_unit(world, client_for):
    client = client_for(world.staff)
    address = reverse("orgs:create_child", args=[world.commune_a.pk])
    assert 'name="sector"' in client.get(address).content.decode()
    response = client.post(
        address, {"kind": "cell", "code": "XA7", "name": "Chi bộ Trường Tiểu học", "sector": "school"}
    )
    assert response.status_code == 302
    assert Organization.objects.get(code="XA7").sector == "school"
    response = client.post(address, {"kind": "cell", "code": "XA8", "name": "Chi bộ 8", "sector": "moon"})
    assert response.status_code == 200 and not Organization.objects.filter(code="XA8").exists()


def test_node_page_and_home_link_to_the_dashboard(world, client_for):
    client = client_for(world.staff)
    html = client.get(reverse("orgs:detail", args=[world.commune_a.pk])).content.decode()
    assert reverse("oversight:dashboard", args=[world.commune_a.pk]) in html
    html = client.get(reverse("home")).content.decode()
    assert reverse("oversight:dashboard", args=[world.commune_a.pk]) in html
