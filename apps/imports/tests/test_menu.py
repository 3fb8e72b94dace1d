"""The menu shows "Nhập dữ liệu" to those who read a subtree (and it opens for them), never to a plain member (for
whom the imports stay 404)."""

import re

import pytest
from django.urls import reverse

from apps.common.scoping import Role
from apps.members.testing import grant

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="([^"]+)"')


def shown(response) -> set[str]:
    return set(HREF.findall(response.content.decode()))


def test_a_plain_member_has_no_imports_in_the_menu_and_they_stay_404(world, client_for):
    grant(world.member_user, world.cell_a1, Role.MEMBER)
    client = client_for(world.member_user)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and reverse("imports:list") not in shown(home)
    assert client.get(reverse("imports:list")).status_code == 404


@pytest.mark.parametrize("persona", ["secretary", "staff", "supervisor", "inspector"])
def test_those_who_read_a_subtree_have_it_in_the_menu_and_it_opens(world, client_for, persona):
    client = client_for(getattr(world, persona))
    home = client.get(reverse("home"))
    assert reverse("imports:list") in shown(home) and "Nhập dữ liệu" in home.content.decode()
    assert client.get(reverse("imports:list")).status_code == 200
