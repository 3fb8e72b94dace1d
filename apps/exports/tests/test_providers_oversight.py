"""Oversight's tables: the dashboard's sub-units table and the briefing's results table hold the pages' rows in the
pages' order, with the node's own figures (the roll-up) as totals; nothing for those the pages refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.exports.rules.tables import PERCENT, Unavailable, register
from apps.exports.testing import column, rows, sheet, table
from apps.oversight.queries import exports
from apps.oversight.queries.briefing import pack
from apps.oversight.queries.dashboard import page
from apps.oversight.rules import dashboard as rules_dashboard
from apps.oversight.rules.periods import Period
from apps.oversight.services import facts as services_facts
from apps.oversight.tests.test_dashboard_views import NOV, OCT, fact, meetings

pytestmark = pytest.mark.django_db

# Registered by apps/oversight/apps.py once its owner adds the line; registering the same provider again is a no-op.
register("dashboard", exports.dashboard)
register("briefing", exports.briefing)


@pytest.fixture
def facts(world):
    """Commune A: in November A1 9/10 present and A2 8/10 (85.0 %), in October both 10/10; B1 elsewhere."""
    fact(world.cell_a1, NOV, **meetings(present=9, quality_tot=1))
    fact(world.cell_a2, NOV, **meetings(present=8, quality_kha=1, unexcused_absences=2))
    fact(world.cell_a1, OCT, **meetings(present=10, quality_tot=1))
    fact(world.cell_a2, OCT, **meetings(present=10, quality_tot=1))
    fact(world.cell_b1, NOV, **meetings(present=3, expected=10))
    return world


def test_dashboard_table_is_the_pages_in_its_order_with_the_roll_up_as_total(facts):
    world = facts
    made = table(world.staff, "dashboard", org=world.commune_a.pk, sort="attendance_rate", dir="asc")
    shown = page(
        world.staff,
        world.commune_a,
        Period.from_key("2026-11"),
        sort="attendance_rate",
        direction="asc",
        today=NOV.replace(month=12),
    )
    lines = list(made.rows)
    assert column(lines, 0) == [r.org.name for r in shown.rows] == ["Chi bộ Thôn Đông", "Chi bộ 21"]
    headers = [c.header for c in made.columns]
    assert headers[1:] == [str(c.figure.label) for c in shown.columns]
    rate = headers.index(
        str(shown.columns[[c.figure.code for c in shown.columns].index("attendance_rate")].figure.label)
    )
    assert made.columns[rate].kind == PERCENT
    assert column(lines, rate) == [80.0, 90.0]
    assert made.totals[0] == "Đảng bộ xã An" and made.totals[rate] == 85.0  # (9 + 8) / 20, not a sum of rates
    assert made.period == "Tháng 11/2026" and made.count == 2
    ws = sheet(table(world.staff, "dashboard", org=world.commune_a.pk, sort="attendance_rate", dir="asc"))
    assert ws.cell(row=9, column=rate + 1).value == pytest.approx(0.85)
    assert ws.cell(row=9, column=rate + 1).number_format == "0.0%"


def test_dashboard_export_of_a_quarter_with_every_figure(facts):
    world = facts
    made = table(world.staff, "dashboard", org=world.commune_a.pk, period="2026-q4", columns="all")
    assert made.period == "Quý IV/2026" and len(made.columns) > 30
    assert column(list(made.rows), 0) == ["Chi bộ 21", "Chi bộ Thôn Đông"]
    assert table(world.staff, "dashboard", org=world.commune_a.pk, period="nonsense").period == "Tháng 11/2026"


def test_dashboard_export_is_scoped(facts):
    world = facts
    with pytest.raises(Unavailable):
        table(world.outsider, "dashboard", org=world.commune_a.pk)
    assert column(rows(world.supervisor, "dashboard", org=world.cell_a2.pk), 0) == []  # a cell has no sub-units
    with pytest.raises(Unavailable):
        table(world.supervisor, "dashboard", org=world.commune_a.pk)


def test_dashboard_export_on_a_world_with_history(history_world):
    world = history_world
    services_facts.rebuild()
    period = rules_dashboard.default_period(NOV.replace(month=12))
    made = table(world.staff, "dashboard", org=world.commune_a.pk)
    shown = page(world.staff, world.commune_a, period, sort="", direction="desc", today=NOV.replace(month=12))
    lines = list(made.rows)
    assert column(lines, 0) == [r.org.name for r in shown.rows]
    for line, row in zip(lines, shown.rows, strict=True):
        assert line[1:] == [s.raw for s in row.cells]
    assert list(made.totals[1:]) == [s.raw for s in shown.total]


def test_briefing_results_are_the_packs(facts, client_for):
    world = facts
    made = table(world.staff, "briefing", org=world.commune_a.pk)
    shown = pack(world.staff, world.commune_a, NOV.replace(month=12), today=NOV.replace(month=12))
    lines = list(made.rows)
    assert column(lines, 0) == [r.org.name for r in shown.rows] == ["Chi bộ 21", "Chi bộ Thôn Đông"]
    assert lines[0][1:5] == [1, 90.0, 44.4, 0]  # held, attendance, speaking (4 of 9), unexcused
    assert made.totals[2] == shown.total.figures["attendance_rate"] == 85.0
    assert "12/2026" in made.title and "11/2026" in made.title
    client = client_for(world.staff)
    assert client.get(reverse("exports:start", args=["briefing"]) + f"?org={world.commune_a.pk}").status_code == 200


def test_briefing_export_is_refused_where_the_pack_is(facts):
    world = facts
    for user, org in (
        (world.outsider, world.commune_a),
        (world.member_user, world.cell_a1),
        (world.staff, world.cell_a1),
    ):
        with pytest.raises(Unavailable):
            table(user, "briefing", org=org.pk)
    with pytest.raises(Unavailable):
        table(world.staff, "briefing", org=world.commune_a.pk, month="2026-13")
    assert table(world.staff, "briefing", org=world.commune_a.pk, month="2027-01").count == 0  # not ready yet


def test_the_dashboard_and_the_briefing_offer_their_tables(facts, client_for):
    world = facts
    client = client_for(world.staff)
    html = client.get(reverse("oversight:dashboard", args=[world.commune_a.pk]) + "?sort=attendance_rate").content
    start = reverse("exports:start", args=["dashboard"])
    assert f"{start}?org={world.commune_a.pk}&amp;period=2026-11&amp;sort=attendance_rate&amp;dir=desc" in html.decode()
    html = client.get(reverse("oversight:briefing", args=[world.commune_a.pk, "2026-12"])).content.decode()
    assert f"{reverse('exports:start', args=['briefing'])}?org={world.commune_a.pk}&amp;month=2026-12" in html
