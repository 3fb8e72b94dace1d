"""A cell's page shows only the links its reader can open (issue 10, defect 8): a plain member sees neither the
inspections link nor links to other office holders' pages, and those pages stay 404 for them."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.scoping import Role
from apps.members.models import CellRole
from apps.members.testing import add_member, grant

HREF = re.compile(r'href="([^"]+)"')


def shown(response) -> set[str]:
    return set(HREF.findall(response.content.decode()))


@pytest.fixture
def board(world):
    """A1's board: the secretary, a deputy without an account, and the plain member as a board member. The member
    holds the MEMBER grant on their cell, as the demo gives it."""
    grant(world.member_user, world.cell_a1, Role.MEMBER)
    deputy = add_member(world.cell_a1, full_name="Ngô Thị Phó Bí Thư")
    for member, office in (
        (world.secretary_member, "secretary"),
        (deputy, "deputy_secretary"),
        (world.plain_member, "board_member"),
    ):
        CellRole.objects.create(member=member, cell=world.cell_a1, office=office, starts_on=date(2021, 1, 1))
    return deputy


def test_member_sees_no_link_to_inspections_or_to_other_office_holders(world, board, client_for):
    client = client_for(world.member_user)
    page = client.get(reverse("orgs:detail", args=[world.cell_a1.pk]))
    assert page.status_code == 200
    links = shown(page)
    inspections = reverse("resolutions:inspections", args=[world.cell_a1.pk])
    secretary = reverse("members:detail", args=[world.secretary_member.pk])
    deputy = reverse("members:detail", args=[board.pk])
    assert inspections not in links
    assert secretary not in links and deputy not in links
    assert reverse("members:detail", args=[world.plain_member.pk]) in links  # their own page opens
    assert world.secretary_member.full_name in page.content.decode()  # the board is still named
    # The pages those links led to are still closed to the member.
    for url in (inspections, secretary, deputy):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["secretary", "staff", "inspector"])
def test_roles_that_read_the_cell_see_and_open_those_links(world, board, client_for, persona):
    client = client_for(getattr(world, persona))
    links = shown(client.get(reverse("orgs:detail", args=[world.cell_a1.pk])))
    targets = [
        reverse("resolutions:inspections", args=[world.cell_a1.pk]),
        reverse("members:detail", args=[world.secretary_member.pk]),
        reverse("members:detail", args=[board.pk]),
    ]
    for url in targets:
        assert url in links
        assert client.get(url).status_code == 200


def test_outsider_gets_404_on_the_cell_page(world, board, client_for):
    assert client_for(world.outsider).get(reverse("orgs:detail", args=[world.cell_a1.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["member_user", "secretary"])
def test_asking_who_may_open_each_holder_costs_no_query_per_holder(world, board, client_for, persona):
    """One office holder or three: the same queries (the holders' cells come with them; the checks use the
    grants already loaded)."""
    client = client_for(getattr(world, persona))
    url = reverse("orgs:detail", args=[world.cell_a1.pk])
    CellRole.objects.exclude(office="secretary").delete()
    client.get(url)  # warm the session and the caches a first request fills
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for member, office in ((board, "deputy_secretary"), (world.plain_member, "board_member")):
        CellRole.objects.create(member=member, cell=world.cell_a1, office=office, starts_on=date(2021, 1, 1))
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(one)
