"""The scoring page: who sees it, who may propose, adopt, confirm and override; the number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.scoping import Role
from apps.meetings.models import Speech
from apps.members.testing import add_member, grant
from apps.quality.models import MeetingScore
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting

pytestmark = pytest.mark.django_db

PROPOSE = {"j_discussion": "4", "j_steps_0": "on", "j_steps_1": "on"}
OVERRIDE = {"override-j_discussion": "0", "override-reason": "Thảo luận hình thức"}


@pytest.fixture
def meeting(world):
    attach_small_rubric(world.cell_a1)
    return held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])


@pytest.fixture
def scored(world, meeting):
    return services_score.score_propose(
        meeting=meeting, judged={"discussion": "4", "steps": [True, True]}, by=world.secretary
    )


def url(name, meeting):
    return reverse(f"quality:{name}", args=[meeting.pk])


def snapshot():
    return list(MeetingScore.objects.values())


def test_secretary_sees_the_computed_items_and_proposes(world, meeting, client_for):
    client = client_for(world.secretary)
    page = client.get(url("meeting_score", meeting))
    assert page.status_code == 200
    assert "Tỷ lệ dự họp: 100% (2/2, 0 miễn), 5/5 điểm" in page.content.decode()
    response = client.post(url("score_propose", meeting), PROPOSE)
    assert response.status_code == 302
    score = MeetingScore.objects.get(meeting=meeting)
    assert score.judged == {"discussion": "4", "steps": [True, True]} and score.final_level == "tot"
    assert client.post(url("score_adopt", meeting), {"approving": "2"}).status_code == 302
    assert MeetingScore.objects.get().votes_for == 2


def test_invalid_judged_value_shows_the_form_again(world, meeting, client_for):
    response = client_for(world.secretary).post(url("score_propose", meeting), {**PROPOSE, "j_discussion": "9"})
    assert response.status_code == 200 and not MeetingScore.objects.exists()
    # in the sheet's own numbers, not Django's "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 4.00 ."
    assert response.context["form"].errors["j_discussion"] == ["Nhập từ 0 đến 4 điểm."]


def test_meeting_page_links_to_the_score(world, meeting, client_for):
    page = client_for(world.secretary).get(reverse("meetings:detail", args=[meeting.pk]))
    assert url("meeting_score", meeting) in page.content.decode()


def test_staff_overrides_with_a_reason_and_both_scores_show(world, scored, client_for):
    client = client_for(world.staff)
    response = client.post(url("score_override", scored.meeting), {"override-j_discussion": "0"})
    assert response.status_code == 200  # no reason: refused
    assert MeetingScore.objects.get().override_result is None
    assert client.post(url("score_override", scored.meeting), OVERRIDE).status_code == 302
    score = MeetingScore.objects.get()
    assert score.result["level"] == "tot" and score.final_level == "trung_binh"
    content = client.get(url("meeting_score", scored.meeting)).content.decode()
    assert 'id="override-level"' in content and "Thảo luận hình thức" in content


@pytest.mark.parametrize("name", ["meeting_score", "score_propose", "score_adopt", "score_confirm", "score_override"])
def test_outsider_gets_404_and_nothing_changes(world, scored, client_for, name):
    before = snapshot()
    client = client_for(world.outsider)
    response = (
        client.get(url(name, scored.meeting))
        if name == "meeting_score"
        else client.post(url(name, scored.meeting), {**PROPOSE, **OVERRIDE, "approving": "2"})
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_anonymous_is_sent_to_log_in(scored, client):
    response = client.get(url("meeting_score", scored.meeting))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_plain_member_views_only(world, scored, client_for):
    client = client_for(world.member_user)
    page = client.get(url("meeting_score", scored.meeting))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="proposed-level"' in content and "score/propose/" not in content and "score/override/" not in content
    before = snapshot()
    for name in ("score_propose", "score_adopt", "score_confirm", "score_override"):
        assert client.post(url(name, scored.meeting), {**PROPOSE, **OVERRIDE}).status_code == 404
    assert snapshot() == before


def test_secretary_cannot_confirm_or_override(world, scored, client_for):
    client = client_for(world.secretary)
    before = snapshot()
    assert client.post(url("score_confirm", scored.meeting)).status_code == 404
    assert client.post(url("score_override", scored.meeting), OVERRIDE).status_code == 404
    assert snapshot() == before


def test_supervisor_of_another_cell_gets_404(world, scored, client_for):
    client = client_for(world.supervisor)  # supervises A2, the meeting is A1's
    before = snapshot()
    assert client.get(url("meeting_score", scored.meeting)).status_code == 404
    assert client.post(url("score_confirm", scored.meeting)).status_code == 404
    assert snapshot() == before


def test_supervisor_of_the_cell_confirms(world, scored, client_for):
    grant(world.supervisor, world.cell_a1, Role.SUPERVISOR)
    client = client_for(world.supervisor)
    assert client.get(url("meeting_score", scored.meeting)).status_code == 200
    assert client.post(url("score_propose", scored.meeting), PROPOSE).status_code == 404  # view-only on proposal
    assert client.post(url("score_confirm", scored.meeting)).status_code == 302
    assert MeetingScore.objects.get().confirmed_by == world.supervisor


@pytest.mark.parametrize("scored_first", [False, True])
def test_query_count_does_not_grow_with_the_cell(world, client_for, scored_first):
    """Same count with 3 and 30 members. Queries: session, user, grants, the meeting, the score, the rubric in force
    (or the score's), its categories and items, and before a proposal the metrics' fixed set (metrics.py)."""
    attach_small_rubric(world.commune_a)
    counts = []
    for cell, members in (
        (world.cell_a1, [world.secretary_member, world.plain_member]),
        (world.cell_a2, [world.a2_member]),
    ):
        size = 3 if cell == world.cell_a1 else 30  # each cell's first meeting: the same record to look back on
        members += [add_member(cell) for _ in range(size - len(members))]
        meeting = held_meeting(cell, members)
        if scored_first:
            services_score.score_propose(meeting=meeting, judged={"discussion": "2", "steps": [True, False]})
        client = client_for(world.staff)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("meeting_score", meeting)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_confirming_an_overridden_score_says_why_instead_of_failing(world, scored, client_for):
    grant(world.supervisor, world.cell_a1, Role.SUPERVISOR)
    services_score.score_override(score=scored, judged={"discussion": "0"}, reason="Hình thức", by=world.staff)
    before = snapshot()
    response = client_for(world.supervisor).post(url("score_confirm", scored.meeting), follow=True)
    assert response.status_code == 200 and snapshot() == before
    assert any("Điểm đã được điều chỉnh" in str(m) for m in response.context["messages"])


def test_proposing_reads_the_record_once(world, meeting, client_for):
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url("score_propose", meeting), PROPOSE).status_code == 302
    speech_reads = [q for q in ctx.captured_queries if Speech._meta.db_table in q["sql"] and "SELECT" in q["sql"]]
    assert len(speech_reads) == 1, [q["sql"][:120] for q in speech_reads]
