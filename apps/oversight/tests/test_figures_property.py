"""Property: on random trees with random monthly facts, every node's sums are the roll-up of its children's and
the sums over every cell of its subtree computed here in Python; its figures are compute_all of those sums.

Each example builds its tree inside a savepoint rolled back at the end, so examples do not see each other."""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apps.common.scoping import Role
from apps.members.testing import grant
from apps.orgs.models import Organization
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth
from apps.oversight.queries import figures as queries
from apps.oversight.rules import figures as rules
from apps.oversight.rules.periods import Period, add_months

MONTHS = [add_months(date(2025, 10, 1), i) for i in range(15)]  # October 2025 – December 2026
PERIODS = [
    Period("month", 2026, 11),
    Period("month", 2026, 12),
    Period("quarter", 2026, 4),
    Period("quarter", 2026, 2),
    Period("year", 2026),
]
DAYS = [date(2026, 12, 1), date(2026, 11, 15), date(2027, 2, 1)]


@dataclass
class Shape:
    """A node of the tree to build: a cell (no children) or a committee with its children."""

    cell: bool
    active: bool = True
    children: list["Shape"] = field(default_factory=list)


def shapes(depth: int) -> st.SearchStrategy[Shape]:
    cell = st.builds(Shape, cell=st.just(True), active=st.booleans())
    if depth == 0:
        return cell
    committee = st.builds(
        Shape, cell=st.just(False), active=st.booleans(), children=st.lists(shapes(depth - 1), min_size=0, max_size=3)
    )
    return st.one_of(committee, cell)  # committees first: the trees grow deep


trees = st.integers(1, 4).flatmap(
    lambda depth: st.builds(Shape, cell=st.just(False), children=st.lists(shapes(depth - 1), min_size=1, max_size=3))
)


def build(shape: Shape, parent: Organization | None, counter: list[int]) -> Organization:
    counter[0] += 1
    fields = {"kind": "cell" if shape.cell else "committee", "code": f"P{counter[0]}", "name": f"Đơn vị {counter[0]}"}
    fields["active"] = shape.active
    instance = Organization(**fields)
    if parent is None:
        node = Organization.objects.add_root(instance=instance)
    else:
        node = Organization.objects.add_child(parent, instance=instance)
    for child in shape.children:
        build(child, node, counter)
    return node


def random_facts(cells: list[Organization], seed: int) -> list[CellMonth]:
    rng = random.Random(seed)
    now = timezone.now()
    rows = []
    for cell in cells:
        for month in MONTHS:
            if rng.random() < 0.6:
                values = {c: rng.randint(0, 30) for c in (*FLOW_FIELDS, *STOCK_FIELDS)}
                values["dues_collected"] = Decimal(rng.randint(0, 500)) * 1000
                rows.append(CellMonth(cell=cell, month=month, computed_at=now, **values))
    return rows


def expected_sums(rows: list[CellMonth], path: str, period: Period, today: date) -> dict:
    """The sums of the subtree at ``path`` computed row by row, without the database."""
    sums = rules.empty_sums()
    stock_month = max(period.first_month, min(period.last_month, today.replace(day=1)))
    for row in rows:
        if not row.cell.path.startswith(path):
            continue
        if row.month in period.months:
            for column in FLOW_FIELDS:
                sums[column] += getattr(row, column)
        if row.month == stock_month:
            for column in STOCK_FIELDS:
                sums[column] += getattr(row, column)
    return sums


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees, seed=st.integers(0, 2**32), period=st.sampled_from(PERIODS), today=st.sampled_from(DAYS))
def test_every_nodes_figures_are_the_roll_up_of_its_children_and_of_its_cells(tree, seed, period, today):
    with transaction.atomic():
        root = build(tree, None, [0])
        nodes = list(Organization.objects.filter(path__startswith=root.path))
        event(f"nodes {len(nodes) // 5 * 5}+, depth {max(n.depth for n in nodes)}")
        cells = [n for n in nodes if n.is_cell]
        rows = CellMonth.objects.bulk_create(random_facts(cells, seed))
        for row in rows:
            row.cell = next(c for c in cells if c.pk == row.cell_id)
        user = get_user_model().objects.create(username=f"staff{seed}")
        grant(user, root, Role.COMMITTEE_STAFF)

        for node in nodes:
            row = queries.node_row(user, node, period, today=today)
            expected = expected_sums(rows, node.path, period, today)
            assert row.sums == expected, node.code
            assert row.figures == rules.compute_all(expected, closed=period.end < today)
            assert row.previous_sums == expected_sums(rows, node.path, period.previous(), today)
            assert row.previous == rules.compute_all(row.previous_sums, closed=period.previous().end < today)
            if node.is_cell:
                continue
            children = queries.children_rows(user, node, period, today=today)
            assert rules.add(c.sums for c in children) == expected, node.code
            assert rules.add(c.previous_sums for c in children) == row.previous_sums
        board = queries.dashboard(user, root, period, today=today)
        assert board.total.sums == expected_sums(rows, root.path, period, today)
        transaction.set_rollback(True)
