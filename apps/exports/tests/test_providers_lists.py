"""The tasks', scores' and grades' tables hold the rows of their pages, for each persona, and nothing outside."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import today
from apps.exports.rules.tables import Unavailable
from apps.exports.testing import column, rows, sheet, table
from apps.grading.models import AnnualRating
from apps.grading.queries.grading import year_overview
from apps.grading.services import grading as services_grading
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting
from apps.resolutions.queries.tasks import overdue_for
from apps.resolutions.testing import make_resolution

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- tasks


@pytest.fixture
def late_tasks(world):
    past = today() - timedelta(days=10)
    make_resolution(world.cell_a1, title="Nghị quyết A1", tasks=2, lead=world.plain_member, deadline=past)
    make_resolution(world.cell_a2, title="Nghị quyết A2", tasks=1, deadline=past)
    make_resolution(world.cell_b1, title="Nghị quyết B1", tasks=1, deadline=past)
    return world


def test_overdue_tasks_are_the_overdue_pages(late_tasks):
    world = late_tasks
    for user in (world.staff, world.secretary, world.supervisor, world.outsider, world.member_user):
        lines = rows(user, "tasks")
        page = list(overdue_for(user, today=today()))
        assert column(lines, 1) == [t.title for t in page]
        assert column(lines, 3) == [t.organization.name for t in page]
        assert set(column(lines, 7)) <= {10}
    assert set(column(rows(world.staff, "tasks"), 3)) == {"Chi bộ 21", "Chi bộ Thôn Đông"}
    assert set(column(rows(world.outsider, "tasks"), 3)) == {"Chi bộ Khu 3"}


def test_my_tasks_and_a_resolutions_tasks(late_tasks):
    world = late_tasks
    mine = rows(world.member_user, "tasks", list="mine")
    assert column(mine, 1) == ["Nhiệm vụ 1", "Nhiệm vụ 2"] and set(column(mine, 4)) == {"Lê Văn Đảng Viên"}
    assert column(mine, 6) == ["Quá hạn", "Quá hạn"]
    resolution = make_resolution(world.cell_a1, title="Nghị quyết tháng 12", tasks=3)
    with pytest.raises(Unavailable):  # the supervisor follows A2
        table(world.supervisor, "tasks", resolution=resolution.pk)
    lines = rows(world.member_user, "tasks", resolution=resolution.pk)  # a member reads their cell's resolutions
    assert column(lines, 1) == ["Nhiệm vụ 1", "Nhiệm vụ 2", "Nhiệm vụ 3"]
    assert table(world.member_user, "tasks", resolution=resolution.pk).title == "Nghị quyết tháng 12"
    with pytest.raises(Unavailable):
        table(world.outsider, "tasks", resolution=resolution.pk)
    with pytest.raises(Unavailable):
        table(world.staff, "tasks", list="everything")


def test_tasks_button_on_the_overdue_page_leads_to_the_export(late_tasks, client_for):
    page = client_for(late_tasks.staff).get(reverse("resolutions:overdue")).content.decode()
    assert reverse("exports:start", args=["tasks"]) + "?list=overdue" in page


# ---------------------------------------------------------------------------------------------- scores


@pytest.fixture
def scored(world):
    attach_small_rubric(world.commune_a)  # its cells inherit it
    judged = {"discussion": "4", "steps": [True, True]}
    first = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    services_score.score_propose(meeting=first, judged=judged)
    second = held_meeting(
        world.cell_a1, [world.secretary_member, world.plain_member], when=timezone.now() - timedelta(days=20)
    )
    score = services_score.score_propose(meeting=second, judged=judged)
    services_score.score_override(score=score, judged={"discussion": "1", "steps": [True, False]}, reason="Ít ý kiến")
    other = held_meeting(world.cell_a2, [world.a2_member])
    services_score.score_propose(meeting=other, judged=judged)
    return world


def test_scores_of_a_cell_and_of_a_commune(scored):
    world = scored
    lines = rows(world.secretary, "scores", org=world.cell_a1.pk, year=2026)
    assert len(lines) == 2 and column(lines, 1) == sorted(column(lines, 1))
    overridden = lines[0]
    assert overridden[4] == 10 and overridden[5] == "Tốt"
    assert overridden[6] == Decimal("6.5") and overridden[7] == "Trung bình" and "chấm lại" in overridden[8]
    assert lines[1][6] is None and lines[1][7] == "Tốt"
    assert set(column(rows(world.staff, "scores", org=world.commune_a.pk, year=2026), 2)) == {
        "Chi bộ 21",
        "Chi bộ Thôn Đông",
    }
    ws = sheet(table(world.staff, "scores", org=world.commune_a.pk, year=2026))
    assert ws.cell(row=7, column=5).value == 10 and ws.cell(row=7, column=5).number_format == "General"


def test_scores_are_seen_where_the_meeting_is(scored):
    world = scored
    assert len(rows(world.member_user, "scores", org=world.cell_a1.pk, year=2026)) == 2  # the cell's own members
    assert len(rows(world.supervisor, "scores", org=world.cell_a2.pk, year=2026)) == 1
    refused = ((world.outsider, world.cell_a1), (world.supervisor, world.cell_a1), (world.member_user, world.cell_a2))
    for user, org in refused:
        with pytest.raises(Unavailable):
            table(user, "scores", org=org.pk, year=2026)
    assert rows(world.secretary, "scores", org=world.cell_a1.pk, year=2025) == []


# ---------------------------------------------------------------------------------------------- grades

YEAR = 2025


@pytest.fixture
def graded(world):
    services_grading.ratings_start(organization=world.cell_a1, year=YEAR)
    services_grading.ratings_start(organization=world.commune_a, year=YEAR)
    rating = AnnualRating.objects.get(member=world.plain_member)
    rating.status, rating.self_points, rating.self_level = AnnualRating.Status.SELF_ASSESSED, Decimal("85.5"), "httnv"
    rating.save()
    return world


def test_grades_are_the_grading_pages_rows(graded):
    world = graded
    lines = rows(world.secretary, "grades", org=world.cell_a1.pk, year=YEAR)
    page = year_overview(world.secretary, world.cell_a1, YEAR)["rows"]
    assert column(lines, 1) == [row["name"] for row in page]
    own = next(line for line in lines if line[1] == world.plain_member.full_name)
    assert (own[3], own[4]) == ("HTTNV", Decimal("85.5"))
    committee = rows(world.staff, "grades", org=world.commune_a.pk, year=YEAR)
    assert column(committee, 1) == ["Chi bộ 21", "Chi bộ Thôn Đông"]
    assert table(world.staff, "grades", org=world.commune_a.pk, year=YEAR).columns[1].header == "Tổ chức đảng"


def test_a_member_exports_the_grades_page_as_they_see_it(graded):
    world = graded
    lines = rows(world.member_user, "grades", org=world.cell_a1.pk, year=YEAR)
    page = year_overview(world.member_user, world.cell_a1, YEAR)["rows"]
    assert column(lines, 1) == [row["name"] for row in page] == [world.plain_member.full_name]
    with pytest.raises(Unavailable):
        table(world.outsider, "grades", org=world.cell_a1.pk, year=YEAR)
