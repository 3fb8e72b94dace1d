"""Scoring a meeting in a real browser: hold a meeting, open its score from the meeting screen, see the computed
attendance item with its explanation, propose and record the cell's adoption as the secretary, then override as
the supervisor with a reason and see the level change while the proposed score stays on the page."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.common.scoping import Role
from apps.members.testing import grant
from apps.quality.models import MeetingScore, Rubric
from apps.quality.rules.rubrics import shipped as rubrics_data
from apps.quality.services import rubrics as services
from apps.quality.testing import held_meeting
from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_propose_adopt_and_override_a_meeting_score(live_world, page: Page, browser, live_server, artifacts_dir):
    world = live_world
    if not Rubric.objects.filter(code=rubrics_data.HD42_PHUONG_2025["code"]).exists():  # flushed by an earlier test
        services.rubric_import(data=rubrics_data.HD42_PHUONG_2025)
    meeting = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    grant(world.supervisor, world.cell_a1, Role.SUPERVISOR)
    score_url = f"/quality/meetings/{meeting.pk}/score/"

    # The secretary opens the score from the meeting screen: the computed attendance item is explained.
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    page.click(f"nav.tabs a[href='{score_url}']")
    expect(page).to_have_url(re.compile(re.escape(score_url) + "$"))
    expect(page.locator("#item-attendance")).to_contain_text("Tỷ lệ dự họp: 100% (2/2, 0 miễn), 5/5 điểm")

    propose = page.locator(f"form[action='{score_url}propose/']")
    propose.locator("input[name=j_discussion]").fill("15")
    propose.locator("input[name=j_chairing]").fill("10")
    propose.locator("input[name=j_principles]").fill("5")
    for box in propose.locator("input[type=checkbox]").all():
        box.check()
    propose.locator("button[type=submit]").click()
    expect(page.locator("#final-level")).to_have_attribute("data-level", "trung_binh")

    adopt = page.locator(f"form[action='{score_url}adopt/']")
    adopt.locator("input[name=approving]").fill("2")
    adopt.locator("button[type=submit]").click()
    expect(page.locator("#adoption")).to_contain_text("2")
    score = MeetingScore.objects.get(meeting=meeting)
    assert (score.votes_for, score.votes_eligible) == (2, 2)

    # The supervisor overrides the discussion mark with a reason: the level drops, both scores are shown.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    supervisor = context.new_page()
    try:
        log_in(supervisor, "giamsat")
        supervisor.goto(score_url)
        supervisor.locator("details summary").click()
        override = supervisor.locator(f"form[action='{score_url}override/']")
        override.locator("input[name='override-j_discussion']").fill("0")
        override.locator("textarea[name='override-reason']").fill("Thảo luận còn hình thức, chưa đi vào thực chất")
        override.locator("button[type=submit]").click()
        expect(supervisor.locator("#final-level")).to_have_attribute("data-level", "kem")
        expect(supervisor.locator("#proposed-level")).to_be_visible()
        expect(supervisor.locator("#override-level")).to_be_visible()
        expect(supervisor.locator("main")).to_contain_text("Thảo luận còn hình thức")
        supervisor.screenshot(path=str(artifacts_dir / "score-override-phone.png"), full_page=True)
    finally:
        context.close()
    score.refresh_from_db()
    assert score.result["level"] == "trung_binh" and score.final_level == "kem"
    assert score.confirmed_by == world.supervisor
