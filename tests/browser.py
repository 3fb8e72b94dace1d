"""What the browser tests share besides their fixtures (tests/conftest.py): logging in as a person does."""

import re

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from apps.accounts.testing import code_for
from apps.common.testing import PASSWORD


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Through the real login form (django-axes watches it), in Vietnamese, landing on the home page that greets
    the person by name (or username). A person with an authenticator gives its code in the second step, computed
    here from their device as their phone would."""
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
        page.get_by_label("Mã").fill(code_for(device))
        page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {user.get_full_name() or username}")
