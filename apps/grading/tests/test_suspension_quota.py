"""Suspended members are not graded; internal disunity is stored and disqualifies; the HTXSNV quota is enforced
when the level above decides."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.grading.models import AnnualRating, GradingRule
from apps.grading.queries import grading as queries
from apps.grading.services import grading as services
from apps.members.models import Suspension
from apps.members.testing import add_member
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting

YEAR = 2025


def _appraised(world, member, points):
    rating = services.rating_create_for_member(member=member, year=YEAR)
    AnnualRating.objects.filter(pk=rating.pk).update(status=AnnualRating.Status.SELF_ASSESSED)
    rating.refresh_from_db()
    return services.rating_appraise(rating=rating, user=world.staff, points=points)


@pytest.mark.django_db
def test_a_member_suspended_at_year_end_is_not_graded(world, client_for):
    Suspension.objects.create(member=world.plain_member, starts_on=date(2025, 11, 1), reason="Chờ kỷ luật")
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 1
    with pytest.raises(ValidationError):
        services.rating_create_for_member(member=world.plain_member, year=YEAR)
    page = client_for(world.secretary).get(reverse("grading:year", args=[world.cell_a1.pk, YEAR]))
    row = next(r for r in page.context["rows"] if r["member"] == world.plain_member)
    assert row["why"] == "suspended"


@pytest.mark.django_db
def test_a_suspension_lifted_before_year_end_does_not_stop_grading(world):
    Suspension.objects.create(
        member=world.plain_member, starts_on=date(2025, 2, 1), ends_on=date(2025, 5, 1), reason="Chờ kỷ luật"
    )
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 2


@pytest.mark.django_db
def test_disunity_is_kept_on_the_rating_and_gives_the_lowest_level(world):
    rating = services.rating_create_for_organization(organization=world.cell_a1, year=YEAR)
    services.rating_self_assess(rating=rating, user=world.secretary, points=92, facts={"disunity": False})
    services.rating_appraise(rating=rating, user=world.staff, points=92, facts={"disunity": True})
    rating.refresh_from_db()
    assert (rating.disunity, rating.appraisal_level) == (True, "khtnv")


@pytest.mark.django_db
def test_the_appraisal_form_ticks_disunity(world, client_for):
    rating = services.rating_create_for_organization(organization=world.cell_a1, year=YEAR)
    services.rating_self_assess(rating=rating, user=world.secretary, points=92)
    response = client_for(world.staff).post(
        reverse("grading:rating", args=[rating.pk]),
        {"step": "appraise", "appraise-points": "92", "appraise-disunity": "on", "appraise-note": ""},
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.disunity and rating.appraisal_level == "khtnv"


@pytest.mark.django_db
def test_htxsnv_quota_is_enforced_at_decision(world, client_for):
    members = [add_member(world.cell_a1, full_name=f"Đảng Viên {i}") for i in range(8)]
    ratings = [_appraised(world, m, 95) for m in members[:2]] + [_appraised(world, m, 80) for m in members[2:]]
    # 8 graded HTTNV or better → 20 % allows 1 HTXSNV.
    services.rating_decide(rating=ratings[0], user=world.staff, level="htxsnv")
    with pytest.raises(ValidationError) as exc:
        services.rating_decide(rating=ratings[1], user=world.staff, level="htxsnv")
    assert "level" in exc.value.message_dict
    assert AnnualRating.objects.get(pk=ratings[1].pk).status == AnnualRating.Status.APPRAISED
    services.rating_decide(rating=ratings[1], user=world.staff, level="httnv", note="Theo chỉ tiêu")
    # Through the page: the message is shown on the form, nothing is decided.
    other = _appraised(world, add_member(world.cell_a2, full_name="Đảng Viên Thôn Đông"), 96)
    response = client_for(world.staff).post(
        reverse("grading:rating", args=[other.pk]), {"step": "decide", "decide-level": "htxsnv", "decide-note": ""}
    )
    assert response.status_code == 200 and "level" in response.context["forms"]["decide"].errors
    assert AnnualRating.objects.get(pk=other.pk).decision_level == ""


@pytest.mark.django_db
def test_the_quota_is_a_setting_that_can_be_switched_off(world):
    rule = GradingRule.objects.get(code="QD366-2025")
    rule.levels = {**rule.levels, "quota_htxsnv_percent_of_httnv": None}
    rule.save()
    ratings = [_appraised(world, add_member(world.cell_a1, full_name=f"Người {i}"), 95) for i in range(2)]
    for rating in ratings:
        services.rating_decide(rating=rating, user=world.staff, level="htxsnv")
    assert AnnualRating.objects.filter(decision_level="htxsnv").count() == 2


@pytest.mark.django_db
def test_grassroots_unit_follows_the_level_label(world):
    assert queries.grassroots_of(world.cell_a1) == world.commune_a  # no label: the committee above the cell
    world.cell_a1.level_label = "Chi bộ cơ sở"
    world.cell_a1.save()
    assert queries.grassroots_of(world.cell_a1) == world.cell_a1


@pytest.mark.django_db
def test_member_evidence_carries_the_cells_meeting_quality(world, client_for):
    attach_small_rubric(world.cell_a1)
    year = timezone.localdate().year
    members = [world.secretary_member, world.plain_member]
    for day in (10, 17):
        meeting = held_meeting(world.cell_a1, members, when=timezone.make_aware(datetime(year, 1, day, 19, 30)))
        services_score.score_propose(meeting=meeting, judged={"discussion": "4", "steps": [True, True]})
    assert services.ratings_start(organization=world.cell_a1, year=year) == 2
    rating = AnnualRating.objects.get(member=world.plain_member, year=year)
    assert rating.evidence["cell_meetings_scored"] == 2
    assert rating.evidence["cell_meetings_good"] == 2
    assert rating.evidence["cell_meeting_quality_year"]
    page = client_for(world.member_user).get(reverse("grading:rating", args=[rating.pk])).content.decode()
    assert "Chất lượng sinh hoạt của chi bộ trong năm" in page


@pytest.mark.django_db
def test_a_steps_form_shows_only_while_the_step_can_be_taken(world, client_for):
    rating = services.rating_create_for_member(member=world.plain_member, year=YEAR)
    url = reverse("grading:rating", args=[rating.pk])
    client = client_for(world.staff)
    assert set(client.get(url).context["forms"]) == set()  # the member assesses themself first
    services.rating_self_assess(rating=rating, user=world.member_user, points=85)
    assert set(client.get(url).context["forms"]) == {"appraise"}
    response = client.post(url, {"step": "decide", "decide-level": "httnv", "decide-note": ""})
    assert response.status_code == 403
    services.rating_appraise(rating=rating, user=world.staff, points=85)
    assert set(client.get(url).context["forms"]) == {"appraise", "decide"}
