"""The home page's meeting of the user's cell (queries.next_meetings) on a cell with history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.queries import meeting as queries
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting


@pytest.mark.django_db
def test_the_meeting_in_progress_of_a_combined_session_comes_first(history_world, client_for):
    """The calendar creates the regular meeting first; the cell starts with the thematic one: the home page's
    "in progress" and its main button are about the meeting in progress."""
    w = history_world
    when = timezone.now() + timedelta(minutes=10)
    regular = make_meeting(w.cell_a1, when=when)
    thematic = services_live.meeting_start(meeting=make_meeting(w.cell_a1, kind="thematic", when=when))
    assert queries.next_meetings(w.secretary, now=timezone.localtime()) == [thematic, regular]
    page = client_for(w.secretary).get(reverse("home")).content.decode()
    assert "Chi bộ đang họp" in page
    main = page.index('class="button primary"')
    assert page[main : main + 80].count(reverse("meetings:detail", args=[thematic.pk])) == 1


@pytest.mark.django_db
def test_a_member_whose_cell_has_no_meeting_coming_sees_none(history_world, client_for):
    response = client_for(history_world.member_user).get(reverse("home"))
    assert response.status_code == 200 and 'id="next-meeting"' not in response.content.decode()
