"""Bulk writes (apps.common.audit) mark the cell-months whose counted fields they write, and only those: the reminder
job stamps many meetings every quarter of an hour and must not send their months to be recomputed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.common import audit
from apps.meetings.models import Meeting
from apps.meetings.testing import make_meeting
from apps.oversight.models import StaleCellMonth


@pytest.mark.django_db
def test_a_bulk_write_of_uncounted_fields_marks_nothing_and_of_counted_ones_marks_the_month(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=2))
    StaleCellMonth.objects.all().delete()

    audit.update(Meeting.objects.filter(pk=meeting.pk), reminder_sent_at=timezone.now())
    assert not StaleCellMonth.objects.exists()

    audit.update(Meeting.objects.filter(pk=meeting.pk), status=Meeting.Status.CANCELLED)
    month = timezone.localdate(meeting.scheduled_at).replace(day=1)
    assert list(StaleCellMonth.objects.values_list("cell_id", "month")) == [(world.cell_a1.pk, month)]
