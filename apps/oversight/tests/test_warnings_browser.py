"""The commune's staff in a real browser: open the commune's early warnings, pick the kind "no meeting last month",
follow a line's evidence to the cell's meetings of that month; open the monthly briefing, write the month's focus,
download the briefing pack as .docx (read back with python-docx); the warnings page at phone width fits the screen.
Selectors use ids, links and field names, not catalogue wording, except where the words are the point."""

import re

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect

from apps.oversight.models import Briefing
from apps.oversight.rules import warnings as rules
from apps.oversight.rules.periods import add_months, month_of
from apps.oversight.tests.test_warnings import fact
from tests.browser import log_in
from tests.conftest import artifacts_dir, browser, live_world, page, phone_page  # noqa: F401  (the browser fixtures of tests/)

pytestmark = pytest.mark.browser

FOCUS = "Đôn đốc chi bộ Thôn Đông sinh hoạt đúng kỳ."


def test_staff_follow_a_warning_and_prepare_the_briefing(live_world, page: Page, artifacts_dir):  # noqa: F811
    world = live_world
    this_month = month_of(timezone.localdate())
    last_month = add_months(this_month, -1)
    fact(world.cell_a1, last_month, quality_tot=1)  # A1 met last month; A2 did not
    commune = world.commune_a.pk

    log_in(page, "canbo")
    page.goto(f"/oversight/{commune}/warnings/")
    expect(page.locator(f"#kind-{rules.NO_MEETING}")).to_contain_text(world.cell_a2.name)
    page.screenshot(path=str(artifacts_dir / "warnings.png"), full_page=True)
    page.locator(f"#kinds a[href$='?kind={rules.NO_MEETING}']").click()
    expect(page).to_have_url(re.compile(rf"\?kind={rules.NO_MEETING}$"))
    expect(page.locator("section.card[id^=kind-]")).to_have_count(1)
    line = page.locator(f"#kind-{rules.NO_MEETING} tr.warning-line[data-org='{world.cell_a2.pk}']")
    expect(line).to_contain_text(f"{last_month:%m/%Y}")
    line.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/oversight/{world.cell_a2.pk}/meetings/\?period={last_month:%Y-%m}$"))

    page.goto(f"/oversight/{commune}/warnings/")
    page.locator(f"#oversight-links a[href='/oversight/{commune}/briefing/']").click()
    expect(page.locator("#briefing-day")).to_contain_text(f"Giao ban ngày 03/{this_month:%m/%Y}")
    expect(page.locator(f"#results-table tr[data-org='{world.cell_a1.pk}']")).to_contain_text(world.cell_a1.name)
    expect(page.locator(f"#exceptions tr[data-kind={rules.NO_MEETING}]")).to_contain_text(world.cell_a2.name)
    page.fill("#focus textarea[name=focus]", FOCUS)
    page.locator("#focus button[type=submit]").click()
    expect(page.locator("#focus-text")).to_contain_text(FOCUS)
    assert Briefing.objects.get(committee=world.commune_a).focus == FOCUS
    page.screenshot(path=str(artifacts_dir / "briefing.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#docx").click()
    assert download.value.suggested_filename == f"giao-ban-{this_month:%Y-%m}.docx"
    document = Document(download.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert FOCUS in text and world.cell_a1.name in cells and world.cell_a2.name in cells


def test_the_warnings_fit_a_phone(live_world, phone_page: Page, artifacts_dir):  # noqa: F811
    log_in(phone_page, "canbo")
    phone_page.goto(f"/oversight/{live_world.commune_a.pk}/warnings/")
    expect(phone_page.locator(f"#kind-{rules.NO_MEETING}")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(artifacts_dir / "warnings-phone.png"), full_page=True)
