"""A refused tap on the meeting screen says why where it was made: an htmx refusal draws its part of the page again
with the reasons (and "not saved" for the screen's saving indicator); a refused vote form shows the page again with
the form as typed."""

import pytest
from django.urls import reverse

from apps.meetings.models import Speech, Vote
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def started(world):
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a1))
    services_live.attendance_mark(meeting=meeting, member=world.plain_member, status="present")
    return meeting


@pytest.mark.django_db
def test_a_refused_speaker_redraws_the_agenda_item_with_the_reason(world, client_for, started):
    item = started.agenda_items.get(position=8)
    client = client_for(world.secretary)
    response = client.post(url("speech_add", item.pk), {"speaker": "m²"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Not-Saved"] == "1"
    assert f'id="item{item.pk}"' in html and 'role="alert"' in html and "Hãy chọn một đảng viên hoặc khách mời" in html
    assert not Speech.objects.filter(agenda_item=item).exists()
    response = client.post(url("speech_add", item.pk), {"speaker": f"m{world.plain_member.pk}"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and "X-Not-Saved" not in response
        and 'role="alert"' not in response.content.decode()
    )
    assert Speech.objects.filter(agenda_item=item).count() == 1


@pytest.mark.django_db
def test_a_vote_opened_after_the_meeting_ended_shows_why_next_to_the_form(world, client_for, started):
    services_live.meeting_end(meeting=started)
    data = {"question": "Thông qua nghị quyết", "method": "open", "purpose": "resolution"}
    response = client_for(world.secretary).post(url("vote_open", started.pk), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Chỉ biểu quyết được khi cuộc họp đang diễn ra." in html
    assert 'value="Thông qua nghị quyết"' in html  # the question as typed
    assert not Vote.objects.filter(meeting=started).exists()
