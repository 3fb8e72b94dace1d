"""A whole meeting in a real browser: plan → prepare → start → QR self check-in from a member's phone →
speakers → an open vote and a secret ballot → end → minutes adopted → the .docx opened with python-docx.

Selectors use form actions, field names and element ids, so the flow does not depend on the wording of the
Vietnamese catalogue; the texts that matter to people (counts, the vote line) are checked as they appear."""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from apps.meetings.models import Attendance, Meeting, Minutes, Vote
from tests.browser import log_in

pytestmark = pytest.mark.browser


def submit(page: Page, action_suffix: str, button: str = "button[type=submit]") -> None:
    page.locator(f"form[action$='{action_suffix}'] {button}").first.click()


def test_a_whole_meeting(live_world, page: Page, browser, live_server, artifacts_dir):
    world = live_world
    secretary = page
    log_in(secretary, "bithu")

    # Plan: from the cell page to next year's calendar, generated from the cell's rule.
    secretary.goto(f"/orgs/{world.cell_a1.pk}/")
    secretary.click("#calendar-link")
    secretary.locator("nav.actions a.button").nth(1).click()  # next year »
    submit(secretary, "/generate/")
    expect(secretary.locator("table a[href^='/meetings/']").first).to_be_visible()
    meeting = Meeting.objects.filter(cell=world.cell_a1, kind="regular").order_by("scheduled_at").first()
    assert Meeting.objects.filter(cell=world.cell_a1).count() == 16  # 12 regular + 4 thematic
    secretary.goto(f"/meetings/{meeting.pk}/")

    # Prepare: preparer, a draft resolution published to members, members and supervisor notified.
    secretary.click(f"nav.tabs a[href='/meetings/{meeting.pk}/prepare/']")
    secretary.select_option("select[name=preparer]", str(world.secretary_member.pk))
    submit(secretary, "/prepare/preparer/")
    secretary.click(f"a[href='/meetings/{meeting.pk}/prepare/documents/add/']")
    secretary.select_option("select[name=kind]", "draft_resolution")
    secretary.fill("input[name=title]", "Dự thảo nghị quyết tháng 1")
    secretary.fill("textarea[name=text]", "1. Hoàn thành thu đảng phí.\n2. Ra quân vệ sinh môi trường.")
    secretary.click("form[enctype] button[type=submit]")
    submit(secretary, "/publish/")
    submit(secretary, "/prepare/notify/")
    meeting.refresh_from_db()
    assert meeting.members_notified_at is not None and meeting.preparer_id == world.secretary_member.pk

    # Hold: start with presiding officer and minute-taker.
    secretary.goto(f"/meetings/{meeting.pk}/")
    secretary.select_option("select[name=presiding]", str(world.secretary_member.pk))
    secretary.select_option("select[name=minute_taker]", str(world.secretary_member.pk))
    submit(secretary, "/start/")
    expect(secretary.locator(".checkin-code img")).to_be_visible()
    checkin_url = secretary.locator("#checkin-link").get_attribute("href")

    # The member checks in from their own phone with the code shown on the secretary's screen.
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    member = phone.new_page()
    try:
        log_in(member, "dangvien")
        member.goto(checkin_url)
        member.click("form button[type=submit]")
        expect(member).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
        assert Attendance.objects.get(meeting=meeting, member=world.plain_member).via == "qr"

        # The secretary marks themselves present; the counts update without reloading.
        row = secretary.locator(f"#m{world.secretary_member.pk}")
        row.locator("button[value=present]").click()
        expect(secretary.locator("#live-counts [data-count=present]")).to_have_text("2/2")

        # Speakers on the discussion item, with the note of the remark.
        secretary.reload()
        item = meeting.agenda_items.get(position=8)
        box = secretary.locator(f"#item{item.pk}")
        box.locator("select[name=speaker]").select_option(f"m{world.plain_member.pk}")
        box.locator("form.inline-form button[type=submit]").click()
        note = box.locator("textarea[name=note]")
        expect(note).to_be_visible()
        note.fill("Đề nghị bổ sung nhiệm vụ chăm lo gia đình chính sách.")
        box.locator("input[name=spoken]").check()
        box.locator("form.speech-note button[type=submit]").first.click()
        expect(box.locator(".speaker.spoken")).to_have_count(1)

        # An open vote on the resolution: 2 for, judged against the 2 eligible members.
        secretary.fill("#vq", "Thông qua nghị quyết tháng 1")
        secretary.select_option("#vm", "open")
        secretary.select_option("#vp", "resolution")
        submit(secretary, f"/meetings/{meeting.pk}/votes/")
        open_vote = Vote.objects.get(meeting=meeting, method="open")
        form = secretary.locator(f"form[action='/meetings/votes/{open_vote.pk}/counts/']")
        form.locator("input[name=approving]").fill("2")
        form.locator("input[name=against]").fill("0")
        form.locator("input[name=abstain]").fill("0")
        form.locator("button[type=submit]").click()
        submit(secretary, f"/votes/{open_vote.pk}/close/")
        expect(secretary.locator(f"#vote{open_vote.pk} .vote-line")).to_contain_text("2/2")
        expect(secretary.locator(f"#vote{open_vote.pk} .vote-line")).to_contain_text(
            "100,0%"
        )  # Vietnamese decimal comma

        # A secret ballot: each present official member votes once from their own device.
        secretary.fill("#vq", "Tín nhiệm đồng chí bí thư")
        secretary.select_option("#vm", "secret")
        secretary.select_option("#vp", "other")
        submit(secretary, f"/meetings/{meeting.pk}/votes/")
        secret = Vote.objects.get(meeting=meeting, method="secret")
        member.goto(f"/meetings/votes/{secret.pk}/ballot/")
        member.check("input[name=choice][value=for]")
        member.click("form button[type=submit]")
        member.goto(f"/meetings/votes/{secret.pk}/ballot/")
        expect(member.locator("input[name=choice]")).to_have_count(0)  # a second ballot is not offered
        secretary.goto(f"/meetings/votes/{secret.pk}/ballot/")
        secretary.check("input[name=choice][value=against]")
        secretary.click("form button[type=submit]")
        expect(secretary.locator(f"#vote{secret.pk} .vote-line")).to_have_count(0)  # hidden while open
        # Two ballots would tell each voter the other's choice: the vote does not close on them; it is voided.
        submit(secretary, f"/votes/{secret.pk}/close/")
        expect(secretary.locator(f"#vote{secret.pk} .errors")).to_contain_text("Mới có 2 phiếu")
        expect(secretary.locator(f"#vote{secret.pk} .vote-line")).to_have_count(0)
        secretary.locator(f"#vote{secret.pk} details summary").click()
        secretary.fill(f"#vote{secret.pk}_reason", "Chỉ có hai phiếu, không bảo đảm bí mật")
        submit(secretary, f"/votes/{secret.pk}/void/")
        expect(secretary.locator(f"#vote{secret.pk} del")).to_contain_text("Tín nhiệm đồng chí bí thư")
        secret.refresh_from_db()
        assert secret.status == "voided"

        secretary.set_viewport_size({"width": 390, "height": 844})
        secretary.reload()
        expect(secretary.locator(".checkin-code img")).to_be_visible()
        assert secretary.locator(".checkin-code img").evaluate("img => img.naturalWidth") > 100  # the QR renders
        wide = secretary.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert wide == [], f"wider than a phone: {wide}"
        secretary.screenshot(path=str(artifacts_dir / "meeting-phone.png"), full_page=True)
        secretary.set_viewport_size({"width": 1280, "height": 900})
        submit(secretary, f"/meetings/{meeting.pk}/end/")
        meeting.refresh_from_db()
        assert meeting.status == "closed"
    finally:
        phone.close()

    # Minutes: generated from the record, read back and adopted (locked).
    secretary.click(f"nav.tabs a[href='/meetings/{meeting.pk}/minutes/']")
    submit(secretary, "/minutes/generate/")
    expect(secretary.locator("textarea[name=text]")).to_contain_text("Đề nghị bổ sung nhiệm vụ")
    submit(secretary, "/minutes/adopt/")
    assert Minutes.objects.get(meeting=meeting).status == "adopted"

    # The resolution: drafted (a POST) and adopted on the passed vote; adoption gives it its number.
    secretary.goto(f"/resolutions/meetings/{meeting.pk}/")
    submit(secretary, f"/resolutions/meetings/{meeting.pk}/")
    secretary.locator("form[action$='/adopt/'] button[type=submit]").first.click()
    expect(secretary.locator("form[action$='/adopt/']")).to_have_count(0)

    # Documents: the .docx of the minutes and of the resolution, opened with python-docx.
    secretary.goto(f"/meetings/{meeting.pk}/")
    for link, kind in (("docx_minutes", "BIÊN BẢN"), ("docx_resolution", "NGHỊ QUYẾT")):
        href = f"/meetings/{meeting.pk}/documents/{'minutes' if link == 'docx_minutes' else 'resolution'}.docx"
        with secretary.expect_download() as download:
            secretary.click(f"nav.tabs a[href='{href}']")
        with open(download.value.path(), "rb") as handle:
            document = Document(io.BytesIO(handle.read()))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "CHI BỘ 21" in cells
        assert kind in text
        if kind == "BIÊN BẢN":
            assert "2/2" in text  # present / total
            assert "Số 01-BB/CB" in text + cells
        else:
            assert "2/2" in text and "100" in text  # the vote line
            assert "Số 01-NQ/CB" in text + cells
