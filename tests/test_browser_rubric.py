"""Editing a used rubric in a real browser: commune staff open the sheet attached to a cell whose meeting has been
scored, read that saving makes a new version, change a band and a level threshold, save, land on version 2, and
the scored meeting's page still shows version 1."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.quality.models import MeetingScore, Rubric
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting
from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_staff_edit_a_used_rubric_and_old_scores_keep_their_version(live_world, page: Page, artifacts_dir):
    world = live_world
    rubric = attach_small_rubric(world.cell_a1)
    meeting = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    services_score.score_propose(meeting=meeting, judged={"discussion": "3", "steps": [True, True]}, by=world.secretary)

    log_in(page, "canbo")
    page.goto(f"/quality/rubrics/{rubric.pk}/")
    expect(page.locator("#rubric-version")).to_have_attribute("data-version", "1")
    page.click("#edit-rubric")
    expect(page).to_have_url(re.compile(rf"/quality/rubrics/{rubric.pk}/edit/$"))
    expect(page.locator("#new-version-notice")).to_contain_text("2")

    # the attendance band 0 % → 5 becomes 80 % → 5, and a lower band 50 % → 3 is added in an empty row;
    # "Good" now needs 8 points instead of 9
    item = page.locator("#item-attendance")
    item.locator("input[name='i-attendance-band-0-threshold']").fill("80")
    item.locator("input[name='i-attendance-band-1-threshold']").fill("50")
    item.locator("input[name='i-attendance-band-1-points']").fill("3")
    page.locator("input[name='level-0']").fill("8")
    page.click("#save-rubric")

    expect(page.locator("#rubric-version")).to_have_attribute("data-version", "2")
    new = Rubric.objects.get(code=rubric.code, version=2)
    expect(page).to_have_url(re.compile(rf"/quality/rubrics/{new.pk}/$"))
    expect(page.locator("#rubric-version")).to_contain_text("2")
    expect(page.locator(".messages")).to_contain_text("2")
    expect(page.locator("#item-attendance .bands")).to_contain_text("80 → 5")
    expect(page.locator("#previous-version")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "rubric-version-2-desktop.png"), full_page=True)
    assert new.categories.get().items.get(code="attendance").bands == [[80, 5], [50, 3]]
    assert new.levels[0] == ["tot", 8]

    # the meeting scored before keeps version 1
    rubric.refresh_from_db()
    assert rubric.levels[0] == ["tot", 9]
    assert MeetingScore.objects.get(meeting=meeting).rubric_id == rubric.pk
    page.goto(f"/quality/meetings/{meeting.pk}/score/")
    expect(page.locator("main")).to_contain_text(re.compile(r"(phiên bản|version) 1\)"))

    # the old version says it has been replaced and is no longer editable
    page.goto(f"/quality/rubrics/{rubric.pk}/")
    expect(page.locator("#newer-version")).to_be_visible()
    expect(page.locator("#edit-rubric")).to_have_count(0)
