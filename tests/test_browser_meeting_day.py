"""The secretary runs the demo cell's meeting of today on a phone, start to finish, and every tap is counted.

On the demo data `make run` loads (the same generator, its small profile): from the home page's "open the meeting" to
the minutes adopted — everyone present, two exceptions, three speakers, a secret ballot on paper entered by the
vote-counting board, the resolution vote by show of hands, the end, the minutes. A tap is a click on a button or a
link, a tap into a field before typing (the typing itself is not counted), and two for a drop-down (open, choose).
The count is the figure to beat in README.md; it is printed and saved to test-artifacts/meeting-day-taps.txt."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.demo import world as demo
from apps.meetings.models import Attendance, Meeting, Minutes, Speech, Vote
from apps.meetings.queries import meeting as queries
from apps.members.models import Member
from tests.browser import log_in

pytestmark = pytest.mark.browser

# The count measured when this test was written (README.md "The meeting day on a phone"); fewer is better.
FIGURE_TO_BEAT = 41


class Taps:
    def __init__(self, page: Page):
        self.page = page
        self.count = 0
        self.log: list[str] = []

    def _note(self, n: int, why: str) -> None:
        self.count += n
        self.log.append(f"{self.count:3d}  +{n} {why}")

    def tap(self, locator, why: str) -> None:
        locator.click()
        self._note(1, why)

    def type(self, locator, text: str, why: str) -> None:
        locator.click()
        locator.fill(text)
        self._note(1, why)

    def choose(self, locator, value: str, why: str) -> None:
        locator.select_option(value)
        self._note(2, why)


def test_the_secretary_runs_todays_meeting_on_a_phone(transactional_db, live_server, phone_page, artifacts_dir):
    demo.build(profile="sample", seed=1, as_of=timezone.localdate())
    page = phone_page
    log_in(page, "bithu", demo.DEMO_PASSWORD)
    cell = Member.objects.get(user__username="bithu").cell
    meeting = Meeting.objects.get(cell=cell, kind="regular", scheduled_at__date=timezone.localdate())
    taps = Taps(page)

    # Home: the cell meets today; one tap opens the meeting.
    taps.tap(page.locator("#next-meeting a.button.primary"), "open today's meeting from the home page")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))

    # Start with the presiding officer and the minute-taker.
    secretary = Member.objects.get(user__username="bithu")
    taker = Member.objects.filter(cell=cell, active=True, status="official").exclude(pk=secretary.pk).first()
    expect(page.locator("select[name=presiding]")).to_have_value(str(secretary.pk))  # the secretary presides
    taps.choose(page.locator("select[name=minute_taker]"), str(taker.pk), "minute-taker")
    taps.tap(page.locator(f"form[action$='/meetings/{meeting.pk}/start/'] button[type=submit]"), "start")
    expect(page.locator("form[action$='/attendance/everyone-present/'] button")).to_be_visible()

    # Everyone present, then two exceptions: one absent with a reason, one without.
    taps.tap(page.locator("form[action$='/attendance/everyone-present/'] button"), "everyone present")
    present_rows = page.locator("li.roll-row.status-present")
    expect(present_rows.first).to_be_visible()
    first, second = present_rows.nth(0), present_rows.nth(1)
    first_id, second_id = first.get_attribute("id"), second.get_attribute("id")
    taps.type(first.locator("input[name=reason]"), "Ốm, có báo trước", "reason of the first absence")
    taps.tap(first.locator("button[value=excused]"), "absent with reason")
    expect(page.locator(f"#{first_id}.status-excused")).to_be_visible()
    taps.tap(page.locator(f"#{second_id} button[value=unexcused]"), "absent without reason")
    expect(page.locator(f"#{second_id}.status-unexcused")).to_be_visible()
    expect(page.locator("#net-status")).to_have_attribute("data-state", "saved")  # the tap said it was saved

    # Three speakers on the discussion item.
    item = meeting.agenda_items.get(position=8)
    speakers = [m.pk for m in Member.objects.filter(cell=cell, active=True).order_by("pk")]
    marked = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    speakers = [pk for pk in speakers if marked.get(pk) == "present"][:3]
    for n, pk in enumerate(speakers, start=1):
        taps.choose(page.locator(f"#item{item.pk} select[name=speaker]"), f"m{pk}", f"speaker {n}")
        taps.tap(page.locator(f"#item{item.pk} form.inline-form button[type=submit]"), f"add speaker {n}")
        expect(page.locator(f"#item{item.pk} li.speaker")).to_have_count(n)

    # A secret ballot on paper: the board hands out a ballot to every official member present who may vote.
    rows = queries.roll_call(meeting)
    voters = queries.voters_present(rows)
    taps.type(page.locator("#vq"), "Tín nhiệm đồng chí bí thư chi bộ", "question of the secret ballot")
    taps.choose(page.locator("#vm"), "secret", "method: secret ballot")
    taps.choose(page.locator("#vp"), "other", "purpose: other question")
    taps.tap(page.locator(f"form[action$='/meetings/{meeting.pk}/votes/'] button[type=submit]"), "open the vote")
    secret = Vote.objects.get(meeting=meeting, method="secret")
    paper = page.locator(f"form[action$='/votes/{secret.pk}/paper/']")
    for name, value in (
        ("issued", voters),
        ("returned", voters),
        ("valid", voters - 1),
        ("invalid", 1),
        ("approving", voters - 2),
        ("against", 1),
    ):  # abstain: 0 as offered
        taps.type(paper.locator(f"input[name={name}]"), str(value), f"paper ballots: {name}")
    taps.tap(paper.locator("button[type=submit]"), "record the ballot count")
    taps.tap(page.locator(f"form[action$='/votes/{secret.pk}/close/'] button[type=submit]"), "close the secret ballot")
    expect(page.locator(f"#vote{secret.pk}.vote-closed")).to_be_visible()

    # The resolution, by show of hands.
    taps.type(page.locator("#vq"), "Thông qua nghị quyết tháng", "question of the resolution vote")
    taps.tap(page.locator(f"form[action$='/meetings/{meeting.pk}/votes/'] button[type=submit]"), "open the vote")
    hands = Vote.objects.get(meeting=meeting, method="open")
    count = page.locator(f"form[action$='/votes/{hands.pk}/counts/']")
    taps.type(count.locator("input[name=approving]"), str(voters), "hands: for (against and abstain: 0 as offered)")
    taps.tap(count.locator("button[type=submit]"), "record the show of hands")
    taps.tap(page.locator(f"form[action$='/votes/{hands.pk}/close/'] button[type=submit]"), "close the vote")
    expect(page.locator(f"#vote{hands.pk}.vote-closed")).to_be_visible()

    # End: the three speakers were not ticked one by one; the end page asks, all ticked, one tap confirms.
    taps.tap(page.locator(f"form[action$='/meetings/{meeting.pk}/end/'] button[type=submit]"), "end the meeting")
    expect(page.locator("input[name=spoken]")).to_have_count(3)
    taps.tap(page.locator(f"form[action$='/meetings/{meeting.pk}/end/'] button[type=submit]"), "yes, they spoke")
    expect(page.locator(".closed-record, .badge.status-closed").first).to_be_visible()

    # The minutes: generated from the record, read back and adopted.
    taps.tap(page.locator(f"nav.tabs a[href='/meetings/{meeting.pk}/minutes/']"), "minutes tab")
    taps.tap(page.locator("form[action$='/minutes/generate/'] button[type=submit]"), "generate the minutes")
    taps.tap(page.locator("form[action$='/minutes/adopt/'] button[type=submit]"), "read back and adopted")
    expect(page.locator("span.badge").first).to_be_visible()

    # The record: as tapped, judged right, closed.
    meeting.refresh_from_db()
    assert meeting.status == "closed" and meeting.presiding_id == secretary.pk and meeting.minute_taker_id == taker.pk
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert sorted(marks.values()).count("excused") == 1 and sorted(marks.values()).count("unexcused") == 1
    assert Speech.objects.filter(meeting=meeting, spoken=True).count() == 3
    secret.refresh_from_db()
    assert (secret.status, secret.paper_issued, secret.paper_for) == ("closed", voters, voters - 2)
    hands.refresh_from_db()
    assert queries.vote_result(hands).passed
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == Minutes.Status.ADOPTED
    assert "Ốm, có báo trước" in minutes.text and "Tín nhiệm đồng chí bí thư chi bộ" in minutes.text
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.locator(".closed-record")).to_be_visible()
    assert page.locator("li.roll-row button").count() == 0  # read-only once adopted
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scrolling on the phone
    page.screenshot(path=str(artifacts_dir / "meeting-day-phone.png"), full_page=True)

    (artifacts_dir / "meeting-day-taps.txt").write_text("\n".join([*taps.log, f"total: {taps.count}"]) + "\n")
    print(f"\nmeeting day on a phone: {taps.count} taps")
    assert taps.count <= FIGURE_TO_BEAT, "\n".join(taps.log)
