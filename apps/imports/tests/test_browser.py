"""A cell secretary brings a member list in from a phone (issue 14, "Quality bars"): a file with three good rows and
two bad ones, one name typed in the old ".VnTime" font and the admission dates under a header the system does not
recognise. The first check refuses every row (no admission date) and says why; the secretary fixes the columns,
the second check shows the three new members (the name converted) and the two rows refused with their reasons; the
import writes the three, one opens on its member page, and the import is undone. Every page fits the phone's width
(tables scroll inside their own box). The jobs run at once in tests (the immediate task backend)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.common.vnlegacy import Encoding, from_unicode
from apps.imports.models import ImportBatch
from apps.members.models import Member
from tests.browser import log_in
from tests.conftest import artifacts_dir, browser, live_world, phone_page  # noqa: F401  (the browser fixtures)

pytestmark = pytest.mark.browser

LEGACY_NAME = from_unicode("Nguyễn Văn An", Encoding.TCVN3)  # as typed in ".VnTime": "NguyÔn V¨n An"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào ĐCSVN", "Ngày chính thức"]
ROWS = [
    [1, LEGACY_NAME, "12/03/1980", "Nam", "47 000 001", "19/05/2010", "19/05/2011"],
    [2, "Trần Thị Bình", "01/07/1985", "Nữ", "47000002", "03/02/2012", "03/02/2013"],
    [3, "Lê Văn Cường", "22/11/1979", "Nam", "47000003", "19/05/2009", "19/05/2010"],
    [4, "Phạm Thị Dung", "31/02/1982", "Nữ", "47000004", "19/05/2011", "19/05/2012"],  # no 31 February
    [5, "Hoàng Văn Em", "05/05/1983", "Không rõ", "47000005", "19/05/2011", "19/05/2012"],  # not a gender
]
ADMITTED_COLUMN = "5"  # "Ngày vào ĐCSVN": column F, 0-based index 5


def member_list() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH ĐẢNG VIÊN CHI BỘ 21"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fits_the_phone(page: Page) -> None:
    """No page-wide sideways scroll: what is wider (a table) scrolls inside its own box.

    Measured once the page has loaded: right after a click the old document may be going away (no
    documentElement yet), which failed a CI run."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: the page is {width[0]}px wide on a {width[1]}px screen"


