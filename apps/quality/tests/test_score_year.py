"""The cell's meeting quality for the year follows its rubric's roll-up rule over the scored meetings."""

from datetime import datetime

import pytest
from django.utils import timezone

from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.queries.score import cell_year_quality
from apps.quality.rules.engine.scoring import annual_level
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting

pytestmark = pytest.mark.django_db


def test_year_quality_rolls_up_the_final_levels(world):
    rubric = attach_small_rubric(world.cell_a1)
    members = [world.secretary_member, world.plain_member]
    year = timezone.localdate().year
    empty = cell_year_quality(world.cell_a1, year)
    assert empty["meeting_levels"] == [] and empty["annual_level"] is None
    levels = []
    for day in (10, 17):  # two meetings held in January of this year
        when = timezone.make_aware(datetime(year, 1, day, 19, 30))
        meeting = held_meeting(world.cell_a1, members, when=when)
        score = services_score.score_propose(meeting=meeting, judged={})
        levels.append(score.final_level)
    result = cell_year_quality(world.cell_a1, year)
    assert result["meeting_levels"] == levels
    assert result["rubric"] == rubric.code
    assert result["annual_level"] == annual_level(queries_rubrics.rubric_spec(rubric), levels)
