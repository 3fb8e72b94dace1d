"""Exports in a real browser: commune staff click "Xuất Excel" beside the members' list, confirm, and the file
downloads at once; with a table above the inline threshold the same click leads to the export's page, which gives
the file when the job is done. The downloaded files are read back with openpyxl."""

import re

import openpyxl
import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.browser import log_in
from tests.conftest import artifacts_dir, browser, live_world, page  # noqa: F401  (the browser fixtures of tests/)

pytestmark = pytest.mark.browser


def names_in(path) -> list[str]:
    ws = openpyxl.load_workbook(path).active
    return [row[1] for row in ws.iter_rows(min_row=7, values_only=True) if isinstance(row[0], int)]


def test_staff_export_the_members_list(live_world, page: Page, artifacts_dir, tmp_path):  # noqa: F811
    log_in(page, "canbo")
    page.goto("/members/")
    page.get_by_role("link", name="Xuất Excel").click()
    expect(page).to_have_url(re.compile(r"/exports/members/"))
    expect(page.locator("main")).to_contain_text("Số dòng: 3")
    page.screenshot(path=str(artifacts_dir / "export-confirm.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("danh-sach-dang-vien-") and path.suffix == ".xlsx"
    assert names_in(path) == ["Lê Văn Đảng Viên", "Phạm Thị Thôn Đông", "Trần Thị Bí Thư"]
    ws = openpyxl.load_workbook(path).active
    assert ws.cell(row=4, column=1).value.startswith("Người xuất: canbo lúc ")


@override_settings(CHIBO_EXPORT_INLINE_ROWS=1)
def test_a_large_export_shows_its_page_then_the_file(live_world, page: Page, artifacts_dir, tmp_path):  # noqa: F811
    log_in(page, "canbo")
    page.goto("/members/")
    page.get_by_role("link", name="Xuất Excel").click()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/exports/\d+/$"))
    link = page.get_by_role("link", name="Tải tệp (.xlsx)")
    expect(link).to_be_visible()  # the job ran (the immediate backend in tests); the page polls until it is done
    expect(page.locator("progress")).to_have_attribute("value", "100")
    page.screenshot(path=str(artifacts_dir / "export-done.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert len(names_in(path)) == 3
    page.goto("/exports/")
    expect(page.locator("table.list tbody tr")).to_have_count(1)  # the list of one's exports
