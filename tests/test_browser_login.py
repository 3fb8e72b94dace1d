"""Logging in with a second factor on a phone: committee staff with password and code; a member sets up the
authenticator from scratch (scan, code, recovery codes), logs out and back in with a recovery code; and "log out
everywhere" ends the member's other session."""

import base64
import re
import time

import pytest
from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from apps.accounts.testing import give_authenticator
from apps.common.testing import PASSWORD
from tests.browser import log_in
from tests.conftest import PHONE

pytestmark = pytest.mark.browser


def phone_code(key_text: str) -> str:
    """What an authenticator app shows for the key typed by hand (base32 in groups)."""
    key = base64.b32decode(key_text.replace(" ", "") + "=" * (-len(key_text.replace(" ", "")) % 8))
    return f"{hotp(key, int(time.time()) // 30):06d}"


def name_of(user) -> str:
    return user.get_full_name() or user.username


def open_menu_and(page: Page, name: str, role: str = "link") -> None:
    header = page.locator("header.topbar")
    header.locator("label.menu-button").click()
    header.get_by_role(role, name=name, exact=True).click()


def test_staff_log_in_with_password_and_code(live_world, phone_page: Page, settings):
    settings.CHIBO_OTP_REQUIRED = True
    give_authenticator(live_world.staff)
    log_in(phone_page, "canbo")  # password, then the code from the authenticator (tests.browser.log_in)
    phone_page.goto("/members/")
    expect(phone_page).to_have_url(re.compile(r"/members/$"))


def test_a_member_sets_up_two_step_and_logs_in_with_a_recovery_code(
    live_world, phone_page: Page, settings, artifacts_dir
):
    settings.CHIBO_OTP_REQUIRED = True
    page = phone_page
    log_in(page, "dangvien")
    open_menu_and(page, "Tài khoản")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản")
    page.get_by_role("link", name="Thiết lập xác thực hai bước").click()
    page.get_by_role("button", name="Bắt đầu").click()
    expect(page.get_by_role("img", name="Mã QR của khóa cho ứng dụng xác thực")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "otp-setup-phone.png"), full_page=True)
    key = page.locator("code.otp-key").inner_text()
    page.get_by_label("Mã từ ứng dụng").fill(phone_code(key))
    page.get_by_role("button", name="Xác nhận").click()
    codes = page.get_by_role("list", name="Mã khôi phục").get_by_role("listitem")
    expect(codes).to_have_count(10)
    kept = codes.nth(2).inner_text()
    page.get_by_role("link", name="Tôi đã cất giữ các mã").click()
    expect(page.get_by_text("Đang bật")).to_be_visible()

    # log out, and back in with a recovery code
    open_menu_and(page, "Đăng xuất", role="button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Tên đăng nhập").fill("dangvien")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai bước")
    page.get_by_label("Mã").fill(kept)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {name_of(live_world.member_user)}")


def test_log_out_everywhere_ends_the_other_session(live_world, phone_page: Page, browser, live_server):
    log_in(phone_page, "dangvien")
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **PHONE)
    try:
        other = context.new_page()
        log_in(other, "dangvien")
        open_menu_and(phone_page, "Tài khoản")
        phone_page.get_by_role("button", name="Đăng xuất mọi nơi").click()
        expect(phone_page.get_by_text("Mọi phiên đăng nhập khác của tài khoản đã được đăng xuất.")).to_be_visible()
        phone_page.goto("/")
        expect(phone_page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {name_of(live_world.member_user)}")
        other.goto("/")
        expect(other).to_have_url(re.compile(r"/accounts/login/"))
    finally:
        context.close()