def test_a_secretary_imports_a_member_list_fixes_the_columns_commits_and_undoes(
    live_world,  # noqa: F811
    phone_page: Page,  # noqa: F811
    artifacts_dir,  # noqa: F811
):
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    before = Member.objects.count()
    log_in(page, "bithu")

    page.goto("/imports/")
    fits_the_phone(page)
    page.locator("main a[href='/imports/upload/']").click()
    expect(page).to_have_url(re.compile(r"/imports/upload/$"))
    expect(page.locator("select[name=organization] option")).to_have_count(1)  # the secretary's own cell
    page.locator("input[name=file]").set_input_files(
        files=[
            {
                "name": "ds chi bo 21.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": member_list(),
            }
        ]
    )
    fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "import-upload.png"), full_page=True)
    page.locator("main form button[type=submit]").click()

    # The file was read (the analysis job ran): the columns' form, the recognised ones chosen.
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    batch = ImportBatch.objects.get()
    assert batch.status == "mapping", batch.error
    expect(page.locator("select[name=col_full_name]")).to_have_value("1")
    expect(page.locator("select[name=col_card_number]")).to_have_value("4")
    expect(page.locator("select[name=col_admitted_on]")).to_have_value("")  # "Ngày vào ĐCSVN": not recognised
    fits_the_phone(page)
    page.locator(f"form[action='/imports/{batch.pk}/mapping/'] button[type=submit]").click()

    # The check: every row refused (no admission date), each with its reason.
    expect(page.locator("#rows tbody tr")).to_have_count(5)
    expect(page.locator("#rows .level-alert").first).to_be_visible()
    expect(page.locator(f"main a[href='/imports/{batch.pk}/commit/']")).to_have_count(0)  # nothing to import
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.counts.get("refused") == 5, batch.counts
    page.screenshot(path=str(artifacts_dir / "import-refused.png"), full_page=True)
    fits_the_phone(page)

    # Fix the columns: the admission dates are in column F.
    page.locator(f"main a[href='/imports/{batch.pk}/mapping/']").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/mapping/$"))
    page.locator("select[name=col_admitted_on]").select_option(ADMITTED_COLUMN)
    fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "import-mapping.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/$"))
    batch.refresh_from_db()
    assert batch.counts.get("create") == 3 and batch.counts.get("refused") == 2, batch.counts
    refused = page.locator("#rows tbody tr")
    expect(refused).to_have_count(2)  # the rows with problems come first (and alone, by default)
    expect(refused.nth(0)).to_contain_text("Phạm Thị Dung")
    expect(refused.nth(1)).to_contain_text("Hoàng Văn Em")
    expect(refused.nth(0)).to_contain_text("31/02/1982")
    expect(refused.nth(1)).to_contain_text("Không rõ")
    page.locator("#rows nav.tabs a[href='?fate=create#rows']").click()
    created = page.locator("#rows tbody tr")
    expect(created).to_have_count(3)
    expect(created.nth(0)).to_contain_text(f"«{LEGACY_NAME}» → «Nguyễn Văn An»")  # the old font, converted
    page.screenshot(path=str(artifacts_dir / "import-previewed.png"), full_page=True)
    fits_the_phone(page)

    # Import: the confirmation, then the import (a job: done at once here).
    page.locator(f"main a[href='/imports/{batch.pk}/commit/']").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/commit/$"))
    expect(page.locator("main form button[type=submit]")).to_be_visible()
    fits_the_phone(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/$"))
    batch.refresh_from_db()
    assert batch.status == "committed", batch.error
    assert Member.objects.count() == before + 3
    assert Member.objects.filter(full_name="Nguyễn Văn An", cell=live_world.cell_a1).exists()
    fits_the_phone(page)

    # Open a member it brought in.
    page.locator("main a[href^='/members/']", has_text="Nguyễn Văn An").click()
    expect(page).to_have_url(re.compile(r"/members/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    page.go_back()

    # Undo: nothing touched the three since, so they go.
    page.locator(f"main a[href='/imports/{batch.pk}/undo/']").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/undo/$"))
    expect(page.locator("main form button[type=submit]")).to_be_visible()
    fits_the_phone(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/imports/{batch.pk}/$"))
    batch.refresh_from_db()
    assert batch.status == "undone", batch.error
    assert Member.objects.count() == before
    page.screenshot(path=str(artifacts_dir / "import-undone.png"), full_page=True)

    page.goto("/imports/")
    expect(page.locator("table.list tbody tr")).to_have_count(1)  # the history keeps it, undone
    fits_the_phone(page)
    assert errors == []


def test_the_batch_page_follows_a_running_job(live_world, phone_page: Page):  # noqa: F811
    """While a job works on the file the page polls its progress every second (htmx, under the CSP), and shows
    the preview once the job is done."""
    page = phone_page
    batch = ImportBatch(
        organization=live_world.cell_a1,
        kind="members",
        status="previewing",
        file_name="lon.xlsx",
        sha256="0" * 64,
        uploaded_by=live_world.secretary,
        rows_total=10,
        rows_done=3,
    )
    batch.file.save("lon.xlsx", ContentFile(b"PK"), save=False)
    batch.save()
    log_in(page, "bithu")
    page.goto(f"/imports/{batch.pk}/")
    progress = page.locator("#import-progress progress")
    expect(progress).to_have_attribute("value", "30")
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=7)
    expect(progress).to_have_attribute("value", "70")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="previewed", rows_done=10, previewed_at=timezone.now(), counts={"create": 0, "refused": 0}
    )
    expect(page.locator("#rows")).to_be_visible()  # the page reloaded itself (HX-Refresh) on the job's end
    expect(page.locator("#import-progress progress")).to_have_count(0)
