"""The demo shows scored meetings and the annual grading under way, computed by the real machinery."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.demo import world as demo
from apps.demo.grading import _within_quota
from apps.demo.quality import PROPOSED_ONLY_DAYS
from apps.grading.models import AnnualRating, Discipline
from apps.grading.queries import grading as grading_queries
from apps.grading.rules import grading as grading_rules
from apps.meetings.models import Meeting
from apps.members.models import Member
from apps.quality.models import MeetingScore, Rubric
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.queries.metrics import meeting_metrics
from apps.quality.rules.engine import score_meeting
from apps.quality.rules.score import result_dict
from apps.quality.services import score as services_score

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The "sample" demo, built once for the module and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        counter = demo.build(profile="sample", seed=3, as_of=AS_OF)
        yield counter
        transaction.set_rollback(True)


def held_meetings():
    return Meeting.objects.filter(status="closed", kind__in=["regular", "thematic"]).select_related("cell")


@pytest.mark.django_db
def test_every_held_meeting_with_a_rubric_has_a_score(sample):
    held = list(held_meetings())
    with_rubric = [m for m in held if queries_rubrics.rubric_for(m.cell, timezone.localdate(m.scheduled_at), m.kind)]
    assert len(with_rubric) == len(held) > 100
    scored = set(MeetingScore.objects.values_list("meeting_id", flat=True))
    assert scored == {m.pk for m in with_rubric}
    assert sample.scores.scores == len(scored)
    # Each score is on the sheet in force for its meeting, and that sheet is locked.
    for score in MeetingScore.objects.select_related("meeting__cell", "rubric"):
        m = score.meeting
        assert score.rubric == queries_rubrics.rubric_for(m.cell, timezone.localdate(m.scheduled_at), m.kind)
    assert not Rubric.objects.filter(scores__isnull=False, locked=False).exists()


@pytest.mark.django_db
def test_agency_committees_score_their_cells_on_the_agencies_sheet(sample):
    """Each agency's grassroots committee copied the Phú Thọ agencies' sheet; its cells' regular meetings are scored
    on that copy, every other cell (communes, agency cells directly under the district) on the default sheet."""
    copies = {
        r.applies_to.path: r for r in Rubric.objects.filter(code__startswith="PT-KHOI-CQ-").select_related("applies_to")
    }
    assert copies and all(r.issuer_id == r.applies_to_id and r.applies_to.kind == "committee" for r in copies.values())
    on_copy = Counter()
    for score in MeetingScore.objects.select_related("meeting__cell", "rubric"):
        cell, kind = score.meeting.cell, score.meeting.kind
        copy = next((r for path, r in copies.items() if cell.path.startswith(path)), None)
        if copy is not None and kind == "regular":
            assert score.rubric == copy
            on_copy[copy.pk] += 1
        else:  # the agencies' sheet is for regular meetings only
            assert score.rubric.code == "HD42-PHUONG-2025"
    assert set(on_copy) == {r.pk for r in copies.values()}


@pytest.mark.django_db
def test_results_are_what_the_services_compute(sample):
    specs = {}
    for score in MeetingScore.objects.select_related("meeting", "rubric"):
        spec = specs.setdefault(score.rubric_id, queries_rubrics.rubric_spec(score.rubric))
        metrics = meeting_metrics(score.meeting)
        assert score.metrics == metrics
        assert score.result == result_dict(score_meeting(spec, metrics, score.judged))
        if score.overridden:
            assert score.override_result == result_dict(score_meeting(spec, metrics, score.override_judged))
    # The proposal service itself, on a meeting still only proposed, gives the stored result.
    proposed = MeetingScore.objects.filter(adopted_at__isnull=True, confirmed_at__isnull=True).first()
    with transaction.atomic():
        again = services_score.score_propose(meeting=proposed.meeting, judged=proposed.judged)
        assert (again.result, again.metrics, again.judged) == (proposed.result, proposed.metrics, proposed.judged)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_scores_are_at_realistic_steps(sample):
    scores = list(MeetingScore.objects.select_related("meeting"))
    levels = Counter(s.final_level for s in scores)
    assert len(levels) >= 3 and max(levels.values()) < 0.8 * len(scores)
    recent = [s for s in scores if (AS_OF - timezone.localdate(s.meeting.scheduled_at)).days <= PROPOSED_ONLY_DAYS]
    assert recent and all(s.adopted_at is None and s.confirmed_at is None for s in recent)
    older = [s for s in scores if s not in recent]
    adopted = [s for s in older if s.adopted_at]
    voted = [s for s in adopted if s.votes_for is not None]
    confirmed = [s for s in older if s.confirmed_at]
    overridden = [s for s in older if s.overridden]
    assert len(adopted) > 0.85 * len(older) and len(voted) > 0.8 * len(adopted)
    assert all(s.votes_for * 2 > s.votes_eligible for s in voted)
    assert len(confirmed) > 0.7 * len(older)
    assert all(s.adopted_at and s.confirmed_at - s.meeting.ended_at >= timedelta(days=2) for s in confirmed)
    assert overridden and len(overridden) < 0.12 * len(scores)
    assert all(s.override_reason and s.override_result["level"] != s.result["level"] for s in overridden[:3])
    # The demo supervisor confirmed the scores of the cells they follow; elsewhere nobody has an account.
    assert {s.confirmed_by.username for s in confirmed if s.confirmed_by} == {"giamsat"}
    assert any(s.confirmed_by is None for s in confirmed)


@pytest.mark.django_db
def test_ratings_at_every_step_with_real_evidence(sample):
    ratings = list(AnnualRating.objects.filter(year=AS_OF.year).select_related("member", "organization", "rule"))
    assert sample.ratings.members > 50 and sample.ratings.collective >= 5
    steps = Counter(r.status for r in ratings)
    assert set(steps) == {"draft", "self_assessed", "appraised", "decided"}
    for r in ratings:
        if r.status == "decided":
            assert r.decision_level and r.decision_at
        if r.self_points is not None:
            assert r.self_level == grading_rules.grade(r.self_points, r.evidence, r.rule.levels)
        if r.appraisal_points is not None:
            assert r.appraisal_level == grading_rules.grade(r.appraisal_points, r.evidence, r.rule.levels)
    # The decisions keep each grassroots organisation within the HTXSNV quota, as rating_decide requires.
    for unit in {grading_queries.grassroots_of(r.organization) for r in ratings if r.status == "decided"}:
        decided, expected = grading_queries.member_levels_in(unit, AS_OF.year)
        quota = grading_rules.quota_check([*decided, *expected], ratings[0].rule.levels)
        assert quota.limit is None or decided.count(grading_rules.HTXSNV) <= quota.limit
    member_rating = next(r for r in ratings if not r.is_collective)
    cell_rating = next(r for r in ratings if r.is_collective)
    assert member_rating.evidence == grading_queries.evidence_for_member(member_rating.member, AS_OF.year)
    assert cell_rating.evidence == grading_queries.evidence_for_cell(cell_rating.organization, AS_OF.year)
    assert cell_rating.evidence["meetings_scored"] > 0
    # Exempted members are not graded.
    graded_cells = {r.organization_id for r in ratings}
    members = Member.objects.filter(cell_id__in=graded_cells, active=True)
    exempt = grading_queries.exempt_member_ids(list(members.values_list("pk", flat=True)), AS_OF.year)
    rated = {r.member_id for r in ratings if r.member_id}
    assert exempt and not exempt & rated
    assert rated == set(members.values_list("pk", flat=True)) - exempt
    # A few disciplinary records, shown in the evidence of those members.
    disciplines = list(Discipline.objects.all())
    assert 1 <= len(disciplines) <= 3
    assert all(r.evidence["disciplined"] for r in ratings if r.member_id in {d.member_id for d in disciplines})


@pytest.mark.django_db
def test_the_grading_page_of_the_demo_commune_shows_figures(sample, client):
    staff = get_user_model().objects.get(username="canbo")
    commune = staff.role_grants.get().organization
    client.force_login(staff)
    response = client.get(reverse("grading:year", args=[commune.pk, AS_OF.year]))
    assert response.status_code == 200
    assert response.context["org_share"] is not None and response.context["org_count"] >= 2
    assert response.context["member_share"] is not None and response.context["member_count"] > 5
    assert "HTTNV" in response.content.decode()


@pytest.mark.parametrize(
    ("decided", "appraised", "allowed"),
    [
        (["httnv"] * 4, [], True),  # 5 HTTNV or better with this one: at most 1
        (["httnv"] * 2, [], False),  # 3: none allowed
        (["httnv"] * 3 + ["htxsnv"], [], False),  # 5: at most 1, already decided
        (["httnv"] * 8 + ["htxsnv"], [], True),  # 10: at most 2
        (["httnv"] * 3 + ["htxsnv"], ["httnv"] * 5, True),  # the appraised, not yet decided, count in the base
    ],
)
def test_demo_decisions_count_the_quota_as_the_service_does(decided, appraised, allowed):
    """services.rating_decide's quota (20 % of those HTTNV or better in the grassroots organisation)."""
    unit = [AnnualRating(status="decided", decision_level=level) for level in decided]
    unit += [AnnualRating(status="appraised", appraisal_level=level) for level in appraised]
    rating = AnnualRating(status="appraised", appraisal_level="htxsnv")
    assert _within_quota(rating, [*unit, rating], {"levels": [], "quota_htxsnv_percent_of_httnv": 20}) is allowed
