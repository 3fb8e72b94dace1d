"""The committee's month in a real browser (issue 12): commune staff open the dashboard, export its sub-units'
table to Excel, open the monthly briefing from the dashboard and download its .docx; both files are read back."""

import re

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import Page, expect

from apps.meetings.testing import add_history
from apps.oversight.services import facts
from tests.browser import log_in
from tests.conftest import browser, live_world, page  # noqa: F401  (the browser tests' fixtures)

pytestmark = pytest.mark.browser


def test_staff_export_the_dashboard_and_download_the_briefing(live_world, page: Page, tmp_path):  # noqa: F811
    world = live_world
    add_history(world)
    facts.rebuild()

    log_in(page, "canbo")
    page.get_by_role("link", name="Số liệu, theo dõi").first.click()
    expect(page).to_have_url(re.compile(rf"/oversight/{world.commune_a.pk}/$"))

    # The sub-units' table to Excel: a confirm page (nothing written by opening it), then the file.
    page.locator(".dash-export").get_by_role("link", name="Xuất Excel").click()
    expect(page).to_have_url(re.compile(r"/exports/dashboard/"))
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    assert xlsx.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("Chi bộ 21" in c for c in cells) and any("Chi bộ Thôn Đông" in c for c in cells)
    assert not any("Khu 3" in c for c in cells)  # commune B's cell is not commune A's staff's
    assert any(c.startswith("Người xuất: canbo lúc ") for c in cells)

    # The monthly briefing, from the dashboard, and its document in the party format.
    page.goto(f"/oversight/{world.commune_a.pk}/")
    page.get_by_role("link", name="Giao ban tháng").click()
    expect(page).to_have_url(re.compile(rf"/oversight/{world.commune_a.pk}/briefing/"))
    expect(page.locator("main")).to_contain_text("Chi bộ Thôn Đông")
    with page.expect_download() as download:
        page.locator("#docx").click()
    docx = tmp_path / "giao-ban.docx"
    download.value.save_as(docx)
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    tables = " ".join(c.text for t in Document(str(docx)).tables for row in t.rows for c in row.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text + tables
    assert "Chi bộ 21" in tables and "Chi bộ Thôn Đông" in tables
