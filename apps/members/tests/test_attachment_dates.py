"""A temporary attachment's period is a plausible date range, like an exemption's (apps.common.rules)."""

import pytest
from django.urls import reverse

from apps.members.models import Attachment


@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [("01/01/0001", ""), ("01/03/2026", "31/12/9999"), ("01/01/1899", "01/01/2026")]
)
@pytest.mark.django_db
def test_a_date_out_of_range_is_a_form_error_and_writes_nothing(history_world, client_for, starts_on, ends_on):
    client = client_for(history_world.staff)
    response = client.post(
        reverse("members:attachment", args=[history_world.plain_member.pk]),
        {"host": history_world.cell_a2.pk, "starts_on": starts_on, "ends_on": ends_on, "reason": "Đi học"},
    )
    assert response.status_code == 200 and 'class="error' in response.content.decode()
    assert not Attachment.objects.exists()
