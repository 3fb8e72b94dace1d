"""The header on a phone: the two daily links stay in sight, the rest folds behind "Menu" and opens on a tap;
on a desktop every link shows at once."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_phone_menu_folds_and_opens(live_world, phone_page: Page, artifacts_dir):
    page = phone_page
    log_in(page, "bithu")
    header = page.locator("header.topbar")
    members = header.get_by_role("link", name="Đảng viên", exact=True)
    expect(header.get_by_role("link", name="Lịch họp của tôi")).to_be_visible()
    expect(members).to_be_hidden()
    expect(header.get_by_role("button", name="Đăng xuất")).to_be_hidden()
    box = header.bounding_box()
    page.screenshot(path=str(artifacts_dir / "nav-phone-closed.png"))
    assert box and box["height"] < 120, box  # one or two lines, not a screenful
    page.screenshot(path=str(artifacts_dir / "nav-phone-closed.png"))
    header.locator("label.menu-button").click()
    expect(members).to_be_visible()
    expect(header.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "nav-phone-open.png"))
    members.click()
    expect(page).to_have_url(re.compile(r"/members/$"))


def test_desktop_shows_every_link(live_world, page: Page):
    log_in(page, "bithu")
    header = page.locator("header.topbar")
    expect(header.locator("label.menu-button")).to_be_hidden()
    for name in ("Lịch họp của tôi", "Tổ chức đảng", "Đảng viên", "Theo dõi đảng viên"):
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
