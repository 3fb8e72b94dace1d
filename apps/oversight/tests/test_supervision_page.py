"""The assignments page lists every current assignment of the subtree, not only the last cell's."""

from datetime import date

import pytest

from apps.oversight.models import SupervisorAssignment
from apps.oversight.queries.supervision import assignments_page


@pytest.mark.django_db
def test_every_current_assignment_of_the_subtree_is_listed(world):
    first, second = (
        SupervisorAssignment.objects.create(
            supervisor=world.supervisor, cell=cell, committee=world.commune_a, starts_on=date(2026, 1, 1)
        )
        for cell in (world.cell_a1, world.cell_a2)
    )
    page = assignments_page(world.staff, world.commune_a, today=date(2026, 12, 1))
    assert {a.pk for a in page.current} == {first.pk, second.pk}
    assert {row.cell.pk: [a.pk for a in row.current] for row in page.cells} == {
        world.cell_a1.pk: [first.pk],
        world.cell_a2.pk: [second.pk],
    }
