"""The roll-up of the cells' monthly facts by node and period (apps/oversight/queries/figures.py), on small worlds
worked out by hand: the weighted roll-up, stock and flow columns, the previous period, sectors, grades, the
pending marks, the scoping of every read and the number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.common.scoping import Role
from apps.members.testing import grant
from apps.orgs.models import Organization
from apps.orgs.services import tree as org_services
from apps.oversight.models import CellMonth, OrgYear, StaleCellMonth
from apps.oversight.queries import figures as queries
from apps.oversight.rules import figures as rules
from apps.oversight.rules.periods import Period

User = get_user_model()
TODAY = date(2026, 12, 1)  # apps.common.testing.FROZEN_AT
NOV = Period("month", 2026, 11)
Q4 = Period("quarter", 2026, 4)


def fact(cell, month, **columns):
    return CellMonth.objects.create(cell=cell, month=month, computed_at=timezone.now(), **columns)


def grade(org, year=2026, **columns):
    return OrgYear.objects.create(organization=org, year=year, computed_at=timezone.now(), **columns)


@pytest.fixture
def commune(world):
    """Commune A with a third cell; November: attendance exactly 85.0 % (51 of 60), from cells at 90, 80 and 90 %
    (their mean would be 86.7 %); October: 80.0 %."""
    world.cell_a3 = org_services.organization_create(
        parent=world.commune_a, kind="cell", code="XA3", name="Chi bộ Trường học"
    )
    Organization.objects.filter(pk=world.cell_a1.pk).update(sector="residential")
    Organization.objects.filter(pk=world.cell_a3.pk).update(sector="school")
    nov, oct_ = date(2026, 11, 1), date(2026, 10, 1)
    fact(world.cell_a1, nov, attendance_expected=10, attendance_present=9, members_official=10, tasks_open=1)
    fact(world.cell_a2, nov, attendance_expected=30, attendance_present=24, members_official=30, tasks_due=2)
    fact(world.cell_a3, nov, attendance_expected=20, attendance_present=18, members_official=20, regular_held=1)
    fact(world.cell_a1, oct_, attendance_expected=10, attendance_present=8, members_official=11)
    fact(world.cell_a2, oct_, attendance_expected=30, attendance_present=24, members_official=29)
    fact(world.cell_b1, nov, attendance_expected=10, attendance_present=1, members_official=7)  # commune B
    StaleCellMonth.objects.all().delete()  # the marks the record's writes left while the world was built
    return world


def test_a_committees_figure_is_the_weighted_roll_up_of_its_cells(commune):
    board = queries.dashboard(commune.staff, commune.commune_a, NOV, today=TODAY)
    assert board.closed
    assert board.total.figures["attendance_rate"] == 85.0
    assert board.total.previous["attendance_rate"] == 80.0  # October: 32 of 40
    assert board.total.change("attendance_rate") == 5.0
    assert [(r.org.code, r.figures["attendance_rate"]) for r in board.children] == [
        ("XA1", 90.0),
        ("XA2", 80.0),
        ("XA3", 90.0),
    ]
    assert board.total.sums == rules.add(r.sums for r in board.children)
    assert queries.node_row(commune.staff, commune.commune_a, NOV, today=TODAY).sums == board.total.sums
    assert board.total.figures["members_total"] == 60
    assert board.total.figures["tasks_late"] == 1  # November is over: A1's open task is late


def test_a_quarter_sums_its_months_and_takes_the_members_of_its_last_month(commune):
    fact(commune.cell_a1, date(2026, 12, 1), attendance_expected=10, attendance_present=10, members_official=12)
    row = queries.node_row(commune.staff, commune.commune_a, Q4, today=date(2027, 1, 10))
    assert row.sums["attendance_expected"] == 110 and row.sums["attendance_present"] == 93
    assert row.figures["attendance_rate"] == 84.5
    assert row.sums["members_official"] == 12  # December's (only A1 has a row), not the months added
    assert row.figures["tasks_late"] == 1  # the quarter is over: A1's open task is late
    assert row.previous == rules.compute_all(rules.empty_sums(), closed=True)  # Q3 has no rows


def test_a_running_period_shows_the_members_of_the_current_month(commune):
    row = queries.node_row(commune.staff, commune.commune_a, Q4, today=date(2026, 11, 20))
    assert row.sums["members_official"] == 60  # November's: December has not come
    assert row.figures["tasks_late"] == 0  # the quarter is not over: the open task is not late yet
    assert queries.stock_month(Q4, date(2026, 11, 20)) == date(2026, 11, 1)
    assert queries.stock_month(Q4, date(2027, 1, 1)) == date(2026, 12, 1)


def test_the_previous_period_is_of_the_same_kind(commune):
    fact(commune.cell_a1, date(2026, 9, 1), attendance_expected=10, attendance_present=5, members_official=9)
    q3 = queries.node_row(commune.staff, commune.commune_a, Q4, today=TODAY).previous
    assert q3["attendance_rate"] == 50.0 and q3["members_total"] == 9


def test_a_cells_dashboard_is_its_own_row(commune):
    board = queries.dashboard(commune.secretary, commune.cell_a1, NOV, today=TODAY)
    assert board.children == []
    assert board.total.figures["attendance_rate"] == 90.0
    assert board.sectors[0][0] == "residential" and board.sectors[0][2].figures["attendance_rate"] == 90.0
    assert queries.children_rows(commune.secretary, commune.cell_a1, NOV, today=TODAY) == []


def test_sectors_group_the_cells_by_kind_of_unit_with_the_unset_ones_last(commune):
    sectors = queries.dashboard(commune.staff, commune.commune_a, NOV, today=TODAY).sectors
    assert [(code, r.figures["attendance_rate"]) for code, _, r in sectors] == [
        ("residential", 90.0),
        ("school", 90.0),
        ("unknown", 80.0),  # A2 has no kind of unit
    ]
    assert sectors[-1][1] == "Chưa xác định loại hình"
    assert sectors[0][2].previous["attendance_rate"] == 80.0


def test_the_trend_is_twelve_months_of_figures(commune):
    trend = queries.dashboard(commune.staff, commune.commune_a, NOV, today=TODAY).trend
    assert [m for m, _ in trend] == [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    assert trend[-1][1]["attendance_rate"] == 85.0
    assert trend[-2][1]["attendance_rate"] == 80.0
    assert trend[0][1]["attendance_rate"] is None and trend[0][1]["meetings_held"] == 0


def test_a_sub_unit_without_rows_shows_and_a_dissolved_one_only_with_figures(commune):
    empty = org_services.organization_create(parent=commune.commune_a, kind="cell", code="XA4", name="Chi bộ mới")
    gone = org_services.organization_create(parent=commune.commune_a, kind="cell", code="XA5", name="Chi bộ cũ")
    quiet = org_services.organization_create(parent=commune.commune_a, kind="cell", code="XA6", name="Chi bộ giải thể")
    Organization.objects.filter(pk__in=[gone.pk, quiet.pk]).update(active=False)
    fact(gone, date(2026, 10, 1), attendance_expected=10, attendance_present=10)
    rows = queries.children_rows(commune.staff, commune.commune_a, NOV, today=TODAY)
    assert [r.org.code for r in rows] == ["XA1", "XA2", "XA3", "XA4", "XA5"]
    assert rows[3].figures["attendance_rate"] is None and rows[3].sums == rules.empty_sums()
    total = queries.node_row(commune.staff, commune.commune_a, NOV, today=TODAY)
    assert total.previous_sums == rules.add(r.previous_sums for r in rows)
    assert empty.pk and quiet.pk


def test_grades_count_members_cells_and_grassroots_organisations_each_at_their_own_level(commune):
    grade(commune.province, own_level="htxsnv")  # neither a cell nor grassroots: counted nowhere
    grade(commune.commune_a, is_grassroots=True, own_level="httnv")
    grade(commune.commune_b, is_grassroots=True, own_level="khtnv")
    grade(commune.cell_a1, is_cell=True, own_level="htxsnv", members_htxsnv=2, members_httnv=6, members_htnv=2)
    grade(commune.cell_a2, is_cell=True, own_level="htnv", members_httnv=10, members_not_decided=1)
    grade(commune.cell_a3, is_cell=True, own_level="", members_khtnv=1)
    grade(commune.cell_b1, is_cell=True, own_level="httnv", members_htxsnv=7)
    grade(commune.cell_a1, year=2025, is_cell=True, own_level="khtnv", members_khtnv=9)  # another year

    province = queries.grades(commune.staff, commune.province, 2026)
    assert province.cells == {"htxsnv": 1, "httnv": 0, "htnv": 1, "khtnv": 0}  # staff sees commune A only
    admin = User.objects.create_superuser("quantri", password="x")  # noqa: S106
    everything = queries.grades(admin, commune.province, 2026)
    assert everything.grassroots == {"htxsnv": 0, "httnv": 1, "htnv": 0, "khtnv": 1}
    assert everything.figures["grassroots_good_share"] == 50.0
    assert everything.cells == {"htxsnv": 1, "httnv": 1, "htnv": 1, "khtnv": 0}
    assert everything.figures["cells_good_share"] == 66.7
    assert everything.figures["cells_not_decided"] == 1
    assert everything.members == {"htxsnv": 9, "httnv": 16, "htnv": 2, "khtnv": 1}
    assert everything.figures["members_good_share"] == 89.3  # 25 of 28
    assert everything.figures["members_not_decided"] == 1

    board = queries.dashboard(commune.staff, commune.commune_a, NOV, today=TODAY)
    assert board.grades.grassroots == {"htxsnv": 0, "httnv": 1, "htnv": 0, "khtnv": 0}
    assert board.grades.figures["grassroots_good_share"] == 100.0
    assert board.grades.figures["cells_good_share"] == 50.0  # A1 HTXSNV, A2 HTNV; A3 not decided


def test_pending_counts_the_stale_marks_of_the_subtree(commune):
    for cell in (commune.cell_a1, commune.cell_a2, commune.cell_b1):
        StaleCellMonth.objects.create(cell=cell, month=date(2026, 11, 1))
    StaleCellMonth.objects.create(cell=commune.cell_a1, month=date(2026, 10, 1))
    assert queries.dashboard(commune.staff, commune.commune_a, NOV, today=TODAY).pending == 3
    assert queries.dashboard(commune.staff, commune.cell_a1, NOV, today=TODAY).pending == 2


def test_money_is_summed_as_decimal(commune):
    CellMonth.objects.filter(month=date(2026, 11, 1)).update(dues_collected=Decimal(150_000), dues_payers=2)
    row = queries.node_row(commune.staff, commune.commune_a, NOV, today=TODAY)
    assert row.figures["dues_collected"] == Decimal(450_000)
    assert row.sums["dues_payers"] == 6


# --- scoping ------------------------------------------------------------------------------------------------------


def _nothing(board):
    assert board.children == [] and board.sectors == [] and board.pending == 0
    assert board.total.sums == rules.empty_sums()
    assert all(figures == rules.compute_all(rules.empty_sums(), closed=True) for _, figures in board.trend[:-1])
    assert board.grades.figures == rules.grade_figures(rules.empty_grade_sums())


def test_an_outsider_gets_nothing_from_a_subtree_they_cannot_see(commune):
    grade(commune.cell_a1, is_cell=True, own_level="htxsnv", members_htxsnv=3)
    StaleCellMonth.objects.create(cell=commune.cell_a1, month=date(2026, 11, 1))
    for node in (commune.commune_a, commune.cell_a1, commune.province):
        board = queries.dashboard(commune.outsider, node, NOV, today=TODAY)
        if node == commune.province:  # the outsider sees their own cell's rows, B1, under the province
            assert board.children == []  # commune B itself is not theirs to see
            assert board.total.figures["attendance_rate"] == 10.0
        else:
            _nothing(board)
    assert queries.node_row(commune.outsider, commune.commune_a, NOV, today=TODAY).sums == rules.empty_sums()


def test_staff_see_their_subtree_only(commune):
    board = queries.dashboard(commune.staff, commune.province, NOV, today=TODAY)
    assert [r.org.code for r in board.children] == ["XA"]
    assert board.total.figures["attendance_rate"] == 85.0  # commune B's 10 % left out


def test_a_plain_member_sees_their_own_cells_rows_only(commune):
    board = queries.dashboard(commune.member_user, commune.commune_a, NOV, today=TODAY)
    assert [r.org.code for r in board.children] == ["XA1"]
    assert board.total.figures["attendance_rate"] == 90.0
    own = queries.dashboard(commune.member_user, commune.cell_a1, NOV, today=TODAY)
    assert own.total.figures["attendance_rate"] == 90.0
    _nothing(queries.dashboard(commune.member_user, commune.cell_a2, NOV, today=TODAY))


def test_a_supervisor_of_one_cell_sees_that_cell(commune):
    board = queries.dashboard(commune.supervisor, commune.commune_a, NOV, today=TODAY)
    assert [r.org.code for r in board.children] == ["XA2"]
    assert board.total.figures["attendance_rate"] == 80.0


# --- the number of queries ------------------------------------------------------------------------------------------


def _queries_of_a_dashboard(user, node):
    user = User.objects.get(pk=user.pk)  # the grants not yet read
    with CaptureQueriesContext(connection) as captured:
        queries.dashboard(user, node, NOV, today=TODAY)
    return len(captured)


def _cells(parent, count, prefix):
    cells = [
        org_services.organization_create(parent=parent, kind="cell", code=f"{prefix}{i}", name=f"Chi bộ {prefix}{i}")
        for i in range(count)
    ]
    for cell in cells:
        for month in (date(2026, 10, 1), date(2026, 11, 1)):
            fact(cell, month, attendance_expected=10, attendance_present=9, members_official=10)
    return cells


def test_the_dashboard_reads_a_bounded_number_of_queries_with_one_or_three_sub_units(
    world, django_assert_max_num_queries
):
    one = org_services.organization_create(parent=world.province, kind="committee", code="X1", name="Xã Một")
    three = org_services.organization_create(parent=world.province, kind="committee", code="X3", name="Xã Ba")
    _cells(one, 1, "M")
    _cells(three, 3, "B")
    admin = User.objects.create_superuser("quantri", password="x")  # noqa: S106
    counts = [_queries_of_a_dashboard(admin, node) for node in (one, three)]
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(10):
        board = queries.dashboard(admin, three, NOV, today=TODAY)
    assert len(board.children) == 3


def test_the_dashboard_of_a_deep_tree_reads_as_few_queries_as_a_small_one(world, django_assert_max_num_queries):
    small = _queries_of_a_dashboard(world.staff, world.commune_a)
    top = org_services.organization_create(parent=world.province, kind="committee", code="H", name="Huyện")
    for i in range(3):
        commune = org_services.organization_create(parent=top, kind="committee", code=f"H{i}", name=f"Xã {i}")
        for j in range(2):
            block = org_services.organization_create(parent=commune, kind="committee", code=f"H{i}{j}", name="Khối")
            _cells(block, 2, f"H{i}{j}C")
    boss = User.objects.create(username="tinhuy")
    grant(boss, world.province, Role.COMMITTEE_STAFF)
    assert _queries_of_a_dashboard(boss, world.province) <= small
    with django_assert_max_num_queries(10):
        board = queries.dashboard(boss, world.province, NOV, today=TODAY)
    assert board.total.sums["attendance_expected"] == 120


def test_the_queries_on_a_world_with_history(history_world, django_assert_max_num_queries):
    for month in range(1, 12):
        fact(history_world.cell_a1, date(2026, month, 1), attendance_expected=10, attendance_present=month % 10)
    with django_assert_max_num_queries(10):
        board = queries.dashboard(history_world.staff, history_world.commune_a, Period("year", 2026), today=TODAY)
    assert board.total.sums["attendance_present"] == sum(m % 10 for m in range(1, 12))
    with django_assert_max_num_queries(2):
        queries.node_row(history_world.staff, history_world.cell_a1, NOV, today=TODAY)
    with django_assert_max_num_queries(3):
        queries.children_rows(history_world.staff, history_world.commune_a, NOV, today=TODAY)
