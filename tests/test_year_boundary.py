"""New Year's Eve in Vietnam (Asia/Ho_Chi_Minh, UTC+7): at 17:30 UTC on 31 December it is already 00:30 on
1 January there. The day and the year the app works with (this year's calendar, the year of a page without one,
the home page's meeting of today) are Vietnam's, never the server's UTC date.

Each test runs at a fixed instant (conftest.py's ``frozen`` marker), on either side of Vietnam's midnight.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.common import scoping
from apps.common.testing import FROZEN_AT, instant
from apps.common.views import year_param
from apps.meetings.models import Meeting
from apps.meetings.queries import meeting as meeting_queries
from apps.meetings.testing import make_meeting

NEW_YEAR_IN_VIETNAM = "2026-12-31T17:30Z"  # 00:30 on 1 January 2027 in Vietnam
LAST_HOUR_IN_VIETNAM = "2026-12-31T16:30Z"  # 23:30 on 31 December 2026 in Vietnam


def year_of_page(response) -> int:
    return response.context["year"]


@pytest.mark.frozen(NEW_YEAR_IN_VIETNAM, tick=False)
def test_today_is_vietnams_while_utc_is_still_in_the_old_year():
    assert datetime.now(UTC).date() == date(2026, 12, 31)
    assert scoping.today() == timezone.localdate() == date(2027, 1, 1)
    assert year_param(RequestFactory().get("/")) == 2027
    assert year_param(RequestFactory().get("/", {"year": "2026"})) == 2026


@pytest.mark.frozen(LAST_HOUR_IN_VIETNAM, tick=False)
def test_the_last_hour_of_the_year_is_still_the_old_year():
    assert scoping.today() == date(2026, 12, 31)
    assert year_param(RequestFactory().get("/")) == 2026


@pytest.mark.django_db
@pytest.mark.parametrize(("moment", "year"), [(NEW_YEAR_IN_VIETNAM, 2027), (LAST_HOUR_IN_VIETNAM, 2026)])
def test_the_calendar_pages_open_on_vietnams_year(world, client_for, clock, moment, year):
    clock.move_to(instant(moment), tick=False)
    staff = client_for(world.staff)
    assert year_of_page(staff.get(reverse("meetings:calendars"))) == year
    assert year_of_page(staff.get(reverse("meetings:calendar_rule", args=[world.cell_a1.pk]))) == year
    node = staff.get(reverse("orgs:detail", args=[world.cell_a1.pk])).content.decode()
    assert f'id="calendar-link" href="{reverse("meetings:calendar", args=[world.cell_a1.pk, year])}"' in node
    mine = client_for(world.secretary).get(reverse("meetings:mine"))
    assert year_of_page(mine) == year
    assert reverse("meetings:calendar", args=[world.cell_a1.pk, year]) in mine.content.decode()


@pytest.mark.django_db
@pytest.mark.frozen(NEW_YEAR_IN_VIETNAM, tick=False)
def test_the_home_page_meets_on_new_years_day_not_on_new_years_eve(world, client_for):
    """The cell planned a meeting on the evening of 31 December and one on the evening of 1 January; at 00:30 in
    Vietnam the first is yesterday's and the home page's meeting is today's."""
    eve = make_meeting(world.cell_a1, when=instant("2026-12-31 19:30"))
    new_year = make_meeting(world.cell_a1, when=instant("2027-01-01 19:30"))
    assert eve.status == new_year.status == Meeting.Status.PLANNED
    assert meeting_queries.next_meetings(world.secretary, now=timezone.localtime()) == [new_year]
    page = client_for(world.secretary).get(reverse("home"))
    assert page.context["meets_today"] is True
    assert "Hôm nay chi bộ sinh hoạt" in page.content.decode()
    assert reverse("meetings:detail", args=[new_year.pk]) in page.content.decode()


@pytest.mark.django_db
@pytest.mark.frozen(LAST_HOUR_IN_VIETNAM, tick=False)
def test_on_new_years_eve_the_evenings_meeting_is_still_todays(world, client_for):
    eve = make_meeting(world.cell_a1, when=instant("2026-12-31 19:30"))
    make_meeting(world.cell_a1, when=instant("2027-01-01 19:30"))
    page = client_for(world.secretary).get(reverse("home"))
    assert page.context["next_meetings"] == [eve] and page.context["meets_today"] is True


@pytest.mark.django_db
@pytest.mark.frozen("2027-01-01 00:30")
def test_a_year_of_history_built_on_new_years_day_ends_in_december(history_world):
    """history_world builds its year of meetings from today: on 1 January (Vietnam's) the twelve held meetings are
    those of January to December 2026, all in the past."""
    meetings = history_world.history.meetings
    months = [timezone.localtime(m.scheduled_at).date().replace(day=1) for m in meetings]
    assert months == [date(2026, month, 1) for month in range(1, 13)]
    assert all(m.scheduled_at < timezone.now() for m in meetings)


def test_without_a_marker_a_test_runs_at_the_suites_fixed_instant():
    """FROZEN_AT, ticking from there, whatever the real date."""
    assert FROZEN_AT <= timezone.now() < FROZEN_AT + timedelta(minutes=5)
