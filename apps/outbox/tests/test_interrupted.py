"""What the outbox leaves behind when things go wrong beyond a refused message: a worker stopped in the middle of
a send (killed, or a second Ctrl-C) never finishes the message, and a mail server's answer that repeats the
recipient's address must not carry it into the logs."""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.meetings.queries import notices as queries_notices
from apps.meetings.services import notices as services_notices
from apps.meetings.testing import make_meeting
from apps.outbox.models import OutboundMessage
from apps.outbox.services import delivery as services

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class InterruptedBackend(BaseEmailBackend):
    """The worker is stopped while the mail server is being talked to: what a second Ctrl-C does to db_worker
    (it exits from inside the task)."""

    def send_messages(self, messages):
        raise SystemExit(1)


class RefusingRecipientBackend(BaseEmailBackend):
    """A mail server that refuses the recipient, repeating the address in its answer (as servers do)."""

    def send_messages(self, messages):
        to = messages[0].to[0]
        raise SMTPRecipientsRefused({to: (550, f"5.1.1 <{to}>: Recipient address rejected".encode())})


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE, EMAIL_BACKEND="apps.outbox.tests.test_interrupted.InterruptedBackend")
def test_a_notice_whose_sending_stopped_halfway_is_shown_failed_and_printed_after_a_while(history_world, client):
    world = history_world
    world.member_user.email = "dangvien@example.vn"
    world.member_user.save()
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=5))
    services_notices.meeting_notify(meeting=meeting)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    message = OutboundMessage.objects.get(member=world.plain_member)
    # The worker stopped mid-send: the message never got an outcome, and nothing will try it again.
    assert (message.status, message.attempts) == ("queued", 0)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    row = next(r for r in queries_notices.notice_rows(meeting) if r.member == world.plain_member)
    assert row.state == "pending"  # just now, it may still be on its way

    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=2))
    row = next(r for r in queries_notices.notice_rows(meeting) if r.member == world.plain_member)
    # Before: "being sent" for ever, and left off the printed list, so nobody told the member.
    assert row.state == "failed" and row.to_tell
    client.force_login(world.secretary)
    printed = client.get(reverse("meetings:notices_print", args=[meeting.pk])).content.decode()
    assert world.plain_member.full_name in printed
    page = client.get(reverse("meetings:prepare", args=[meeting.pk])).content.decode()
    assert "không gửi được" in page


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="apps.outbox.tests.test_interrupted.RefusingRecipientBackend")
def test_the_recipients_address_stays_out_of_the_log_and_the_error(world, caplog, django_capture_on_commit_callbacks):
    address = "Nguyen.Van.A@example.vn"
    with caplog.at_level(logging.WARNING, logger="apps.outbox"), django_capture_on_commit_callbacks(execute=True):
        [row] = services.message_queue(
            channel="email",
            purpose="notice",
            recipients=[services.Recipient(address=address)],
            subject="Thông báo sinh hoạt",
            body="Chi bộ sinh hoạt lúc 19:30.",
        )
    row.refresh_from_db()
    assert row.status == "failed" and "550" in row.last_error and "Recipient address rejected" in row.last_error
    assert caplog.records and all("550" in r.getMessage() for r in caplog.records)
    assert address.lower() not in caplog.text.lower()
    assert address.lower() not in row.last_error.lower()
    assert row.address == address  # the row itself keeps where it went


NOW = timezone.now()


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (NOW - timedelta(minutes=5), "pending"),  # on its way (or waiting its turn in the queue)
        (NOW - timedelta(minutes=59), "pending"),
        (NOW - timedelta(minutes=61), "failed"),  # nothing happened for an hour: the worker let it go
        (NOW + timedelta(minutes=50), "pending"),  # a retry planned for later
    ],
)
def test_a_queued_notice_with_no_outcome_for_an_hour_counts_as_not_delivered(due, state):
    fact = queries_notices.NoticeFact("email", "queued", attempts=1, due_at=due)
    got, shown = queries_notices.notice_state([fact], now=NOW)
    assert got == state
    assert bool(shown.last_error) is (state == "failed")
    assert queries_notices.notice_state([fact])[0] == "pending"  # without a clock, the message's own status
