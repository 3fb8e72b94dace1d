"""Suspension of party activity (đình chỉ sinh hoạt đảng): recorded by committee staff; no vote while it lasts."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.meetings.queries import meeting as meeting_queries
from apps.meetings.testing import make_meeting
from apps.members.models import Suspension
from apps.members.services import member as services
from apps.members.testing import add_member


def _post(client, member, **data):
    payload = {"starts_on": "01/03/2026", "ends_on": "", "reason": "Chờ xem xét kỷ luật", "decision_ref": "12-QĐ/ĐU"}
    return client.post(reverse("members:suspension", args=[member.pk]), {**payload, **data})


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("staff", 200), ("secretary", 404), ("member_user", 404), ("inspector", 404), ("outsider", 404)],
)
@pytest.mark.django_db
def test_only_committee_staff_of_the_subtree_record_a_suspension(world, client_for, persona, expected):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("members:suspension", args=[world.plain_member.pk])).status_code == expected
    response = _post(client, world.plain_member)
    assert response.status_code == (302 if expected == 200 else expected)
    assert Suspension.objects.filter(member=world.plain_member).count() == (1 if expected == 200 else 0)


@pytest.mark.django_db
def test_suspension_shows_on_the_profile_with_dd_mm_yyyy(world, client_for):
    _post(client_for(world.staff), world.plain_member)
    page = client_for(world.staff).get(reverse("members:detail", args=[world.plain_member.pk])).content.decode()
    assert "01/03/2026" in page and "12-QĐ/ĐU" in page


@pytest.mark.django_db
def test_overlapping_or_reversed_periods_are_refused_and_nothing_saved(world, client_for):
    client = client_for(world.staff)
    assert _post(client, world.plain_member).status_code == 302
    response = _post(client, world.plain_member, starts_on="01/06/2026")
    assert response.status_code == 200 and "starts_on" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.suspension_add(
            member=world.a2_member, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1), reason="x"
        )
    assert Suspension.objects.count() == 1


@pytest.mark.django_db
def test_a_suspended_member_has_no_vote_and_is_not_counted_eligible(world):
    tz = timezone.get_current_timezone()
    third = add_member(world.cell_a1, full_name="Ngô Văn Ba")
    meeting = make_meeting(world.cell_a1, when=datetime(2026, 4, 5, 19, 30, tzinfo=tz))
    rows = meeting_queries.roll_call(meeting)
    before = meeting_queries.eligible(rows)
    services.suspension_add(member=third, starts_on=date(2026, 3, 1), ends_on=None, reason="Chờ kỷ luật")
    rows = meeting_queries.roll_call(meeting)
    assert meeting_queries.eligible(rows) == before - 1
    assert [r.suspended for r in rows if r.member == third] == [True]
    # A suspension that ended before the meeting no longer counts.
    Suspension.objects.update(ends_on=date(2026, 3, 31))
    assert meeting_queries.eligible(meeting_queries.roll_call(meeting)) == before
