"""Scoring services: proposal with computed items, knock-outs, adoption, override, rubric locking."""

import pytest
from django.core.exceptions import ValidationError

from apps.meetings.testing import make_meeting
from apps.quality.models import MeetingScore, Rubric
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.services import rubrics as services
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting

pytestmark = pytest.mark.django_db

FULL = {"discussion": "4", "steps": [True, True]}


@pytest.fixture
def rubric(world):
    return attach_small_rubric(world.cell_a1)


def _held(world, **kwargs):
    return held_meeting(world.cell_a1, [world.secretary_member, world.plain_member], **kwargs)


def test_propose_fills_computed_items_with_explanations(world, rubric):
    score = services_score.score_propose(meeting=_held(world), judged=FULL, by=world.secretary)
    item = score.result["items"]["attendance"]
    assert item["points"] == "5.00" or item["points"] == "5"
    assert item["explanation"] == "Tỷ lệ dự họp: 100% (2/2, 0 miễn), 5/5 điểm"
    assert score.metrics["attendance_present"] == 2
    assert score.result["total"] in ("10", "10.00", "10.0")
    assert score.result["level"] == "tot" and score.final_level == "tot"
    assert score.rubric == rubric and score.proposed_by == world.secretary


def test_knockout_lowers_the_level(world, rubric):
    meeting = _held(world, statuses={world.plain_member.pk: "unexcused"})
    score = services_score.score_propose(meeting=meeting, judged=FULL)
    assert score.result["level_by_points"] == "tot"
    assert score.result["level"] == "kha"
    assert score.result["knocked_out"] == ["no-unexcused"]


@pytest.mark.parametrize(
    ("judged", "field"),
    [({"discussion": "4.5"}, "j_discussion"), ({"discussion": "-1"}, "j_discussion"), ({"steps": [True]}, "j_steps")],
)
def test_judged_values_out_of_range_are_refused(world, rubric, judged, field):
    with pytest.raises(ValidationError) as exc:
        services_score.score_propose(meeting=_held(world), judged=judged)
    assert field in exc.value.message_dict
    assert not MeetingScore.objects.exists()


def test_a_meeting_not_held_cannot_be_scored(world, rubric):
    with pytest.raises(ValidationError):
        services_score.score_propose(meeting=make_meeting(world.cell_a1), judged=FULL)


def test_override_changes_the_final_level_and_keeps_both(world, rubric):
    score = services_score.score_propose(meeting=_held(world), judged=FULL)
    score = services_score.score_override(
        score=score, judged={"discussion": "0", "steps": [False, False]}, reason="Thảo luận hình thức", by=world.staff
    )
    score.refresh_from_db()
    assert score.result["level"] == "tot"
    assert score.override_result["level"] == "trung_binh"
    assert score.final_level == "trung_binh" and score.overridden
    assert score.confirmed_by == world.staff and score.override_reason == "Thảo luận hình thức"


def test_override_requires_a_reason(world, rubric):
    score = services_score.score_propose(meeting=_held(world), judged=FULL)
    with pytest.raises(ValidationError) as exc:
        services_score.score_override(score=score, judged=FULL, reason="  ")
    assert "reason" in exc.value.message_dict
    score.refresh_from_db()
    assert score.override_result is None and score.confirmed_at is None


def test_confirm_keeps_the_proposed_level(world, rubric):
    score = services_score.score_propose(meeting=_held(world), judged=FULL)
    score = services_score.score_confirm(score=score, by=world.staff)
    assert score.final_level == "tot" and not score.overridden
    with pytest.raises(ValidationError):
        services_score.score_propose(meeting=score.meeting, judged=FULL)


def test_adoption_with_a_vote_needs_a_majority_of_eligible_members(world, rubric):
    score = services_score.score_propose(meeting=_held(world), judged=FULL)
    with pytest.raises(ValidationError) as exc:
        services_score.score_adopt(score=score, approving=1)  # 1 of 2 is not more than half
    assert "approving" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services_score.score_adopt(score=score, approving=3)
    score = services_score.score_adopt(score=score, approving=2, by=world.secretary)
    assert (score.votes_for, score.votes_eligible) == (2, 2) and score.adopted_at is not None
    score = services_score.score_adopt(score=score, approving=None)
    assert score.votes_for is None and score.adopted_at is not None  # adopted by the board


def test_rubric_locked_on_first_score_and_kept_after_a_revision(world, rubric):
    meeting = _held(world)
    score = services_score.score_propose(meeting=meeting, judged=FULL)
    rubric.refresh_from_db()
    assert rubric.locked
    revised = services.rubric_revise(rubric=rubric, items={"discussion": {"title": "Chất lượng thảo luận"}})
    assert revised.pk != rubric.pk and revised.version == 2
    assert queries_rubrics.rubric_for(world.cell_a1, meeting.scheduled_at.date(), "regular") == revised
    score = services_score.score_propose(meeting=meeting, judged=FULL)  # proposing again keeps its sheet
    assert score.rubric_id == rubric.pk
    assert Rubric.objects.get(pk=rubric.pk).categories.get().items.get(code="discussion").title == "Thảo luận"


def test_shipped_rubric_scores_a_meeting(world):
    score = services_score.score_propose(meeting=_held(world), judged={})
    assert score.rubric.code == "HD42-PHUONG-2025"
    assert "Tỷ lệ dự họp: 100%" in score.result["items"]["attendance"]["explanation"]


def test_confirming_never_erases_an_override(world, rubric):
    """Adopted records never change silently: an override stays until the supervisor overrides again."""
    score = services_score.score_propose(meeting=_held(world), judged=FULL)
    services_score.score_override(
        score=score, judged={"discussion": "0", "steps": [False, False]}, reason="Thảo luận hình thức", by=world.staff
    )
    with pytest.raises(ValidationError):
        services_score.score_confirm(score=score, by=world.staff)
    score.refresh_from_db()
    assert score.overridden and score.final_level == "trung_binh"
