"""A computed item the record cannot measure (a cell's first meeting in the system has no last month to report on)
may be judged by hand on the scoring page; left empty, it gets the sheet's points for a missing figure."""

import pytest
from django.urls import reverse

from apps.quality.models import MeetingScore
from apps.quality.queries.score import score_page
from apps.quality.services import score as services_score
from apps.quality.testing import held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    return held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])  # on the shipped HD-42 sheet


def test_the_unmeasured_items_are_the_computed_ones_without_data(world, meeting):
    page = score_page(meeting)
    assert page.rubric.code == "HD42-PHUONG-2025"
    assert "results" in page.unmeasured  # no earlier resolution: nothing to compare with
    assert "attendance" not in page.unmeasured


def test_the_board_judges_an_unmeasured_item_by_hand(world, meeting, client_for):
    client = client_for(world.secretary)
    url = reverse("quality:meeting_score", args=[meeting.pk])
    form = client.get(url).context["propose_form"]
    assert "j_results" in form.fields and "j_attendance" not in form.fields
    judged = {name: "1" for name, field in form.fields.items() if field.required}  # the judged items
    response = client.post(reverse("quality:score_propose", args=[meeting.pk]), {**judged, "j_results": "27"})
    assert response.status_code == 302
    item = MeetingScore.objects.get(meeting=meeting).result["items"]["results"]
    assert (item["points"], item["missing"]) == ("27", False) and "chấm tay" in item["explanation"]


def test_left_empty_it_scores_the_sheets_missing_points(world, meeting):
    score = services_score.score_propose(meeting=meeting, judged={})
    item = score.result["items"]["results"]
    assert item["missing"] is True and item["points"] in ("0", "0.00")


def test_a_hand_value_above_the_maximum_is_refused_and_nothing_saved(world, meeting, client_for):
    response = client_for(world.secretary).post(
        reverse("quality:score_propose", args=[meeting.pk]), {"j_results": "31"}
    )
    assert response.status_code == 200 and "j_results" in response.context["propose_form"].errors
    assert not MeetingScore.objects.exists()


def test_a_hand_value_for_a_measured_item_is_ignored(world, meeting):
    score = services_score.score_propose(meeting=meeting, judged={"attendance": "0"})
    assert score.result["items"]["attendance"]["points"] == "5" and "attendance" not in score.judged
