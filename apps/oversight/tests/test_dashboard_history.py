"""The dashboard on the world with a year of history, its facts rebuilt from the record
(``services.facts.rebuild``): the cell's figures are the record's (its meeting of the month, counted as the score
counts it), the commune's are the roll-up of its cells, the charts carry the twelve months, the meetings' list
agrees with the fact table, and no GET writes."""

from django.urls import reverse

from apps.common.testing import snapshot
from apps.oversight.models import CellMonth, StaleCellMonth
from apps.oversight.services import facts
from apps.quality.queries.metrics import metrics_for_meetings

state = snapshot(CellMonth.objects.order_by("pk").values(), StaleCellMonth.objects.order_by("pk").values())


def _figure(page, code):
    return next(s for g in page.groups for s in g.figures if s.figure.code == code)


def test_dashboards_on_a_year_of_history(history_world, client_for, django_assert_max_num_queries):
    world = history_world
    facts.rebuild()
    client = client_for(world.staff)
    before = state()

    with django_assert_max_num_queries(28):
        cell = client.get(reverse("oversight:dashboard", args=[world.cell_a1.pk])).context["page"]
    (line,) = cell.meetings  # November's meeting
    metrics = metrics_for_meetings([line.meeting])[line.meeting.pk]
    assert _figure(cell, "meetings_held").value == "1"
    assert _figure(cell, "attendance_rate").raw == metrics["attendance_rate"]
    assert _figure(cell, "attendance_rate").value == line.attendance
    assert _figure(cell, "speaking_share").value == line.speaking

    with django_assert_max_num_queries(12):
        commune = client.get(reverse("oversight:dashboard", args=[world.commune_a.pk])).context["page"]
    assert [r.org for r in commune.rows] == [world.cell_a1, world.cell_a2]
    november = CellMonth.objects.filter(
        cell__in=[world.cell_a1, world.cell_a2], month=line.meeting.scheduled_at.date().replace(day=1)
    )
    present = sum(row.attendance_present for row in november)
    expected = sum(row.attendance_expected for row in november)
    assert _figure(commune, "attendance_rate").raw == round(100 * present / expected, 1)
    assert commune.figures.pending == 0

    svg = client.get(reverse("oversight:chart", args=[world.commune_a.pk, "trend"])).content.decode()
    assert "12/2025" in svg and "11/2026" in svg
    assert state() == before  # reading the dashboards wrote nothing
