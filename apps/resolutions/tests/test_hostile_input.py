"""Regressions found by the hostile-input test (tests/test_fuzz_forms.py): a form's answer is never a server error."""

import pytest
from django.urls import reverse

from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.tests.test_tasks_services import adopted


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["b", "conditions", "Kiểm tra", "resolutions:task"])
def test_a_relative_next_after_a_task_review_goes_to_the_task_not_to_a_server_error(world, client_for, next_value):
    """``next`` without a leading slash was handed to ``redirect``, which took it for a URL name: NoReverseMatch."""
    resolution, _this, following = adopted(world, tasks=1)
    task = resolution.tasks.get()
    services_tasks.resolution_for_meeting(meeting=following, by=world.secretary)
    response = client_for(world.secretary).post(
        reverse("resolutions:task_review", args=[task.pk]), {"decision": "open", "next": next_value}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("resolutions:task", args=[task.pk])
