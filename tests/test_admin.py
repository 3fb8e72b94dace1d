"""Settings kept in the admin site: dues rates, members' dues bases and discipline, for administrators only."""

import pytest
from django.urls import reverse

from apps.common.testing import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["members/duesrate", "members/memberduesbasis", "grading/discipline"])
def test_administrators_manage_settings_in_the_admin(world, client, model):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    app, name = model.split("/")
    assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 200
    client.force_login(world.staff)  # not staff of the admin site
    assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 302
