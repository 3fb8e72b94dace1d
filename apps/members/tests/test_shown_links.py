"""Links shown only when they open (issue 10, defect 8): the rates of a committee the reader cannot see are named
on a cell's rates page without a link, and the membership watch is not in a plain member's menu."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.common.scoping import Role
from apps.members.services import dues as services_dues
from apps.members.testing import grant

HREF = re.compile(r'href="([^"]+)"')


def shown(response) -> set[str]:
    return set(HREF.findall(response.content.decode()))


def rates_url(org) -> str:
    return reverse("members:dues_rates", args=[org.pk])


@pytest.fixture
def rates(world):
    """The province and commune A each issue a rate that reaches cell A1."""
    for org, on in ((world.province, date(2024, 1, 1)), (world.commune_a, date(2025, 1, 1))):
        services_dues.dues_rate_set(organization=org, basis="salary", effective_from=on, percent=Decimal("1"))
    grant(world.member_user, world.cell_a1, Role.MEMBER)  # a member's grant on their cell, as the demo gives it


@pytest.mark.parametrize("persona", ["secretary", "member_user"])
def test_cell_reader_sees_committee_rates_named_not_linked_and_their_pages_stay_404(world, rates, client_for, persona):
    client = client_for(getattr(world, persona))
    page = client.get(rates_url(world.cell_a1))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.province.name in text and world.commune_a.name in text  # the inherited rates are listed
    links = shown(page)
    for committee in (world.province, world.commune_a):
        assert rates_url(committee) not in links
        assert client.get(rates_url(committee)).status_code == 404


def test_commune_staff_get_a_link_to_the_commune_rates_only(world, rates, client_for):
    client = client_for(world.staff)
    links = shown(client.get(rates_url(world.cell_a1)))
    assert rates_url(world.commune_a) in links
    assert client.get(rates_url(world.commune_a)).status_code == 200
    assert rates_url(world.province) not in links  # above their grant
    assert client.get(rates_url(world.province)).status_code == 404


def test_outsider_gets_404_on_the_cell_rates(world, rates, client_for):
    assert client_for(world.outsider).get(rates_url(world.cell_a1)).status_code == 404


def test_plain_member_has_no_watch_in_the_menu_and_the_watch_stays_404(world, client_for):
    grant(world.member_user, world.cell_a1, Role.MEMBER)
    client = client_for(world.member_user)
    watch = reverse("members:watch")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and watch not in shown(home)
    assert client.get(watch).status_code == 404


@pytest.mark.parametrize("persona", ["secretary", "staff", "supervisor", "inspector", "outsider"])
def test_roles_that_watch_have_it_in_the_menu_and_it_opens(world, client_for, persona):
    client = client_for(getattr(world, persona))
    watch = reverse("members:watch")
    assert watch in shown(client.get(reverse("home")))
    assert client.get(watch).status_code == 200
