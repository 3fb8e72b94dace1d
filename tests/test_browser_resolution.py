"""Resolutions that get carried out, in a real browser: adopt a resolution with two tasks and a target at meeting 1;
the task lead posts progress from their phone; meeting 2's agenda and draft resolution contain both tasks with their
outcomes; the target's share is right. Selectors use form actions and field names, not catalogue wording."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.meetings.models import MeetingDocument
from apps.meetings.services import live as services_live
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.resolutions.models import Resolution, Target, Task
from tests.browser import log_in

pytestmark = pytest.mark.browser


def held_meeting_with_a_passed_vote(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=1))
    meeting = services_live.meeting_start(meeting=meeting, presiding=world.secretary_member)
    for member in (world.secretary_member, world.plain_member):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="open")
    services_votes.vote_record_counts(vote=vote, approving=2, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    return services_live.meeting_end(meeting=meeting)


def test_resolution_tasks_progress_and_the_loop(live_world, page: Page, browser, live_server, artifacts_dir):
    world = live_world
    meeting1 = held_meeting_with_a_passed_vote(world)
    meeting2 = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=25))
    deadline = (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y")
    start = timezone.localdate().strftime("%d/%m/%Y")
    end = (timezone.localdate() + timedelta(days=60)).strftime("%d/%m/%Y")
    secretary = page
    log_in(secretary, "bithu")

    # Meeting 1: its resolution, two tasks led by a member, a target, adopted on the passed vote.
    secretary.goto(f"/meetings/{meeting1.pk}/")
    secretary.click(f"nav.tabs a[href='/resolutions/meetings/{meeting1.pk}/']")
    secretary.locator(f"form[action='/resolutions/meetings/{meeting1.pk}/'] button").click()  # start the draft
    expect(secretary.locator(f"form[action='/resolutions/meetings/{meeting1.pk}/']")).to_have_count(0)
    resolution = Resolution.objects.get(meeting=meeting1)
    for title in ("Vận động làm đường bê tông ngõ 5", "Tổng vệ sinh bờ kênh"):
        secretary.click(f"a[href='/resolutions/{resolution.pk}/tasks/add/']")
        secretary.fill("input[name=title]", title)
        secretary.select_option("select[name=lead]", str(world.plain_member.pk))
        secretary.fill("input[name=deadline]", deadline)
        secretary.locator("main form button[type=submit]").last.click()
        expect(secretary).to_have_url(re.compile(rf"/resolutions/{resolution.pk}/"))
    assert Task.objects.filter(resolution=resolution).count() == 2
    secretary.goto(f"/resolutions/{resolution.pk}/targets/")
    secretary.click(f"a[href='/resolutions/{resolution.pk}/targets/add/']")
    secretary.fill("input[name=title]", "Số hộ tham gia phân loại rác")
    secretary.fill("input[name=unit]", "hộ")
    secretary.fill("input[name=value]", "90")
    secretary.select_option("select[name=direction]", "at_least")
    secretary.fill("input[name=period_start]", start)
    secretary.fill("input[name=period_end]", end)
    secretary.locator("main form button[type=submit]").last.click()
    target = Target.objects.get(resolution=resolution)
    secretary.goto(f"/resolutions/{resolution.pk}/")
    secretary.locator(f"form[action='/resolutions/{resolution.pk}/adopt/'] button").click()
    resolution.refresh_from_db()
    assert resolution.status == "adopted" and resolution.vote_id is not None

    # The lead posts progress on their phone, from their own task list.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    member = phone.new_page()
    try:
        log_in(member, "dangvien")
        member.click("a[href='/resolutions/tasks/mine/']")
        first = Task.objects.get(resolution=resolution, title="Vận động làm đường bê tông ngõ 5")
        member.click(f"a[href='/resolutions/tasks/{first.pk}/']")
        form = member.locator(f"form[action='/resolutions/tasks/{first.pk}/progress/']")
        form.locator("input[name=on]").fill(start)
        form.locator("textarea[name=text]").fill("Đã vận động 12 hộ góp công, đổ xong 40 m.")
        form.locator("input[name=percent]").fill("60")
        form.locator("button[type=submit]").click()
        expect(member.get_by_text("Đã vận động 12 hộ góp công")).to_be_visible()
        member.screenshot(path=str(artifacts_dir / "task-phone.png"), full_page=True)
    finally:
        phone.close()
    assert first.progress.count() == 1

    # The target's actual: 95 of 90 → 105,6 %.
    secretary.goto(f"/resolutions/targets/{target.pk}/")
    form = secretary.locator(f"form[action='/resolutions/targets/{target.pk}/actuals/add/']")
    form.locator("input[name=on]").fill(start)
    form.locator("input[name=value]").fill("95")
    form.locator("button[type=submit]").click()
    secretary.goto(f"/resolutions/{resolution.pk}/targets/")
    expect(secretary.locator("main")).to_contain_text("105,6%")

    # Meeting 2: review the first task as done with its outcome; its agenda and draft resolution carry both tasks.
    secretary.goto(f"/resolutions/meetings/{meeting2.pk}/")
    secretary.locator(f"form[action='/resolutions/meetings/{meeting2.pk}/'] button").click()  # start the draft
    secretary.locator(f"#review-{first.pk} details summary").click()  # "Record the outcome"
    review = secretary.locator(f"form[action='/resolutions/tasks/{first.pk}/review/']")
    review.locator("textarea[name=outcome]").fill("Hoàn thành 40 m đường, 12 hộ tham gia")
    review.locator("select[name=decision]").select_option("done")
    review.locator("button[type=submit]").click()
    resolution2 = Resolution.objects.get(meeting=meeting2)
    secretary.locator(f"form[action='/resolutions/{resolution2.pk}/refresh-loop/'] button").click()
    secretary.goto(f"/meetings/{meeting2.pk}/prepare/")
    agenda = secretary.locator("#agenda")
    for title in ("Vận động làm đường bê tông ngõ 5", "Tổng vệ sinh bờ kênh"):  # agenda titles are editable inputs
        expect(agenda.locator(f"input[name=title][value='Kiểm điểm nhiệm vụ: {title}']")).to_have_count(1)
    draft = MeetingDocument.objects.get(meeting=meeting2, kind="draft_resolution").text
    assert draft.startswith("I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC")
    assert "Vận động làm đường bê tông ngõ 5" in draft and "Hoàn thành 40 m đường, 12 hộ tham gia" in draft
    assert "Tổng vệ sinh bờ kênh" in draft
