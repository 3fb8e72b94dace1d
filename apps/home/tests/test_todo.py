"""The home page's "waiting for you": each list follows the permissions of the page it links to, inside the
user's scope; nothing from another cell or commune; a fixed number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import Role
from apps.grading.services import grading
from apps.home.queries.todo import todo_for
from apps.members.testing import add_member, grant
from apps.quality.services import score as services_score
from apps.quality.testing import held_meeting

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, list[str]]:
    return {t.kind: [r.url for r in t.rows] for t in todo_for(user, timezone.localdate())}


def test_a_held_meeting_waits_for_its_score_then_for_the_supervisor(world):
    meeting = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    url = reverse("quality:meeting_score", args=[meeting.pk])
    assert kinds(world.secretary)["score"] == [url]
    assert "score" not in kinds(world.outsider) and "score" not in kinds(world.member_user)
    services_score.score_propose(meeting=meeting, judged={}, by=world.secretary)
    assert "score" not in kinds(world.secretary)
    assert kinds(world.staff)["confirm"] == [url]
    assert "confirm" not in kinds(world.supervisor)  # supervises cell A2, not A1
    grant(world.supervisor, world.cell_a1, Role.SUPERVISOR)
    world.supervisor = type(world.supervisor).objects.get(pk=world.supervisor.pk)  # fresh grants
    assert kinds(world.supervisor)["confirm"] == [url]
    services_score.score_confirm(score=meeting.score, by=world.supervisor)
    assert "confirm" not in kinds(world.staff)


def test_grading_steps_reach_who_takes_them(world):
    year = date.today().year
    grading.ratings_start(organization=world.cell_a1, year=year)
    rating = world.plain_member.ratings.get(year=year)
    url = reverse("grading:rating", args=[rating.pk])
    assert kinds(world.member_user)["self"] == [url]
    assert "appraise" not in kinds(world.secretary)
    grading.rating_self_assess(rating=rating, user=world.member_user, points=85)
    assert "self" not in kinds(world.member_user)
    assert url in kinds(world.secretary)["appraise"] and url in kinds(world.staff)["appraise"]
    assert "appraise" not in kinds(world.outsider)
    grading.rating_appraise(rating=rating, user=world.secretary, points=85)
    assert kinds(world.staff)["decide"] == [url]
    assert "decide" not in kinds(world.secretary) and "decide" not in kinds(world.outsider)


def test_an_organisations_own_rating_is_decided_only_from_above(world):
    year = date.today().year
    grading.ratings_start(organization=world.commune_a, year=year)  # the cells' collective ratings
    cell_rating = world.cell_a1.ratings.get(year=year, is_collective=True)
    url = reverse("grading:rating", args=[cell_rating.pk])
    assert url in kinds(world.secretary)["self_org"]
    grading.rating_self_assess(rating=cell_rating, user=world.secretary, points=88)
    assert url in kinds(world.staff)["appraise"] and "appraise" not in kinds(world.secretary)
    commune_rating = grading.rating_create_for_organization(organization=world.commune_a, year=year)
    type(commune_rating).objects.filter(pk=commune_rating.pk).update(status="appraised", appraisal_level="httnv")
    assert reverse("grading:rating", args=[commune_rating.pk]) not in kinds(world.staff).get("decide", [])


@pytest.mark.parametrize("meetings", [1, 4])
def test_home_queries_do_not_grow_with_the_lists(world, client_for, meetings):
    members = [world.secretary_member, world.plain_member] + [add_member(world.cell_a1) for _ in range(2)]
    for day in range(meetings):
        held_meeting(world.cell_a1, members, when=timezone.now() - timezone.timedelta(days=day + 1))
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200 and response.content.decode().count("/quality/meetings/") == meetings
    # session, user, grants, role nodes, own member, probation count, then a count and the rows per list, and the
    # own cell for the next meeting (staff have none: no meeting query)
    assert len(ctx.captured_queries) == 14, [q["sql"][:90] for q in ctx.captured_queries]


def test_with_nested_grants_the_lower_node_is_decided_from_the_higher_one(world):
    year = date.today().year
    commune_rating = grading.rating_create_for_organization(organization=world.commune_a, year=year)
    type(commune_rating).objects.filter(pk=commune_rating.pk).update(status="appraised", appraisal_level="httnv")
    url = reverse("grading:rating", args=[commune_rating.pk])
    assert url not in kinds(world.staff).get("decide", [])  # staff of the commune: not the level above
    grant(world.staff, world.province, Role.COMMITTEE_STAFF)
    staff = type(world.staff).objects.get(pk=world.staff.pk)  # fresh grants
    assert url in kinds(staff)["decide"]
