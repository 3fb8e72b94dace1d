"""Regressions found by the hostile-input test (tests/test_fuzz_forms.py): a form's answer is never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Meeting
from apps.meetings.testing import make_meeting


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["01/01/0001 08:00", "31/12/9999 23:59"])
def test_a_board_pre_meeting_out_of_range_is_a_form_error_not_a_server_error(world, client_for, when):
    """The year 0001 reached the service, whose date arithmetic overflowed (OverflowError: a server error)."""
    meeting = make_meeting(world.cell_a1, kind="regular", when=timezone.now() + timedelta(days=3))
    before = Meeting.objects.count()
    response = client_for(world.secretary).post(
        reverse("meetings:board_meeting", args=[meeting.pk]), {"scheduled_at": when, "place": "Nhà bí thư"}
    )
    assert response.status_code == 200
    assert "Nhập ngày trong khoảng từ" in response.content.decode()
    assert Meeting.objects.count() == before
