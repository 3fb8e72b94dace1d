"""End-to-end flows in a real browser (headless Debian Chromium through Playwright) against the live server.

Fixtures (browser, live_world, page, phone_page) are in tests/conftest.py. Every assertion auto-waits
(Playwright's expect); there is no sleep and no wall-clock limit.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from apps.members.models import Member
from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_secretary_logs_in_sees_own_cell_and_not_another(live_world, page: Page):
    world = live_world
    log_in(page, "bithu")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    roles = page.locator("ul.roles")
    expect(roles).to_contain_text("Bí thư chi bộ")

    roles.get_by_role("link", name="Chi bộ 21", exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/orgs/{world.cell_a1.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ 21")
    members = page.locator("table.list tbody")
    expect(members.get_by_role("link", name="Trần Thị Bí Thư")).to_be_visible()
    expect(members.get_by_role("link", name="Lê Văn Đảng Viên")).to_be_visible()
    expect(members.locator("tr")).to_have_count(2)

    response = page.goto(f"/orgs/{world.cell_b1.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Chi bộ Khu 3")).to_have_count(0)
    expect(page.get_by_text("Hoàng Văn Người Ngoài")).to_have_count(0)


def test_staff_expands_tree_and_searches_without_diacritics(live_world, page: Page):
    log_in(page, "canbo")
    page.get_by_role("navigation").get_by_role("link", name="Tổ chức đảng").click()
    expect(page).to_have_url(re.compile(r"/orgs/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    commune = page.locator("details", has=page.locator("summary", has_text="Đảng bộ xã An"))
    expect(commune).to_have_js_property("open", False)
    expect(commune.locator(".children")).to_have_text("Đang tải…")
    expect(page.get_by_role("link", name="Chi bộ Thôn Đông")).to_have_count(0)

    # Toggle by clicking the summary's figures, not its link (which would open the commune's page).
    commune.locator("summary .counts").click()
    expect(commune).to_have_js_property("open", True)
    cell = commune.locator("li.node", has=page.get_by_role("link", name="Chi bộ Thôn Đông", exact=True))
    expect(cell).to_be_visible()
    expect(cell.locator(".counts")).to_contain_text("1 đảng viên")
    expect(cell.locator(".counts")).to_contain_text("(chính thức 1, dự bị 0, miễn sinh hoạt 0)")
    expect(commune.get_by_role("link", name="Chi bộ 21", exact=True)).to_be_visible()
    expect(commune.locator(".children")).not_to_contain_text("Đang tải…")

    search = page.get_by_role("searchbox", name="Tìm kiếm")
    search.fill("chi bo 21")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/orgs/\?q=chi\+bo\+21$"))
    expect(page.get_by_text("1 kết quả")).to_be_visible()
    expect(page.locator("ul.tree").get_by_role("link", name="Chi bộ 21", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Chi bộ Thôn Đông")).to_have_count(0)


def test_secretary_adds_member_on_a_phone(live_world, phone_page: Page, artifacts_dir):
    page = phone_page
    cell = live_world.cell_a1
    log_in(page, "bithu")
    page.goto(f"/orgs/{cell.pk}/")
    page.get_by_role("link", name="Thêm đảng viên").click()
    expect(page).to_have_url(re.compile(rf"/members/new/{cell.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm đảng viên")

    page.get_by_label("Họ và tên").fill("Đỗ Thị Hồng Nhung")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Ngày sinh").press_sequentially(f"15/01/{date.today().year + 2}")
    page.get_by_label("Số thẻ đảng viên").fill("91000001")
    page.get_by_label("Ngày vào Đảng").press_sequentially("03/02/2025")
    page.get_by_label("Nơi cư trú").fill("Khu 2")
    page.get_by_role("button", name="Lưu").click()

    birth = page.locator(".field", has=page.get_by_label("Ngày sinh"))
    in_range = re.compile(r"Nhập ngày trong khoảng từ 01/01/1900 đến \d\d/\d\d/\d{4}\.")
    expect(birth.get_by_role("alert")).to_have_text(in_range)
    expect(page).to_have_url(re.compile(rf"/members/new/{cell.pk}/$"))
    expect(page.get_by_label("Họ và tên")).to_have_value("Đỗ Thị Hồng Nhung")
    assert not Member.objects.filter(full_name="Đỗ Thị Hồng Nhung").exists()

    page.get_by_label("Ngày sinh").clear()
    page.get_by_label("Ngày sinh").press_sequentially("12/08/1990")
    page.get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(re.compile(r"/members/\d+/$"))
    member = Member.objects.get(full_name="Đỗ Thị Hồng Nhung")
    assert page.url.endswith(f"/members/{member.pk}/")
    assert (member.cell_id, member.date_of_birth, member.admitted_on) == (cell.pk, date(1990, 8, 12), date(2025, 2, 3))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đỗ Thị Hồng Nhung")
    expect(page.locator(".messages")).to_contain_text("Đã thêm đảng viên.")
    expect(page.locator("dl.profile")).to_contain_text("12/08/1990")
    expect(page.locator("dl.profile")).to_contain_text("03/02/2025")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the member page scrolls sideways"

    page.screenshot(path=str(artifacts_dir / "member-phone.png"), full_page=True)
