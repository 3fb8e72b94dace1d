"""The meeting screen: permissions (outsider 404, anonymous → login, members cannot manage), htmx fragments,
ballots from a member's own device, and a bounded number of queries for a 60-member cell."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.testing import snapshot
from apps.meetings.models import Attendance, Guest, Meeting, Speech, Vote
from apps.meetings.services import live as services_live
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member


@pytest.fixture
def meeting(world):
    return make_meeting(world.cell_a1)


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


state = snapshot(
    lambda meeting: Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"),
    lambda meeting: Meeting.objects.filter(pk=meeting.pk).values_list("status", "started_at"),
    lambda meeting: Guest.objects.filter(meeting=meeting).count(),
    lambda meeting: Vote.objects.filter(meeting=meeting).count(),
)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("member_user", 200),
        ("staff", 200),
        ("inspector", 200),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_meeting_page_is_scoped(world, client_for, meeting, persona, expected):
    assert client_for(getattr(world, persona)).get(url("detail", meeting.pk)).status_code == expected


@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, meeting):
    for name in ("detail", "live_counts"):
        response = client.get(url(name, meeting.pk))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["member_user", "inspector", "outsider"])
@pytest.mark.django_db
def test_only_managers_change_the_record(world, client_for, meeting, persona):
    client = client_for(getattr(world, persona))
    before = state(meeting)
    posts = [
        (url("start", meeting.pk), {}),
        (url("mark", meeting.pk, world.plain_member.pk), {"status": "present"}),
        (url("guest_add", meeting.pk), {"name": "Khách"}),
        (url("vote_open", meeting.pk), {"question": "Q", "method": "open", "purpose": "other"}),
        (url("end", meeting.pk), {}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 404, path
    assert state(meeting) == before


@pytest.mark.django_db
def test_secretary_runs_the_meeting(world, client_for, meeting):
    client = client_for(world.secretary)
    assert client.post(url("start", meeting.pk), {"presiding": world.secretary_member.pk}).status_code == 302
    response = client.post(
        url("mark", meeting.pk, world.plain_member.pk), {"status": "present"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="m{world.plain_member.pk}"' in html and "hx-swap-oob" in html
    item = meeting.agenda_items.get(position=8)
    response = client.post(url("speech_add", item.pk), {"speaker": f"m{world.plain_member.pk}"}, HTTP_HX_REQUEST="true")
    assert "Lê Văn Đảng Viên" in response.content.decode()
    assert Speech.objects.filter(agenda_item=item).count() == 1
    client.post(
        url("vote_open", meeting.pk), {"question": "Thông qua nghị quyết", "method": "open", "purpose": "resolution"}
    )
    vote = Vote.objects.get(meeting=meeting)
    client.post(url("vote_counts", vote.pk), {"approving": 1, "against": 0, "abstain": 0})
    client.post(url("vote_close", vote.pk))
    html = client.get(url("detail", meeting.pk)).content.decode()
    assert "1/2" in html  # 1 approving of 2 eligible (the secretary is unmarked, not excused)
    assert client.post(url("end", meeting.pk)).status_code == 200  # first asks whether the listed speaker spoke
    speech = Speech.objects.get(agenda_item=item)
    assert client.post(url("end", meeting.pk), {"confirm": "1", "spoken": [speech.pk]}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed" and meeting.ended_at


@pytest.mark.django_db
def test_members_check_in_with_the_code_and_vote_secretly(world, client_for, meeting):
    started = services_live.meeting_start(meeting=meeting)
    member = client_for(world.member_user)
    assert member.post(url("checkin", started.checkin_token)).status_code == 302
    assert Attendance.objects.get(meeting=started, member=world.plain_member).via == "qr"
    vote = services_votes.vote_open(meeting=started, question="Tín nhiệm", method="secret")
    assert member.post(url("ballot", vote.pk), {"choice": "for"}).status_code == 302
    response = member.post(url("ballot", vote.pk), {"choice": "against"})
    assert "already" in response.content.decode() or "đã bỏ phiếu" in response.content.decode()
    vote.refresh_from_db()  # sealed until the vote closes: no tally, one receipt
    assert (vote.secret_for, vote.secret_against, vote.ballots_cast, vote.receipts.count()) == (0, 0, 0, 1)
    # While the vote is open the result is hidden from everyone, the secretary included.
    html = client_for(world.secretary).get(url("detail", started.pk)).content.decode()
    assert 'class="vote-line"' not in html
    assert ("1 ballot cast" in html) or ("1 phiếu" in html)


@pytest.mark.django_db
def test_another_cells_member_cannot_check_in_or_vote(world, client_for, meeting):
    started = services_live.meeting_start(meeting=meeting)
    vote = services_votes.vote_open(meeting=started, question="Tín nhiệm", method="secret")
    outsider = client_for(world.outsider)
    assert outsider.post(url("checkin", started.checkin_token)).status_code == 404
    assert outsider.post(url("ballot", vote.pk), {"choice": "for"}).status_code == 404
    vote.refresh_from_db()
    assert vote.ballots_cast == 0 and not Attendance.objects.filter(meeting=started).exists()


@pytest.mark.django_db
def test_qr_code_is_an_svg_only_during_the_meeting(world, client_for, meeting):
    client = client_for(world.secretary)
    assert client.get(url("checkin_qr", meeting.pk)).status_code == 404
    services_live.meeting_start(meeting=meeting)
    response = client.get(url("checkin_qr", meeting.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


def _fill(cell, n):
    for i in range(n):
        add_member(cell, full_name=f"Thành Viên {i:02d}")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_meeting_screen_queries_do_not_grow_with_the_cell(world, client_for, meeting, size):
    _fill(world.cell_a1, size - 2)
    started = services_live.meeting_start(meeting=meeting)
    for m in list(world.cell_a1.members.all())[: size // 2]:
        services_live.attendance_mark(meeting=started, member=m, status="present")
    item = started.agenda_items.get(position=8)
    services_live.speech_add(meeting=started, item=item, member=world.plain_member)
    services_votes.vote_open(meeting=started, question="Q", method="open")
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("detail", started.pk))
    assert response.status_code == 200 and response.content.decode().count('class="roll-row') == size
    # session, user, grants, meeting, roll call (marks, members, exemptions, suspensions, attachments), agenda items,
    # speeches, votes, guests, own member, ballot receipts? (no: not a member), minutes status, draft resolution exists
    assert len(ctx.captured_queries) == 17, [q["sql"][:80] for q in ctx.captured_queries]
