"""Each list page offers "Xuất Excel" beside its table, linking to the export of the same rows; a table the
user may not export is not offered."""

from __future__ import annotations

from html import unescape

import pytest
from django.template import Context, Template
from django.urls import reverse

from apps.grading.services import grading as services_grading

pytestmark = pytest.mark.django_db


def export_links(html: str) -> list[str]:
    start = reverse("exports:start", args=["x"]).removesuffix("x/")
    links = [part.split('"', 1)[0] for part in unescape(html).split(f'href="{start}')[1:]]
    return [link for link in links if link]  # the menu's link to one's exports aside


def page(client, name, *args, query="") -> str:
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_members_list(world, client_for):
    html = page(client_for(world.staff), "members:list", query="?q=Lê&status=official")
    assert export_links(html) == ["members/?q=L%C3%AA&status=official"]
    assert "Xuất Excel" in html


def test_calendar_offers_meetings_register_and_scores_to_those_who_see_the_record(history_world, client_for):
    world = history_world
    cell = world.cell_a1.pk
    links = export_links(page(client_for(world.secretary), "meetings:calendar", cell, 2026))
    assert links == [
        f"meetings/?org={cell}&year=2026",
        f"register/?cell={cell}&year=2026",
        f"scores/?org={cell}&year=2026",
    ]
    links = export_links(page(client_for(world.member_user), "meetings:calendar", cell, 2026))
    assert links == [f"meetings/?org={cell}&year=2026", f"scores/?org={cell}&year=2026"]  # no register
    for link in links:
        assert client_for(world.member_user).get(reverse("exports:start", args=["x"])[:-2] + link).status_code == 200


def test_printed_attendance_sheet(history_world, client_for):
    meeting = history_world.history.meetings[-1]
    links = export_links(page(client_for(history_world.secretary), "meetings:print_attendance", meeting.pk))
    assert links == [f"attendance/?meeting={meeting.pk}"]


def test_grading_year_offers_the_grades_and_for_a_committee_the_scores(world, client_for):
    services_grading.ratings_start(organization=world.commune_a, year=2025)
    links = export_links(page(client_for(world.staff), "grading:year", world.commune_a.pk, 2025))
    assert links == [f"grades/?org={world.commune_a.pk}&year=2025", f"scores/?org={world.commune_a.pk}&year=2025"]


def test_a_table_nobody_registered_gets_no_button():
    rendered = Template('{% load exports %}[{% export_button "nothing" org=1 %}]').render(Context({}))
    assert rendered == "[]"
