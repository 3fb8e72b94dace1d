"""The dashboard in a real browser: commune staff open it from the home page, sort the sub-units, drill down to a
cell and to one of its meetings; screenshots of the dashboard with its charts at desktop width (1280) and at phone
width (390) are kept in var/screenshots/ (git-ignored), where the page must not be wider than the phone.

The browser fixtures live in tests/conftest.py (the browser tests' folder); they are imported here by name."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.meetings.testing import add_history
from apps.oversight.models import CellMonth
from apps.oversight.rules.periods import add_months, month_of
from tests.browser import log_in
from tests.conftest import browser, live_world, page, phone_page  # noqa: F401  (the browser tests' fixtures)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def _year_of_facts(world) -> None:
    """A year of monthly figures for commune A's two cells (A2 weaker, falling at the end), written over whatever
    the facts' refresh computed from the history, so that the charts have a story to tell."""
    last = add_months(month_of(timezone.localdate()), -1)
    for i in range(12):
        month = add_months(last, -i)
        for cell, present, spoke, level in (
            (world.cell_a1, 10 - i % 2, 6, "quality_tot"),
            (world.cell_a2, 7 - (i < 3), 3, "quality_tb"),
        ):
            CellMonth.objects.update_or_create(
                cell=cell,
                month=month,
                defaults={
                    "regular_planned": 1,
                    "regular_held": 1,
                    "regular_on_time": 1,
                    "sittings_held": 1,
                    "attendance_expected": 10,
                    "attendance_present": present,
                    "attendees": present,
                    "speakers": spoke,
                    level: 1,
                    "members_official": 10,
                    "dues_payers": 10,
                    "dues_paid": 9,
                    "dues_collected": 450_000,
                    "computed_at": timezone.now(),
                },
            )


def _no_wider_than_the_screen(screen: Page) -> None:
    widths = screen.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] <= 390, widths  # a wider page would make the phone zoom out


def _charts_drawn(screen: Page) -> None:
    images = screen.locator("#charts img")
    expect(images).to_have_count(3)
    for i in range(3):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        screen.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())


def test_staff_open_the_dashboard_and_drill_down_to_a_meeting(live_world, page: Page, phone_page: Page):  # noqa: F811
    world = live_world
    add_history(world)
    _year_of_facts(world)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, "canbo")
    page.get_by_role("link", name="Số liệu, theo dõi").first.click()
    expect(page).to_have_url(re.compile(rf"/oversight/{world.commune_a.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Số liệu, theo dõi: Đảng bộ xã An")
    expect(page.locator("#period-title")).to_contain_text(f"Tháng {add_months(month_of(date.today()), -1):%m/%Y}")
    expect(page.locator("#figure-attendance_rate")).to_contain_text("%")
    _charts_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-desktop.png"), full_page=True)
    page.emulate_media(media="print")  # paper: no menu, no picker, black text
    expect(page.locator("#period-picker")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # Sorted by the attendance rate, lowest first: the weaker cell comes first.
    table = page.locator("#sub-units-table")
    table.get_by_role("link", name=re.compile("dự sinh hoạt")).click()  # largest first
    table.get_by_role("link", name=re.compile("dự sinh hoạt")).click()  # then smallest first
    expect(page).to_have_url(re.compile(r"sort=attendance_rate&dir=asc"))
    expect(table.locator("tbody tr").first).to_contain_text("Chi bộ Thôn Đông")

    # Drill down: the cell, its meetings of the month, one meeting.
    table.get_by_role("link", name="Chi bộ 21").click()
    expect(page).to_have_url(re.compile(rf"/oversight/{world.cell_a1.pk}/\?period="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Số liệu, theo dõi: Chi bộ 21")
    expect(page.locator(".breadcrumb")).to_contain_text("Đảng bộ xã An")
    meetings = page.locator("#meetings-table tbody tr")
    expect(meetings).to_have_count(1)
    expect(meetings.first).to_contain_text("%")
    meetings.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.locator("main")).to_contain_text("Chi bộ 21")

    # On a phone: the same dashboard, tables scrolled sideways inside the page, charts as wide as the screen.
    log_in(phone_page, "canbo")
    phone_page.goto(f"/oversight/{world.commune_a.pk}/")
    _charts_drawn(phone_page)
    _no_wider_than_the_screen(phone_page)
    box = phone_page.locator("#charts img").first.bounding_box()
    assert box and box["width"] <= 390, box
    phone_page.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
