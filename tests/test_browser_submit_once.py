"""A form that posts and leaves the page is sent once (static/js/submit-once.js): after the first tap its button is
disabled. Before: the script read ``form.method``, which a form with a field named "method" (opening a vote: open or
secret) turns into that field; the script failed on it, and two taps on "Open the vote" on a slow line could open
two votes (the server opens one per request)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.meetings.models import Vote
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting
from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_a_second_tap_on_open_the_vote_sends_nothing(live_world, phone_page):
    meeting = services_live.meeting_start(
        meeting=make_meeting(live_world.cell_a1, when=timezone.now() + timedelta(minutes=5))
    )
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    # The page stays (the submit is stopped once the script has seen it), so that a second tap can follow the first
    # as it would while the first request is on a slow line; each submit the script lets through is counted.
    page.evaluate(
        """() => {
            window.sent = 0;
            window.addEventListener("submit", (event) => {
                if (!event.defaultPrevented) window.sent += 1;
                event.preventDefault();
            });
        }"""
    )
    button = page.locator(f"form[action='/meetings/{meeting.pk}/votes/'] button[type=submit]")
    button.click()
    expect(button).to_be_disabled()
    button.evaluate("b => b.click()")  # a second tap: a disabled button sends nothing
    assert page.evaluate("window.sent") == 1
    assert errors == []
    assert not Vote.objects.filter(meeting=meeting).exists()
