"""Minutes pages: the secretary and the minute-taker write the draft side by side without overwriting each other;
the secretary adopts and corrects; everyone who may see the meeting reads the history; bounded queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import UserFactory, snapshot
from apps.meetings.models import Minutes, MinutesVersion
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.testing import make_meeting
from apps.meetings.tests.test_minutes_services import recorded_meeting
from apps.members.testing import add_member


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


minutes_state = snapshot(
    Minutes.objects.order_by("pk").values_list("pk", "text", "status", "revision", "adopted_at"),
    MinutesVersion.objects.order_by("pk").values_list("pk", "number", "text", "reason"),
)


@pytest.fixture
def held(world):
    """A meeting in progress with the plain member as minute-taker."""
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(minutes=10))
    services_live.meeting_start(meeting=meeting, presiding=world.secretary_member, minute_taker=world.plain_member)
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 200),
        ("member_user", 200),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["minutes", "minutes_history"])
@pytest.mark.django_db
def test_minutes_pages_are_scoped(world, client_for, held, persona, expected, name):
    services_minutes.minutes_generate(meeting=held)
    assert client_for(getattr(world, persona)).get(url(name, held.pk)).status_code == expected


@pytest.mark.django_db
def test_the_secretary_generates_and_saves(world, client_for, held):
    client = client_for(world.secretary)
    page = client.get(url("minutes", held.pk)).content.decode()
    assert url("minutes_generate", held.pk) in page
    assert client.post(url("minutes_generate", held.pk)).status_code == 302
    minutes = Minutes.objects.get(meeting=held)
    assert "I. THÀNH PHẦN" in minutes.text and minutes.revision == 1
    response = client.post(url("minutes_save", held.pk), {"text": "Biên bản đã sửa.", "revision": 1})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.text, minutes.revision) == ("Biên bản đã sửa.", 2)


@pytest.mark.django_db
def test_secretary_and_minute_taker_do_not_overwrite_each_other(world, client_for, held):
    services_minutes.minutes_generate(meeting=held)
    # Both open the draft at revision 1; the secretary saves first.
    services_minutes.minutes_save(meeting=held, text="Bản của bí thư.", revision=1)
    response = client_for(world.member_user).post(
        url("minutes_save", held.pk), {"text": "Bản của thư ký cuộc họp.", "revision": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bản của bí thư." in page  # the other person's text is shown
    assert "Bản của thư ký cuộc họp." in page  # and this person's text is still in the editor
    assert response.context["form"]["revision"].value() == 2  # saving again now is a deliberate merge
    assert Minutes.objects.get(meeting=held).text == "Bản của bí thư."
    response = client_for(world.member_user).post(url("minutes_save", held.pk), {"text": "Bản đã gộp.", "revision": 2})
    assert response.status_code == 302 and Minutes.objects.get(meeting=held).text == "Bản đã gộp."


@pytest.mark.django_db
def test_the_minute_taker_writes_but_does_not_adopt_and_other_members_only_read(world, client_for, held):
    services_minutes.minutes_generate(meeting=held)
    page = client_for(world.member_user).get(url("minutes", held.pk)).content.decode()
    assert url("minutes_save", held.pk) in page and url("minutes_adopt", held.pk) not in page
    before = minutes_state()
    assert client_for(world.member_user).post(url("minutes_adopt", held.pk), {"revision": 1}).status_code == 404
    other = UserFactory(username="dangvien2")
    add_member(world.cell_a1, user=other, full_name="Mai Văn Khác")
    page = client_for(other).get(url("minutes", held.pk)).content.decode()
    assert url("minutes_save", held.pk) not in page
    for name, data in [
        ("minutes_generate", {}),
        ("minutes_save", {"text": "x", "revision": 1}),
        ("minutes_adopt", {"revision": 1}),
        ("minutes_correct", {"text": "x", "reason": "y"}),
    ]:
        assert client_for(other).post(url(name, held.pk), data).status_code == 404, name
    assert minutes_state() == before


@pytest.mark.django_db
def test_adopt_then_correct_through_the_pages(world, client_for):
    meeting = recorded_meeting(world)
    client = client_for(world.secretary)
    client.post(url("minutes_generate", meeting.pk))
    minutes = Minutes.objects.get(meeting=meeting)
    response = client.post(url("minutes_adopt", meeting.pk), {"revision": minutes.revision})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_by == world.secretary
    page = client.get(url("minutes", meeting.pk)).content.decode()
    assert url("minutes_save", meeting.pk) not in page and url("minutes_correct", meeting.pk) in page

    before = minutes_state()
    response = client.post(url("minutes_save", meeting.pk), {"text": "Sửa lén.", "revision": minutes.revision})
    assert response.status_code == 200 and minutes_state() == before
    response = client.post(url("minutes_generate", meeting.pk))
    assert response.status_code == 302 and minutes_state() == before
    response = client.post(url("minutes_correct", meeting.pk), {"text": minutes.text + "\nBổ sung.", "reason": ""})
    assert response.status_code == 200 and response.context["correct_form"].errors["reason"]
    assert minutes_state() == before

    response = client.post(
        url("minutes_correct", meeting.pk), {"text": minutes.text + "\nBổ sung.", "reason": "Thiếu một ý"}
    )
    assert response.status_code == 302 and response["Location"] == url("minutes_history", meeting.pk)
    versions = list(MinutesVersion.objects.filter(minutes=minutes).order_by("number"))
    assert [(v.number, v.author, v.reason) for v in versions] == [
        (1, world.secretary, ""),
        (2, world.secretary, "Thiếu một ý"),
    ]
    history = client.get(url("minutes_history", meeting.pk)).content.decode()
    assert "Thiếu một ý" in history and "<ins>Bổ sung.</ins>" in history


@pytest.mark.django_db
def test_adopting_a_text_that_changed_since_it_was_read_is_refused(world, client_for, held):
    services_minutes.minutes_generate(meeting=held)
    services_minutes.minutes_save(meeting=held, text="Sửa sau khi đọc.", revision=1)
    before = minutes_state()
    response = client_for(world.secretary).post(url("minutes_adopt", held.pk), {"revision": 1}, follow=True)
    assert minutes_state() == before
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_history_queries_do_not_grow_with_versions(world, client_for, held, rows):
    minutes = services_minutes.minutes_generate(meeting=held)
    services_minutes.minutes_adopt(meeting=held, revision=minutes.revision, by=world.secretary)
    for n in range(rows - 1):
        services_minutes.minutes_correct(meeting=held, text=f"Bản sửa {n}", reason=f"Lý do {n}", by=world.secretary)
    client = client_for(world.inspector)
    client.get(url("minutes_history", held.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("minutes_history", held.pk))
    assert response.status_code == 200 and len(response.context["rows"]) == rows
    # session, user, grants, meeting (+cell, officers), minutes (+adopted_by), versions (+author)
    assert len(ctx.captured_queries) == 6


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_minutes_page_queries_are_fixed(world, client_for, held, rows):
    minutes = services_minutes.minutes_generate(meeting=held)
    services_minutes.minutes_adopt(meeting=held, revision=minutes.revision, by=world.secretary)
    for n in range(rows - 1):
        services_minutes.minutes_correct(meeting=held, text=f"Bản sửa {n}", reason="…", by=world.secretary)
    client = client_for(world.secretary)
    client.get(url("minutes", held.pk))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("minutes", held.pk)).status_code == 200
    # session, user, grants, meeting (+cell, officers), minutes (+adopted_by); a manager needs no minute-taker check
    assert len(ctx.captured_queries) == 5
