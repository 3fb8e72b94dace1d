"""Metrics gathered from a meeting recorded through the meetings and resolutions services."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.meetings.models import Meeting, MeetingDocument, Minutes
from apps.meetings.services import live as services_live
from apps.meetings.services.meeting import meeting_create
from apps.meetings.testing import make_meeting
from apps.members.services import member as member_services
from apps.members.testing import add_member
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.queries.metrics import meeting_metrics
from apps.quality.rules.engine import score_meeting
from apps.quality.rules.metrics import max_streak, results_share
from apps.resolutions.models import Resolution, TargetActual
from apps.resolutions.testing import make_resolution

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=19, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=HCM)


@pytest.mark.parametrize(
    ("excused", "streak"),
    [
        ([], 0),
        ([(1, 10), (1, 11), (1, 12)], 3),
        ([(1, 10), (1, 12), (1, 13)], 2),  # meeting 11 breaks the run
        ([(1, 10), (2, 11), (2, 12), (2, 13), (2, 14)], 4),
    ],
)
def test_max_streak(excused, streak):
    assert max_streak([10, 11, 12, 13, 14], excused) == streak


def test_results_share():
    assert results_share(tasks_done=1, tasks_due=2, targets_met=1, targets_due=1) == 66.7
    assert results_share(tasks_done=0, tasks_due=0, targets_met=0, targets_due=0) is None


def record(world, extra_present: int = 0):
    """Cell A1 in Q1 2026: three regular meetings and a thematic one; the March meeting is fully recorded."""
    cell = world.cell_a1
    m3 = add_member(cell, full_name="Đỗ Văn Ba")
    m4 = add_member(cell, full_name="Vũ Thị Bốn")
    m5 = add_member(cell, full_name="Ngô Văn Năm")
    m6 = add_member(cell, full_name="Đinh Thị Sáu")
    member_services.exemption_add(member=m5, starts_on=date(2025, 1, 1), ends_on=None, reason="Tuổi cao")
    extras = [add_member(cell, full_name=f"Thêm {i}") for i in range(extra_present)]
    jan = make_meeting(cell, when=at(2026, 1, 5))
    feb = make_meeting(cell, when=at(2026, 2, 5))
    thematic = make_meeting(cell, kind="thematic", when=at(2026, 2, 20))
    march = make_meeting(cell, when=at(2026, 3, 5))
    for earlier in (jan, feb, thematic):
        services_live.attendance_mark(meeting=earlier, member=m4, status="excused", reason="Công tác xa")
    Meeting.objects.filter(pk=thematic.pk).update(status=Meeting.Status.CLOSED)
    # Last month's resolution: two tasks reported in March (one done on 1/3), one target met (95 of 90).
    resolution = make_resolution(cell, meeting=feb, tasks=2, targets=1)
    first, second = resolution.tasks.order_by("pk")
    resolution.tasks.update(report_meeting=march, deadline=date(2026, 2, 28))
    first.__class__.objects.filter(pk=first.pk).update(completed_on=date(2026, 3, 1))
    TargetActual.objects.create(target=resolution.targets.get(), on=date(2026, 3, 1), value=Decimal("95"))
    # Preparation: the board met on 2/3, the draft report was published on 3/3.
    board = meeting_create(cell=cell, kind="board", scheduled_at=at(2026, 3, 2), prepares=march)
    Meeting.objects.filter(pk=board.pk).update(status=Meeting.Status.CLOSED)
    MeetingDocument.objects.create(
        meeting=march, kind="draft_report", title="Dự thảo báo cáo", published_at=at(2026, 3, 3, 8, 0)
    )
    # The meeting: 75 minutes; 3 present (+ extras), 1 excused, 1 unexcused, 1 exempted absent; 2 spoke.
    services_live.meeting_start(meeting=march, presiding=world.secretary_member, minute_taker=world.plain_member)
    Meeting.objects.filter(pk=march.pk).update(started_at=at(2026, 3, 5), ended_at=at(2026, 3, 5, 20, 45))
    march.refresh_from_db()
    for member in (world.secretary_member, world.plain_member, m3, *extras):
        services_live.attendance_mark(meeting=march, member=member, status="present")
    services_live.attendance_mark(meeting=march, member=m4, status="excused", reason="Ốm")
    services_live.attendance_mark(meeting=march, member=m6, status="unexcused")
    item = march.agenda_items.filter(section="body").first()
    for member in (world.secretary_member, world.plain_member):
        speech = services_live.speech_add(meeting=march, item=item, member=member)
        services_live.speech_record(speech=speech, spoken=True, note="Ý kiến")
    services_live.speech_add(meeting=march, item=item, member=m3)  # queued, never spoke
    Resolution.objects.create(
        organization=cell, meeting=march, title="Nghị quyết tháng 3", status="adopted", adopted_on=date(2026, 3, 7)
    )
    Minutes.objects.create(meeting=march, text="Biên bản", status=Minutes.Status.ADOPTED)
    return march


@pytest.mark.django_db
def test_metrics_of_a_recorded_meeting(world):
    march = record(world)
    m = meeting_metrics(march)
    assert (m["attendance_total"], m["attendance_exempt_absent"], m["attendance_expected"]) == (6, 1, 5)
    assert (m["attendance_present"], m["attendance_rate"], m["unexcused_absences"]) == (3, 60.0, 1)
    assert m["max_excused_streak"] == 4  # January, February, the thematic meeting and March
    assert (m["speakers"], m["attendees"], m["speaking_share"]) == (2, 3, 66.7)
    assert (m["duration_minutes"], m["duration_norm_minutes"], m["duration_short_minutes"]) == (75, 90, 15)
    assert m["duration_percent_of_norm"] == 83.3
    assert m["documents_ready"] and m["board_met_first"] and m["minutes_adopted"]
    assert m["resolution_filed"]  # adopted 7/3, within 2 days of 5/3
    assert (m["tasks_done"], m["tasks_due"], m["targets_met"], m["targets_due"]) == (1, 2, 1, 1)
    assert (m["tasks_done_share"], m["targets_met_share"], m["results_share"]) == (50.0, 100.0, 66.7)
    assert m["thematic_this_quarter"] is True

    rubric = queries_rubrics.rubric_for(march.cell, date(2026, 3, 5), march.kind)
    result = score_meeting(queries_rubrics.rubric_spec(rubric), m)
    assert result.item("attendance").explanation == "Tỷ lệ dự họp: 60% (3/5, 1 miễn), 1/5 điểm"
    assert result.item("duration").points == 4 and result.item("speaking").points == 5
    assert result.item("results").points == 20


@pytest.mark.django_db
def test_late_documents_a_late_resolution_and_no_board_meeting(world):
    march = record(world)
    MeetingDocument.objects.filter(meeting=march).update(published_at=at(2026, 3, 4, 21, 0))
    Resolution.objects.filter(meeting=march).update(adopted_on=date(2026, 3, 8))
    Meeting.objects.filter(prepares=march).update(status=Meeting.Status.CANCELLED, started_at=None)
    m = meeting_metrics(march)
    assert not m["documents_ready"] and not m["resolution_filed"] and not m["board_met_first"]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_the_query_count_does_not_grow_with_the_cell(world, extra):
    march = record(world, extra_present=extra)
    with CaptureQueriesContext(connection) as ctx:
        metrics = meeting_metrics(march)
    assert metrics["attendance_present"] == 3 + extra
    # roll call 5 (marks, members, exemptions, suspensions, attachments), speakers, documents, board meeting, minutes,
    # resolution, tasks, previous meeting, targets with their latest actual, the year's meetings, excused absences
    # of the year, thematic this quarter
    assert len(ctx.captured_queries) == 15
