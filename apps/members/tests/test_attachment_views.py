"""Temporary attachment to another cell, recorded from the member's page by committee staff."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.members.models import Attachment
from apps.members.services import member as services


def url(member):
    return reverse("members:attachment", args=[member.pk])


def form(host, **extra):
    today = timezone.localdate()
    return {
        "host": host.pk,
        "starts_on": today.strftime("%d/%m/%Y"),
        "ends_on": (today + timedelta(days=90)).strftime("%d/%m/%Y"),
        "reason": "Làm việc tại xã Đông",
        **extra,
    }


@pytest.mark.django_db
def test_staff_record_an_attachment_and_the_member_page_shows_it(history_world, client_for):
    client = client_for(history_world.staff)
    member = history_world.plain_member
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert url(member) in page
    response = client.post(url(member), form(history_world.cell_a2))
    assert response.status_code == 302
    attachment = Attachment.objects.get(member=member)
    assert attachment.host == history_world.cell_a2
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert history_world.cell_a2.name in page


@pytest.mark.django_db
def test_bad_attachments_are_form_errors_and_write_nothing(history_world, client_for):
    client = client_for(history_world.staff)
    member = history_world.plain_member
    for data in (
        form(history_world.cell_a1),  # own cell: not offered
        form(history_world.cell_b1),  # another commune's cell: not offered
        form(history_world.cell_a2, ends_on="01/01/2000"),  # ends before it starts
        form(history_world.cell_a2, reason=""),
    ):
        response = client.post(url(member), data)
        assert response.status_code == 200 and 'class="error' in response.content.decode(), data
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), [("secretary", 404), ("member_user", 404), ("outsider", 404)])
@pytest.mark.django_db
def test_only_committee_staff_record_attachments(history_world, client_for, persona, expected):
    client = client_for(getattr(history_world, persona))
    assert client.post(url(history_world.plain_member), form(history_world.cell_a2)).status_code == expected
    assert client.get(url(history_world.plain_member)).status_code == expected
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_secretary_who_hands_the_office_over_lands_on_the_home_page(world, client_for):
    """Before: the redirect went to the new secretary's page, which the old one may no longer open (404)."""
    services.cell_role_assign(member=world.secretary_member, office="secretary", starts_on=date(2025, 1, 1))
    client = client_for(world.secretary)
    response = client.post(
        reverse("members:office", args=[world.plain_member.pk]),
        {"office": "secretary", "starts_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(response["Location"]).status_code == 200
