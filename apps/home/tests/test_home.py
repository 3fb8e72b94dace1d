"""The home page's roles: one line per node with every role held there, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.scoping import Role
from apps.home.queries.home import roles_of
from apps.members.testing import grant

pytestmark = pytest.mark.django_db


def test_roles_held_on_one_node_share_its_line(world):
    grant(world.secretary, world.cell_a1, Role.CELL_BOARD)
    grant(world.secretary, world.cell_a2, Role.SUPERVISOR)
    lines = {node: label.split(", ") for label, node in roles_of(world.secretary)}
    assert set(lines) == {world.cell_a1, world.cell_a2}
    assert str(Role.CELL_SECRETARY.label) in lines[world.cell_a1] and str(Role.CELL_BOARD.label) in lines[world.cell_a1]
    assert lines[world.cell_a2] == [str(Role.SUPERVISOR.label)]
    assert [node for _label, node in roles_of(world.outsider)] == [world.cell_b1]


@pytest.mark.parametrize("nodes", [1, 3])
def test_home_queries_do_not_grow_with_the_roles(world, client_for, nodes):
    for node in (world.cell_a1, world.cell_b1)[: nodes - 1]:  # the supervisor of A2 supervises more cells
        grant(world.supervisor, node, Role.SUPERVISOR)
    client = client_for(world.supervisor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200 and response.content.decode().count('class="role"') == nodes
    # session, user, grants, role nodes, own member, probation count, the scores to confirm and the own
    # self-assessments (a count each, none found), the own cell for the next meeting
    assert len(ctx.captured_queries) == 9, [q["sql"][:90] for q in ctx.captured_queries]
