"""Bad input on the meeting pages gets a Vietnamese form error and nothing is written (issue 10, defect 12): a date
of 01/01/0001 on a meeting, an administrator without a member record on the apology page, a guest's name that is
too long. Before, each was a server error or a record written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import UserFactory
from apps.meetings.models import Apology, Guest, Meeting
from apps.meetings.services import calendar as services_calendar
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def meetings():
    return list(Meeting.objects.order_by("pk").values_list("pk", "scheduled_at", "place", "topic"))


@pytest.mark.parametrize("typed", ["01/01/0001 00:00", "01/01/0001 08:00", "31/12/9999 23:59", "05/03/1999 19:30"])
def test_an_absurd_date_on_a_new_meeting_is_a_form_error(world, client_for, typed):
    """Before: the meeting was saved in year 1 (or 9999), and the pages that show it failed."""
    before = meetings()
    response = client_for(world.secretary).post(
        url("meeting_new", world.cell_a1.pk), {"kind": "regular", "scheduled_at": typed, "place": "Hội trường"}
    )
    assert response.status_code == 200 and meetings() == before
    low, high = f"01/01/{timezone.localdate().year - 5}", f"31/12/{timezone.localdate().year + 2}"
    assert response.context["form"].errors["scheduled_at"] == [f"Nhập ngày trong khoảng từ {low} đến {high}."]


@pytest.mark.parametrize("typed", ["15/01/2027", "2027-01-15", "15-01-2027"])
def test_a_meeting_without_its_time_is_a_form_error_not_a_meeting_at_midnight(world, client_for, typed):
    """Before: a date alone was taken as 00:00 and the meeting went into every member's calendar at midnight."""
    before = meetings()
    response = client_for(world.secretary).post(
        url("meeting_new", world.cell_a1.pk), {"kind": "regular", "scheduled_at": typed, "place": "Hội trường"}
    )
    assert response.status_code == 200 and meetings() == before
    assert response.context["form"].errors["scheduled_at"] == [
        "Nhập cả giờ họp, theo dạng dd/mm/yyyy HH:MM (ví dụ 15/01/2027 14:00)."
    ]
    assert 'value="' + typed + '"' in response.content.decode()  # what was typed stays in the field


@pytest.mark.parametrize("typed", ["01/01/0001 00:00", "31/12/9999 23:59"])
def test_an_absurd_date_on_a_planned_meeting_is_a_form_error(world, client_for, typed):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=10))
    before = meetings()
    response = client_for(world.secretary).post(
        url("meeting_edit", meeting.pk), {"scheduled_at": typed, "place": "x", "topic": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["scheduled_at"]
    assert meetings() == before


def test_the_service_refuses_an_absurd_date_too(world):
    """Whoever calls it (a script, a future page), the service checks the range itself."""
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=10))
    far = timezone.now().replace(year=timezone.now().year + 50)
    with pytest.raises(ValidationError) as refused:
        services_calendar.calendar_meeting_update(meeting=meeting, scheduled_at=far, place="", topic="", by=None)
    assert "scheduled_at" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services_calendar.calendar_meeting_add(cell=world.cell_a1, kind="regular", scheduled_at=far, by=None)


def test_an_administrator_without_a_member_record_opens_the_apology_page(world, client_for):
    """Before: ``request.user.member`` raised on the page (an administrator passes the permission) → 500."""
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    admin = client_for(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    page = admin.get(url("apology", meeting.pk))
    assert page.status_code == 200
    assert "Chỉ đảng viên của chi bộ mới gửi được đơn xin vắng." in page.content.decode()
    sent = admin.post(url("apology", meeting.pk), {"reason": "Đi công tác"})
    assert sent.status_code == 200 and sent.context["form"].non_field_errors()
    assert not Apology.objects.exists()


def test_a_member_still_sends_an_apology(world, client_for):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    response = client_for(world.member_user).post(url("apology", meeting.pk), {"reason": "Đi công tác"})
    assert response.status_code == 302 and Apology.objects.get().member == world.plain_member


def test_a_long_guest_name_is_too_long_not_missing(history_world, client_for):
    """Before: every refusal said "enter the guest's name", even for a name of 200 letters."""
    meeting = services_live.meeting_start(
        meeting=make_meeting(history_world.cell_a1, when=timezone.now() + timedelta(hours=1))
    )
    client = client_for(history_world.secretary)

    def refusal(data) -> list[str]:
        response = client.post(url("guest_add", meeting.pk), data, follow=True)
        return [str(m) for m in response.context["messages"]]

    assert refusal({"name": "Nguyễn Văn " * 20, "position": "Bí thư"}) == [
        "Họ và tên khách mời quá dài (tối đa 120 ký tự)."
    ]
    assert refusal({"name": "", "position": "Bí thư"}) == ["Hãy nhập họ tên khách mời."]
    assert refusal({"name": "Khách", "position": "Đảng ủy viên " * 30}) == [
        "Chức vụ của khách mời quá dài (tối đa 200 ký tự)."
    ]
    assert not Guest.objects.exists()


def test_the_apology_page_takes_few_queries(world, client_for, django_assert_max_num_queries):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    client = client_for(world.member_user)
    # session, user, grants, the meeting with its cell, the member, their apology, the attend permission's checks
    with django_assert_max_num_queries(8):
        assert client.get(url("apology", meeting.pk)).status_code == 200
