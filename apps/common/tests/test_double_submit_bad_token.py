"""A token that is not one of ours is ignored (apps.common.idempotency.posted_token). Before: a token followed by a
line break passed the check (``$`` matches before a final newline) and was written to the token table: 65
characters in a column of 64, which PostgreSQL refuses, so the form that carried it was a server error."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.common import idempotency
from apps.common.models import FormSubmission
from apps.members.models import Member

pytestmark = pytest.mark.django_db

NEW_MEMBER = {
    "full_name": "Đỗ Thị Mới",
    "gender": "female",
    "date_of_birth": "02/09/1990",
    "admitted_on": "03/02/2026",
    "status": "probationary",
    "joined_on": "03/02/2026",
}


@pytest.mark.parametrize("token", ["A" * 64 + "\n", "A" * 16 + "\n", "A" * 65, "A" * 15, "A" * 20 + "=", ""])
def test_a_token_that_is_not_ours_is_ignored(token):
    request = RequestFactory().post("/", {idempotency.FIELD: token})
    assert idempotency.posted_token(request) == ""


def test_a_token_of_ours_is_read():
    token = idempotency.new_token()
    assert idempotency.posted_token(RequestFactory().post("/", {idempotency.FIELD: token})) == token


def test_a_form_with_a_token_and_a_line_break_saves_once_and_writes_no_token(world, client_for):
    response = client_for(world.secretary).post(
        reverse("members:create", args=[world.cell_a1.pk]), {**NEW_MEMBER, idempotency.FIELD: "A" * 64 + "\n"}
    )
    assert response.status_code == 302
    assert Member.objects.filter(full_name="Đỗ Thị Mới").count() == 1
    assert not FormSubmission.objects.exists()
