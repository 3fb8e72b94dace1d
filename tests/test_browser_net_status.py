"""Weak signal on the meeting screen (static/js/htmx-status.js): a tap that was not saved stays announced, with
"Try again", until it is sent again; the retry sends what the failed tap sent, even when that part of the screen was
redrawn meanwhile. The network is cut for one request at a time with Playwright's routing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.meetings.models import Attendance, Speech
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member
from tests.browser import log_in

pytestmark = pytest.mark.browser


def cut_once(page: Page, pattern: str) -> list[str]:
    """The next POST whose URL matches fails as on a dead line; later ones go through. Returns the posted bodies."""
    cut: list[str] = []

    def handle(route):
        if route.request.method == "POST" and not cut:
            cut.append(route.request.post_data or "")
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(pattern), handle)
    return cut


@pytest.fixture
def meeting(live_world):
    for name in ("Nguyễn Thị Hoa", "Đỗ Văn Bình", "Vũ Thị Lan"):
        add_member(live_world.cell_a1, full_name=name)
    return services_live.meeting_start(
        meeting=make_meeting(live_world.cell_a1, when=timezone.now() + timedelta(minutes=5))
    )


def test_a_failed_tap_stays_announced_after_a_later_tap_is_saved(live_world, meeting, phone_page):
    page = phone_page
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    first, second = live_world.plain_member, live_world.secretary_member
    cut = cut_once(page, rf"/meetings/{meeting.pk}/attendance/{first.pk}/$")
    page.locator(f"#m{first.pk} button[value=unexcused]").click()
    status = page.locator("#net-status")
    expect(status).to_have_attribute("data-state", "failed")
    assert "status=unexcused" in cut[0]
    page.locator(f"#m{second.pk} button[value=late]").click()
    expect(page.locator(f"#m{second.pk}.status-late")).to_be_visible()
    # The second tap was saved, the first was not: the screen keeps saying so and offers to send it again.
    expect(status).to_have_attribute("data-state", "failed")
    expect(status.locator(".net-retry")).to_be_visible()
    status.locator(".net-retry").click()
    expect(page.locator(f"#m{first.pk}.status-unexcused")).to_be_visible()
    expect(status).to_have_attribute("data-state", "saved")
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert marks == {first.pk: "unexcused", second.pk: "late"}


def test_the_retry_sends_the_failed_tap_after_its_part_of_the_screen_was_redrawn(live_world, meeting, phone_page):
    item = meeting.agenda_items.order_by("position")[1]
    one, two = live_world.plain_member, live_world.secretary_member
    for member in (one, two):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    speech = services_live.speech_add(meeting=meeting, item=item, member=one)
    page = phone_page
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    cut = cut_once(page, rf"/meetings/speakers/{speech.pk}/$")
    row = page.locator(f"#item{item.pk} li.speaker").first
    row.locator("input[name=spoken]").check()
    row.locator("textarea[name=note]").fill("Đề nghị làm rõ tiến độ")
    row.locator("button[type=submit]").first.click()
    status = page.locator("#net-status")
    expect(status).to_have_attribute("data-state", "failed")
    assert cut
    # Meanwhile the minute-taker adds a speaker to the same item: the item is drawn again, from the server.
    page.locator(f"#item{item.pk} select[name=speaker]").select_option(f"m{two.pk}")
    page.locator(f"#item{item.pk} form.inline-form button[type=submit]").click()
    expect(page.locator(f"#item{item.pk} li.speaker")).to_have_count(2)
    status.locator(".net-retry").click()
    expect(status).to_have_attribute("data-state", "saved")
    expect(page.locator(f"#item{item.pk} li.speaker.spoken")).to_have_count(1)
    speech.refresh_from_db()
    assert speech.spoken and speech.note == "Đề nghị làm rõ tiến độ"
    assert Speech.objects.filter(meeting=meeting).count() == 2


def test_a_tap_the_server_refuses_is_not_announced_as_saved(live_world, meeting, phone_page):
    """Absent with reason but no reason given: the row says what is missing, and nothing says "saved"."""
    page = phone_page
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    member = live_world.plain_member
    page.locator(f"#m{member.pk} button[value=excused]").click()
    expect(page.locator(f"#m{member.pk} .error")).to_be_visible()
    expect(page.locator("#net-status")).not_to_have_attribute("data-state", "saved")
    expect(page.locator("#net-status")).to_be_hidden()
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_leaving_the_page_with_a_tap_not_saved_asks_first(live_world, meeting, phone_page):
    page = phone_page
    log_in(page, "bithu")
    page.goto(f"/meetings/{meeting.pk}/")
    member = live_world.plain_member
    cut_once(page, rf"/meetings/{meeting.pk}/attendance/{member.pk}/$")
    page.locator(f"#m{member.pk} button[value=late]").click()
    expect(page.locator("#net-status")).to_have_attribute("data-state", "failed")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator(".breadcrumb a").click()
    expect(page.locator(f"#m{member.pk}")).to_be_visible()  # still on the meeting screen
    assert asked == ["beforeunload"]
    page.locator("#net-status .net-retry").click()
    expect(page.locator(f"#m{member.pk}.status-late")).to_be_visible()
    assert Attendance.objects.get(meeting=meeting, member=member).status == "late"
