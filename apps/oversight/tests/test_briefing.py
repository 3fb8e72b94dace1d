"""The monthly briefing pack of a committee: the sub-units' results of the month before, the exceptions, the briefing
day from the thresholds, the month's focus written by the committee's staff (audited), and the .docx in the party
format (its download recorded as an access). Who: staff, the inspection commission (read only); a cell has no
briefing; the outsider, a plain member and a cell's supervisor find nothing (404)."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from docx import Document

from apps.common.scoping import Role
from apps.common.testing import snapshot
from apps.members.testing import grant
from apps.orgs.services import tree as org_services
from apps.oversight.models import Briefing, OversightRule
from apps.oversight.rules import warnings as rules
from apps.oversight.tests.test_warnings import fact, steady
from apps.resolutions.testing import make_resolution
from tests.walk.guard import watching

state = snapshot(Briefing.objects.order_by("pk").values_list("committee_id", "month", "held_on", "focus"))
FOCUS = "Tập trung thu đảng phí quý IV.\nChuẩn bị sinh hoạt chuyên đề tháng 12."


def url(org, month=None, name="briefing"):
    if month is None:
        return reverse("oversight:briefing_current", args=[org.pk])
    return reverse(f"oversight:{name}", args=[org.pk, month])


@pytest.fixture
def commune(world):
    """Commune A in December 2026: A1 met in November (9 of 10 present), A2 did not; A1 has an overdue task."""
    steady(world.cell_a1)
    make_resolution(world.cell_a1, tasks=1, targets=0, deadline=date(2026, 11, 20))
    return world


@pytest.mark.django_db
def test_the_current_briefing_reviews_last_month(commune, client_for):
    response = client_for(commune.staff).get(url(commune.commune_a))
    assert response.status_code == 200
    pack = response.context["pack"]
    assert pack.month == date(2026, 12, 1) and pack.reviewed.key == "2026-11" and pack.ready
    assert pack.day == date(2026, 12, 3)  # the default briefing day
    assert [(r.org, r.figures["meetings_held"], r.figures["attendance_rate"]) for r in pack.rows] == [
        (commune.cell_a1, 1, 90.0),
        (commune.cell_a2, 0, None),
    ]
    assert pack.total.figures["attendance_rate"] == 90.0
    kinds = {(w.kind, w.org.pk) for w in pack.exceptions}
    assert (rules.NO_MEETING, commune.cell_a2.pk) in kinds and (rules.OVERDUE_TASK, commune.cell_a1.pk) in kinds
    assert {kind for kind, _org in kinds} <= set(rules.BRIEFING_KINDS)  # no calendar, no removal watch here
    html = response.content.decode()
    assert "Giao ban ngày 03/12/2026" in html and 'id="docx"' in html


@pytest.mark.django_db
def test_the_briefing_day_is_the_committees_threshold_or_the_date_recorded(commune, client_for):
    OversightRule.objects.create(organization=commune.province, effective_from=date(2026, 1, 1), briefing_day=5)
    client = client_for(commune.staff)
    assert client.get(url(commune.commune_a, "2026-12")).context["pack"].day == date(2026, 12, 5)
    Briefing.objects.create(committee=commune.commune_a, month=date(2026, 12, 1), held_on=date(2026, 11, 30))
    response = client.get(url(commune.commune_a, "2026-12"))
    assert response.context["pack"].day == date(2026, 11, 30)
    assert "Giao ban ngày 30/11/2026" in response.content.decode()


@pytest.mark.django_db
def test_attendance_under_the_threshold_is_an_exception(commune, client_for):
    fact(commune.cell_a2, date(2026, 11, 1), attendance_present=7)  # 70%
    pack = client_for(commune.staff).get(url(commune.commune_a, "2026-12")).context["pack"]
    row = {r.org.pk: r for r in pack.rows}[commune.cell_a2.pk]
    assert row.low_attendance and not {r.org.pk: r for r in pack.rows}[commune.cell_a1.pk].low_attendance
    assert (rules.LOW_ATTENDANCE, commune.cell_a2.pk) in {(w.kind, w.org.pk) for w in pack.exceptions}


@pytest.mark.django_db
def test_a_month_not_begun_is_not_ready(commune, client_for):
    client = client_for(commune.staff)
    response = client.get(url(commune.commune_a, "2027-01"))
    assert response.status_code == 200 and not response.context["pack"].ready
    assert 'id="not-ready"' in response.content.decode() and response.context["pack"].rows == []
    assert client.get(url(commune.commune_a, "2027-01", "briefing_docx")).status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "1999-01", "2026-1", "abc", "2026-00"])
@pytest.mark.django_db
def test_a_bad_month_is_not_found(world, client_for, month):
    assert client_for(world.staff).get(url(world.commune_a, month)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("staff", "cell_a1", 404),  # a cell has no briefing
        ("secretary", "cell_a1", 404),
        ("supervisor", "commune_a", 404),
        ("member_user", "commune_a", 404),
        ("outsider", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_who_reads_the_briefing(world, client_for, persona, org, expected):
    client = client_for(getattr(world, persona))
    assert client.get(url(getattr(world, org), "2026-12")).status_code == expected
    assert client.get(url(getattr(world, org), "2026-12", "briefing_docx")).status_code == expected
    if expected == 200:
        response = client.get(url(getattr(world, org)))
        assert response.context["can_write"] == (persona == "staff")


@pytest.mark.django_db
def test_staff_write_the_months_focus_audited(world, client_for):
    client = client_for(world.staff)
    response = client.post(url(world.commune_a, "2026-12", "briefing_focus"), {"focus": FOCUS, "held_on": "03/12/2026"})
    assert response.status_code == 302 and response["Location"] == url(world.commune_a, "2026-12")
    assert state() == [(world.commune_a.pk, date(2026, 12, 1), date(2026, 12, 3), FOCUS)]
    briefing = Briefing.objects.get()
    assert briefing.updated_by == world.staff
    client.post(url(world.commune_a, "2026-12", "briefing_focus"), {"focus": "Thu đảng phí.", "held_on": ""})
    assert state() == [(world.commune_a.pk, date(2026, 12, 1), None, "Thu đảng phí.")]  # the same row, changed
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Briefing), object_pk=str(briefing.pk)
    )
    assert [e.action for e in entries.order_by("pk")] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    html = client.get(url(world.commune_a, "2026-12")).content.decode()
    assert "Thu đảng phí." in html


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("inspector", "commune_a", 403),
        ("staff", "cell_a1", 404),
        ("supervisor", "commune_a", 404),
        ("outsider", "commune_a", 404),
    ],
)
@pytest.mark.django_db
def test_writing_the_focus_without_rights_changes_nothing(world, client_for, persona, org, expected):
    response = client_for(getattr(world, persona)).post(
        url(getattr(world, org), "2026-12", "briefing_focus"), {"focus": FOCUS}
    )
    assert response.status_code == expected
    assert state() == []


@pytest.mark.django_db
def test_a_briefing_day_outside_the_month_is_refused(world, client_for):
    response = client_for(world.staff).post(
        url(world.commune_a, "2026-12", "briefing_focus"), {"focus": FOCUS, "held_on": "15/01/2027"}
    )
    assert response.status_code == 200 and list(response.context["form"].errors) == ["held_on"]
    assert state() == []
    assert client_for(world.staff).get(url(world.commune_a, "2026-12", "briefing_focus")).status_code == 405


@pytest.mark.django_db
def test_the_docx_holds_the_sub_units_and_the_focus_and_is_an_access(commune, client_for):
    Briefing.objects.create(committee=commune.commune_a, month=date(2026, 12, 1), focus=FOCUS)
    response = client_for(commune.staff).get(url(commune.commune_a, "2026-12", "briefing_docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="giao-ban-2026-12.docx"'
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Chi bộ 21" in cells and "Chi bộ Thôn Đông" in cells and "Toàn đảng bộ" in cells
    assert "Tập trung thu đảng phí quý IV." in text and "Chuẩn bị sinh hoạt chuyên đề tháng 12." in text
    assert "BÁO CÁO" in text and "TRỌNG TÂM THÁNG 12/2026" in text
    assert "T/M ĐẢNG ỦY" in cells and "ĐẢNG ỦY XÃ AN" in cells and "ĐẢNG BỘ TỈNH THỬ" in cells
    assert "90" in cells and "không sinh hoạt thường kỳ" in cells  # A1's rate; A2's exception
    access = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert access.content_type == ContentType.objects.get_for_model(Briefing)


@pytest.mark.django_db
def test_an_unsaved_briefings_download_is_an_access_on_the_committee(commune, client_for):
    client = client_for(commune.staff)
    client.get(url(commune.commune_a))
    with watching() as watch:
        response = client.get(url(commune.commune_a, "2026-12", "briefing_docx"))
    assert response.status_code == 200 and watch.problems == []  # only the access entry
    access = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert access.object_pk == str(commune.commune_a.pk) and Briefing.objects.count() == 0
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "……" in text  # room for the focus, to fill in


@pytest.mark.django_db
def test_the_page_writes_nothing(commune, client_for):
    client = client_for(commune.staff)
    client.get(url(commune.commune_a))
    with watching() as watch:
        assert client.get(url(commune.commune_a, "2026-11")).status_code == 200
        assert client.get(url(commune.commune_a)).status_code == 200
    assert watch.problems == [] and Briefing.objects.count() == 0


def _commune_with(world, cells: int):
    commune = org_services.organization_create(
        parent=world.province, kind="committee", code=f"XD{cells}", name=f"Đảng bộ xã Thử {cells}"
    )
    for n in range(cells):
        cell = org_services.organization_create(parent=commune, kind="cell", code=f"XD{cells}-{n}", name=f"Chi bộ {n}")
        fact(cell, date(2026, 11, 1), attendance_present=7, regular_held=n % 2)
        make_resolution(cell, tasks=2, targets=0, deadline=date(2026, 11, 1))
    Briefing.objects.create(committee=commune, month=date(2026, 12, 1), focus=FOCUS)
    return commune


@pytest.mark.django_db
def test_the_page_and_docx_take_the_same_queries_for_one_or_three_sub_units(
    world, client_for, django_assert_max_num_queries
):
    one, three = _commune_with(world, 1), _commune_with(world, 3)
    grant(world.staff, world.province, Role.COMMITTEE_STAFF)
    client = client_for(world.staff)
    for name in ("briefing", "briefing_docx"):
        counts = []
        for commune in (one, three):
            with django_assert_max_num_queries(15) as captured:
                assert client.get(url(commune, "2026-12", name)).status_code == 200
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1], name
