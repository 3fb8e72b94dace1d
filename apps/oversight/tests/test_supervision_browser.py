"""The supervisor on their phone (390 px wide): opens their page, sees today's meeting of the cell they follow, records
their visit with observations, recommendations and a follow-up date, and finds it as the cell's last visit.
Selectors use links and field names, not catalogue wording, except where the words are the point."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.meetings.testing import make_meeting
from apps.oversight.models import Visit
from tests.browser import log_in
from tests.conftest import artifacts_dir, browser, live_world, phone_page  # noqa: F401  (the browser fixtures of tests/)

pytestmark = pytest.mark.browser


def test_the_supervisor_records_a_visit_from_their_phone(live_world, phone_page: Page, artifacts_dir):  # noqa: F811
    world, page = live_world, phone_page
    now = timezone.localtime()
    meeting = make_meeting(world.cell_a2, when=now.replace(hour=0, minute=5, second=0, microsecond=0))
    later = make_meeting(world.cell_a2, kind="thematic", when=now + timedelta(days=12), place="Hội trường thôn")
    make_meeting(world.cell_a1, when=now + timedelta(days=2), place="Nhà văn hóa A1")  # not a cell they follow
    log_in(page, "giamsat")
    page.goto("/oversight/supervision/")
    card = page.locator(f"#cell-{world.cell_a2.pk}")
    expect(card).to_contain_text(world.cell_a2.name)
    expect(card.locator(f"#meeting-{later.pk}")).to_contain_text(
        timezone.localtime(later.scheduled_at).strftime("%d/%m/%Y")
    )
    expect(card.locator(f"#meeting-{later.pk}")).to_contain_text("Hội trường thôn")
    expect(page.locator(f"#cell-{world.cell_a1.pk}")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(artifacts_dir / "supervision-phone.png"), full_page=True)

    card.locator(f"a[href='/oversight/cells/{world.cell_a2.pk}/visits/add/?meeting={meeting.pk}']").click()
    expect(page).to_have_url(re.compile(rf"/oversight/cells/{world.cell_a2.pk}/visits/add/"))
    expect(page.locator("select[name=meeting]")).to_have_value(str(meeting.pk))
    page.locator("input[name=attended][value=yes]").check()
    page.fill("textarea[name=observations]", "Chi bộ sinh hoạt đúng giờ, 9/10 đảng viên có mặt.")
    page.fill("textarea[name=recommendations]", "Nghị quyết cần ghi rõ người chịu trách nhiệm.")
    due = timezone.localdate() + timedelta(days=30)
    page.fill("input[name=follow_up_due]", due.strftime("%d/%m/%Y"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "supervision-visit-phone.png"), full_page=True)
    page.locator("#visit-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/oversight/supervision/$"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận lần dự.")
    visit = Visit.objects.get()
    assert (visit.cell, visit.meeting, visit.visitor) == (world.cell_a2, meeting, world.supervisor)
    assert visit.kind == "supervisor" and visit.follow_up_due == due and visit.attended
    expect(page.locator(f"#cell-{world.cell_a2.pk} #visit-{visit.pk}")).to_contain_text("người chịu trách nhiệm")
