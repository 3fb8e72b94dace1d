"""Password reset: throttled per address and per e-mail address, mailed through the task queue (which holds only
the user's id), and never telling whether an address belongs to an account."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks import default_task_backend

from apps.accounts import tasks

pytestmark = pytest.mark.django_db
EMAIL = "bithu@example.org"


@pytest.fixture
def with_email(world):
    world.secretary.email = EMAIL
    world.secretary.save()
    return world


def ask(client, email, peer="203.0.113.5"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=peer)


def test_the_answer_is_the_same_for_an_unknown_address(with_email, client):
    known, unknown = ask(client, EMAIL), ask(client, "khong-ai@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]


def test_the_mail_goes_through_the_task_queue_with_the_user_id_only(with_email, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    ask(client, EMAIL)
    assert mail.outbox == []
    [result] = default_task_backend.results
    assert result.task.func is tasks.password_reset_mail.func
    assert result.kwargs == {"user_id": with_email.secretary.pk, "domain": "testserver", "use_https": False}
    # the worker sends it
    assert tasks.password_reset_mail.call(**result.kwargs) == "sent"
    assert re.search(r"http://testserver/accounts/reset/\S+/\S+/", mail.outbox[0].body)


def test_one_address_gets_three_mails_an_hour(with_email, client, clock):
    for n in range(5):
        assert ask(client, EMAIL, peer=f"198.51.100.{n}")["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    clock.shift(timedelta(minutes=61))
    ask(client, EMAIL, peer="198.51.100.99")
    assert len(mail.outbox) == 4


def test_one_client_address_is_limited_per_hour(with_email, client, settings):
    settings.CHIBO_RESET_PER_ADDRESS_PER_HOUR = 2
    ask(client, "a@example.org")
    ask(client, "b@example.org")
    response = ask(client, EMAIL)
    assert response.status_code == 200 and "Quá nhiều yêu cầu" in response.content.decode()
    assert mail.outbox == []
    assert ask(client, EMAIL, peer="198.51.100.1").status_code == 302
    assert len(mail.outbox) == 1
