"""The warnings and the briefing pack on the world with a year of history (apps/meetings/testing.py: A1 meets every
month until November, A2 stopped after the spring; every meeting regular), its facts rebuilt from the record."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from apps.oversight.models import CellMonth
from apps.oversight.rules import figures
from apps.oversight.rules import warnings as rules
from apps.oversight.services import facts
from tests.walk.guard import watching

TODAY = date(2026, 12, 1)


@pytest.fixture
def history(history_world):
    facts.rebuild()
    return history_world


@pytest.mark.django_db
def test_the_record_gives_the_warnings(history, client_for, django_assert_max_num_queries):
    client = client_for(history.staff)
    client.get(reverse("oversight:warnings", args=[history.commune_a.pk]))
    with watching() as watch, django_assert_max_num_queries(16):
        response = client.get(reverse("oversight:warnings", args=[history.commune_a.pk]))
    assert watch.problems == []
    found = [w for g in response.context["groups"] for w in g.warnings]
    by_kind = {kind: {w.org.pk for w in found if w.kind == kind} for kind in rules.KINDS}
    assert by_kind[rules.NO_MEETING] == {history.cell_a2.pk}  # A1 met in November, A2 did not
    assert by_kind[rules.NO_THEMATIC] == {history.cell_a1.pk, history.cell_a2.pk}  # only regular meetings
    november = CellMonth.objects.get(cell=history.cell_a1, month=date(2026, 11, 1))
    rate = figures.BY_CODE["attendance_rate"].compute(november.__dict__, True)
    assert (history.cell_a1.pk in by_kind[rules.LOW_ATTENDANCE]) == (rate < 85)
    assert by_kind[rules.PROBATION_OVERDUE] == set()  # admitted in March 2026: not due yet


@pytest.mark.django_db
def test_the_briefing_shows_the_months_figures(history, client_for, django_assert_max_num_queries):
    client = client_for(history.staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("oversight:briefing", args=[history.commune_a.pk, "2026-12"]))
    rows = {row.org.pk: row for row in response.context["pack"].rows}
    november = CellMonth.objects.get(cell=history.cell_a1, month=date(2026, 11, 1))
    expected = figures.compute_all(november.__dict__, closed=True)
    assert rows[history.cell_a1.pk].figures["attendance_rate"] == expected["attendance_rate"]
    assert (
        rows[history.cell_a1.pk].figures["meetings_held"] == 1
        and rows[history.cell_a2.pk].figures["meetings_held"] == 0
    )
    docx = client.get(reverse("oversight:briefing_docx", args=[history.commune_a.pk, "2026-12"]))
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for row in t.rows for c in row.cells]
    assert "Chi bộ 21" in cells and "Chi bộ Thôn Đông" in cells
