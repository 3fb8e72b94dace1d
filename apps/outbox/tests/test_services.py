"""Queueing and delivering messages: e-mail through Django's mail framework, SMS through the operator's backend;
a failure is retried with growing delays and then left failed, never raised to the action that queued it."""

import socket
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from apps.common.scoping import MANAGE
from apps.meetings.testing import make_meeting
from apps.outbox.models import OutboundMessage
from apps.outbox.services import delivery as services


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers every message with an SMTP error (what a full mailbox or a bad relay does)."""

    def send_messages(self, messages):
        raise SMTPException("451 Tạm thời không nhận thư")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue(meeting=None, *addresses, channel="email"):
    return services.message_queue(
        channel=channel,
        purpose="notice",
        recipients=[services.Recipient(address=a) for a in addresses],
        subject="Thông báo sinh hoạt",
        body="Chi bộ sinh hoạt lúc 19:30.",
        meeting=meeting,
    )


@pytest.mark.django_db
def test_nothing_is_sent_before_the_transaction_commits(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.cell_a1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = queue(meeting, "a@example.vn", "b@example.vn")
    assert mail.outbox == [] and len(callbacks) == 2
    assert {r.status for r in rows} == {"queued"} and {r.organization_id for r in rows} == {world.cell_a1.pk}
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="apps.outbox.tests.test_services.RefusingBackend")
def test_a_refused_message_is_tried_again_then_left_failed(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.cell_a1)
    with django_capture_on_commit_callbacks(execute=True):
        [row] = queue(meeting, "a@example.vn")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.next_attempt_at) == ("failed", 4, None, None)
    assert row.last_error == "SMTPException: 451 Tạm thời không nhận thư"


@pytest.mark.django_db
@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=closed_port(),
    EMAIL_TIMEOUT=5,
    CHIBO_OUTBOX_RETRY_DELAYS=(60,),
)
def test_a_mail_server_that_is_down_fails_the_message_not_the_caller(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = queue(None, "a@example.vn")
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error.startswith("ConnectionRefusedError")


@pytest.mark.django_db
def test_a_delivered_message_is_never_sent_twice(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = queue(None, "a@example.vn")
    assert services.message_deliver(message_id=row.pk) == "sent"
    assert services.message_deliver(message_id=row.pk + 1000) == "missing"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sms_needs_a_backend_chosen_by_the_operator(world):
    with pytest.raises(ValidationError):
        queue(None, "0912345678", channel="sms")
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_the_file_sms_backend_writes_each_message(world, tmp_path, django_capture_on_commit_callbacks):
    sms_settings = override_settings(CHIBO_SMS_BACKEND="apps.outbox.sms.FileBackend", CHIBO_SMS_FILE_PATH=tmp_path)
    with sms_settings, django_capture_on_commit_callbacks(execute=True):
        [row] = queue(None, "0912345678", channel="sms")
    row.refresh_from_db()
    assert row.status == "sent"
    [written] = tmp_path.iterdir()
    assert written.read_text(encoding="utf-8") == "To: 0912345678\n\nChi bộ sinh hoạt lúc 19:30.\n"


@pytest.mark.django_db
def test_delivery_records_are_scoped_to_the_meetings_cell(world, django_capture_on_commit_callbacks):
    queue(make_meeting(world.cell_a1), "a@example.vn")
    queue(make_meeting(world.cell_b1), "b@example.vn")
    queue(None, "c@example.vn")  # a sender that named no organisation: only the administrator sees it
    seen = OutboundMessage.objects.visible_to
    assert [m.address for m in seen(world.secretary, MANAGE)] == ["a@example.vn"]
    assert [m.address for m in seen(world.outsider, MANAGE)] == ["b@example.vn"]
    assert not seen(world.member_user).exists() and not seen(world.supervisor).exists()
