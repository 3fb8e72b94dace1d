"""The scheduled job `send_meeting_notifications`: reminders through Django's mail framework (locmem outbox in
tests), once per meeting, honouring each user's preference."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.meetings.models import Meeting, NotificationPreference
from apps.meetings.testing import make_meeting


@pytest.fixture
def emails(world):
    for user in (world.secretary, world.member_user, world.outsider):
        user.email = f"{user.username}@example.vn"
        user.save()
    return world


def run(*args) -> str:
    out = StringIO()
    call_command("send_meeting_notifications", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_reminds_meetings_within_48_hours_once(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    soon = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=30))
    later = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=50))
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 meeting" in run()
    assert sorted(m.to[0] for m in mailoutbox) == ["bithu@example.vn", "dangvien@example.vn"]
    message = mailoutbox[0]
    assert "Chi bộ 21" in message.subject and f"{timezone.localtime(soon.scheduled_at):%d/%m/%Y}" in message.body
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_at is not None and later.reminder_sent_at is None
    with django_capture_on_commit_callbacks(execute=True):  # the next run, 15 minutes later: nothing new
        assert "0 meeting" in run()
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_preference_switched_off(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    NotificationPreference.objects.create(user=world.member_user, reminders=False)
    NotificationPreference.objects.create(user=world.secretary, calendar=False)  # other kinds do not matter
    make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert [m.to for m in mailoutbox] == [["bithu@example.vn"]]


@pytest.mark.django_db
def test_hours_option_and_a_moved_meeting_is_reminded_again(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    meeting = make_meeting(world.cell_b1, when=timezone.now() + timedelta(hours=60))
    with django_capture_on_commit_callbacks(execute=True):
        run("--hours", "24")
        assert mailoutbox == []
        run("--hours", "72")
    assert [m.to for m in mailoutbox] == [["nguoingoai@example.vn"]]
    Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=None)  # what a date change does
    with django_capture_on_commit_callbacks(execute=True):
        run("--hours", "72")
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_bad_hours(world):
    with pytest.raises(CommandError):
        run("--hours", "0")


@pytest.mark.django_db
def test_users_without_email_are_skipped(world, mailoutbox, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        run()
    meeting.refresh_from_db()
    assert mailoutbox == [] and meeting.reminder_sent_at is not None
