"""A double submit creates once: the "add member" and "add meeting" pages carry a one-time token; a second POST
with it (two quick clicks, a resent form) creates nothing and goes to what the first created. Without a card or
an ID number nothing else tells the two members apart, so before this two members were created."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.idempotency import FIELD
from apps.common.models import FormSubmission
from apps.meetings.models import Meeting
from apps.members.models import Member

pytestmark = pytest.mark.django_db

NEW_MEMBER = {  # no card number, no ID number
    "full_name": "Đỗ Thị Mới",
    "gender": "female",
    "date_of_birth": "02/09/1990",
    "admitted_on": "03/02/2026",
    "status": "probationary",
    "joined_on": "03/02/2026",
}


def token_on(page) -> str:
    found = re.search(rf'name="{FIELD}" value="([^"]+)"', page.content.decode())
    assert found, "the form page carries its one-time token"
    return found.group(1)


def test_two_posts_of_the_add_member_form_add_one_member(world, client_for):
    client = client_for(world.secretary)
    create = reverse("members:create", args=[world.cell_a1.pk])
    token = token_on(client.get(create))
    first = client.post(create, {**NEW_MEMBER, FIELD: token})
    second = client.post(create, {**NEW_MEMBER, FIELD: token})
    member = Member.objects.get(full_name="Đỗ Thị Mới")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("members:detail", args=[member.pk])
    assert member.memberships.count() == 1 and FormSubmission.objects.get().object_id == member.pk


def test_a_new_page_adds_a_second_member_of_the_same_name(world, client_for):
    """Two people of the same name are possible: a form opened anew has a new token."""
    client = client_for(world.secretary)
    create = reverse("members:create", args=[world.cell_a1.pk])
    for _ in range(2):
        client.post(create, {**NEW_MEMBER, FIELD: token_on(client.get(create))})
    assert Member.objects.filter(full_name="Đỗ Thị Mới").count() == 2


def test_a_refused_form_keeps_its_token_and_saves_nothing(world, client_for):
    client = client_for(world.secretary)
    create = reverse("members:create", args=[world.cell_a1.pk])
    token = token_on(client.get(create))
    page = client.post(create, {**NEW_MEMBER, "joined_on": "", FIELD: token})
    assert page.status_code == 200 and token_on(page) == token
    assert not Member.objects.filter(full_name="Đỗ Thị Mới").exists() and not FormSubmission.objects.exists()
    client.post(create, {**NEW_MEMBER, FIELD: token})
    assert Member.objects.filter(full_name="Đỗ Thị Mới").count() == 1


def test_the_outsider_cannot_use_the_form_and_nothing_is_recorded(world, client_for):
    create = reverse("members:create", args=[world.cell_a1.pk])
    before = Member.objects.count()
    response = client_for(world.outsider).post(create, {**NEW_MEMBER, FIELD: "a" * 32})
    assert response.status_code == 404
    assert Member.objects.count() == before and not FormSubmission.objects.exists()


def test_a_token_answers_only_for_its_user(world, client_for):
    """Staff sending the secretary's token (copied, or by chance) is not sent to the secretary's member."""
    create = reverse("members:create", args=[world.cell_a1.pk])
    client = client_for(world.secretary)
    token = token_on(client.get(create))
    client.post(create, {**NEW_MEMBER, FIELD: token})
    response = client_for(world.staff).post(create, {**NEW_MEMBER, "full_name": "Người Khác", FIELD: token})
    other = Member.objects.get(full_name="Người Khác")
    assert response["Location"] == reverse("members:detail", args=[other.pk])
    assert Member.objects.filter(full_name="Đỗ Thị Mới").count() == 1


def test_two_posts_of_the_add_meeting_form_add_one_meeting(world, client_for):
    client = client_for(world.secretary)
    new = reverse("meetings:meeting_new", args=[world.cell_a1.pk])
    year = timezone.localdate().year + 1
    data = {"kind": "thematic", "scheduled_at": f"20/06/{year} 08:00", "topic": "Chuyển đổi số", FIELD: ""}
    data[FIELD] = token_on(client.get(new))
    first, second = client.post(new, data), client.post(new, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Meeting.objects.filter(cell=world.cell_a1, topic="Chuyển đổi số").count() == 1


def test_the_member_was_removed_since_the_first_submit(world, client_for):
    client = client_for(world.secretary)
    create = reverse("members:create", args=[world.cell_a1.pk])
    token = token_on(client.get(create))
    client.post(create, {**NEW_MEMBER, FIELD: token})
    Member.objects.filter(full_name="Đỗ Thị Mới").delete()
    page = client.post(create, {**NEW_MEMBER, FIELD: token})
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    assert token_on(page) != token and not Member.objects.filter(full_name="Đỗ Thị Mới").exists()
