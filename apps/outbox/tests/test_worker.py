"""The real worker path: a message queued by a committed action waits on the database task queue until
``manage.py db_worker`` runs, which delivers it (and, on failure, schedules the next try for later)."""

import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from apps.outbox.models import OutboundMessage
from apps.outbox.services import delivery as services

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue_one(address="dangvien@example.vn") -> OutboundMessage:
    with transaction.atomic():
        [message] = services.message_queue(
            channel="email",
            purpose="reminder",
            recipients=[services.Recipient(address=address)],
            subject="Nhắc lịch sinh hoạt",
            body="Chi bộ sinh hoạt lúc 19:30.",
        )
    return message


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_worker_delivers_what_a_committed_action_queued():
    message = queue_one()
    # Committed and queued, not sent: nobody waited on a mail server.
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    message.refresh_from_db()
    assert message.status == "queued"

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None
    assert [m.to for m in mail.outbox] == [["dangvien@example.vn"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # the job's own status is readable too


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS=DB_QUEUE,
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=closed_port(),
    EMAIL_TIMEOUT=5,
)
def test_a_failed_send_is_tried_again_later_by_the_worker():
    message = queue_one()
    run_worker()  # the first try fails; the next is queued for a minute later, so this batch ends

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at is not None
    later = DBTaskResult.objects.filter(status="READY").get()
    assert later.run_after == message.next_attempt_at
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1  # the task recorded the failure itself
