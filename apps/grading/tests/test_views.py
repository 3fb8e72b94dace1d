from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.grading.models import AnnualRating
from apps.grading.services import grading as services
from apps.members.models import Exemption
from apps.members.testing import add_member

YEAR = 2025


def _year_url(org):
    return reverse("grading:year", args=[org.pk, YEAR])


def _start_url(org):
    return reverse("grading:start", args=[org.pk, YEAR])


def _decided(rating, level, world):
    rating.status, rating.appraisal_level, rating.decision_level = "decided", level, level
    rating.save()


@pytest.mark.parametrize("persona", ["secretary", "member_user", "staff", "inspector"])
def test_year_page_allowed(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(_year_url(world.cell_a1)).status_code == 200


def test_year_page_outsider_and_anonymous(world, client, client_for):
    response = client.get(_year_url(world.cell_a1))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_for(world.outsider).get(_year_url(world.cell_a1)).status_code == 404


def test_start_by_secretary(world, client_for):
    response = client_for(world.secretary).post(_start_url(world.cell_a1))
    assert response.status_code == 302
    assert AnnualRating.objects.count() == 2


@pytest.mark.parametrize("persona", ["outsider", "member_user", "inspector"])
def test_start_denied_leaves_database_unchanged(world, client_for, persona):
    assert client_for(getattr(world, persona)).post(_start_url(world.cell_a1)).status_code == 404
    assert AnnualRating.objects.count() == 0


def test_start_anonymous(world, client):
    assert client.post(_start_url(world.cell_a1)).status_code == 302
    assert AnnualRating.objects.count() == 0


def test_exempted_member_shown_not_graded(world, client_for):
    Exemption.objects.create(member=world.plain_member, starts_on=date(2025, 1, 1), reason="Tuổi cao")
    client = client_for(world.secretary)
    client.post(_start_url(world.cell_a1))
    html = client.get(_year_url(world.cell_a1)).content.decode()
    assert "not graded (exempted)" in html or "không đánh giá" in html
    assert not AnnualRating.objects.filter(member=world.plain_member).exists()


def test_member_sees_only_own_rating(world, client_for):
    services.ratings_start(organization=world.cell_a1, year=YEAR)
    own = AnnualRating.objects.get(member=world.plain_member)
    other = AnnualRating.objects.get(member=world.secretary_member)
    client = client_for(world.member_user)
    assert client.get(reverse("grading:rating", args=[own.pk])).status_code == 200
    assert client.get(reverse("grading:rating", args=[other.pk])).status_code == 404
    assert client_for(world.outsider).get(reverse("grading:rating", args=[own.pk])).status_code == 404


def test_three_steps_through_the_page(world, client_for):
    rating = services.rating_create_for_member(member=world.plain_member, year=YEAR)
    url = reverse("grading:rating", args=[rating.pk])
    response = client_for(world.member_user).post(url, {"step": "self", "self-points": "85", "self-note": "Tốt"})
    assert response.status_code == 302
    response = client_for(world.secretary).post(url, {"step": "appraise", "appraise-points": "80"})
    assert response.status_code == 302
    # The secretary cannot decide: the form is not offered and a forged POST is refused.
    page = client_for(world.secretary).get(url).content.decode()
    assert 'value="decide"' not in page
    assert client_for(world.secretary).post(url, {"step": "decide", "decide-level": "htxsnv"}).status_code == 403
    rating.refresh_from_db()
    assert (rating.status, rating.decision_level) == ("appraised", "")
    response = client_for(world.staff).post(url, {"step": "decide", "decide-level": "httnv"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.status, rating.decision_level) == ("decided", "httnv")


def test_invalid_points_show_errors(world, client_for):
    rating = services.rating_create_for_member(member=world.plain_member, year=YEAR)
    url = reverse("grading:rating", args=[rating.pk])
    response = client_for(world.member_user).post(url, {"step": "self", "self-points": "120"})
    assert response.status_code == 200
    assert AnnualRating.objects.get().status == "draft"


def test_figures_over_the_subtree(world, client_for):
    services.ratings_start(organization=world.commune_a, year=YEAR)
    services.ratings_start(organization=world.cell_a1, year=YEAR)
    services.ratings_start(organization=world.cell_a2, year=YEAR)
    a1, a2 = AnnualRating.objects.filter(is_collective=True).order_by("organization__path")
    _decided(a1, "httnv", world)
    _decided(a2, "htnv", world)
    levels = {world.secretary_member.pk: "htxsnv", world.plain_member.pk: "htnv", world.a2_member.pk: "khtnv"}
    for rating in AnnualRating.objects.filter(is_collective=False):
        _decided(rating, levels[rating.member_id], world)
    response = client_for(world.staff).get(_year_url(world.commune_a))
    assert response.context["org_share"] == Decimal("50.0")
    assert response.context["member_share"] == Decimal("33.3")
    response = client_for(world.secretary).get(_year_url(world.cell_a1))
    assert response.context["org_share"] == Decimal("100.0")
    assert response.context["member_share"] == Decimal("50.0")


@pytest.mark.parametrize("rows", [1, 3])
def test_year_page_query_count(world, client_for, rows):
    for i in range(rows - 1):  # cell A2 has one member
        add_member(world.cell_a2, full_name=f"Thêm {i}")
    services.ratings_start(organization=world.cell_a2, year=YEAR)
    assert AnnualRating.objects.count() == rows
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_year_url(world.cell_a2)).status_code == 200
    # session, user, grants, organisation, can_start, members, exemptions, suspensions, ratings (with member,
    # organisation, rule), the rule of the year, decided levels of the subtree, then the quota as enforced: the
    # grassroots organisation (its ancestors) and the members' levels there
    assert len(ctx.captured_queries) == 13, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("extra", [0, 2])
def test_rating_page_query_count(world, client_for, extra):
    for i in range(extra):
        add_member(world.cell_a1, full_name=f"Thêm {i}")
    services.ratings_start(organization=world.cell_a1, year=YEAR)
    rating = AnnualRating.objects.get(member=world.plain_member)
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("grading:rating", args=[rating.pk])).status_code == 200
    # session, user, grants, the rating with member, user, organisation and rule
    assert len(ctx.captured_queries) == 4, [q["sql"] for q in ctx.captured_queries]


def test_quota_shown_on_cell_page(world, client_for):
    services.ratings_start(organization=world.cell_a1, year=YEAR)
    for rating in AnnualRating.objects.all():
        _decided(rating, "htxsnv", world)
    response = client_for(world.secretary).get(_year_url(world.cell_a1))
    quota = response.context["quota"]
    assert (quota.count, quota.limit, quota.ok) == (2, 0, False)


def test_the_quota_on_a_cells_page_is_the_one_the_level_above_enforces(world, client_for):
    """Counted over the grassroots organisation (here the commune), not the cell alone."""
    for i in range(9):
        add_member(world.cell_a2, full_name=f"Đảng viên Thôn Đông {i}")
    services.ratings_start(organization=world.cell_a2, year=YEAR)
    for rating in AnnualRating.objects.filter(organization=world.cell_a2):
        _decided(rating, "httnv", world)
    services.ratings_start(organization=world.cell_a1, year=YEAR)
    _decided(AnnualRating.objects.get(member=world.plain_member), "htxsnv", world)
    quota = client_for(world.secretary).get(_year_url(world.cell_a1)).context["quota"]
    assert (quota.count, quota.limit, quota.ok) == (1, 2, True)  # 20 % of the 11 decided HTTNV or better
