"""Metrics of many meetings at once: the same values as one meeting at a time, in a fixed number of queries."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.meetings.models import Attendance, Meeting, MeetingDocument, Minutes, Speech
from apps.meetings.queries.meeting import roll_call, roll_calls
from apps.meetings.services.meeting import meeting_create
from apps.meetings.testing import make_meeting
from apps.members.services import member as member_services
from apps.members.testing import add_member
from apps.quality.queries.metrics import meeting_metrics, metrics_for_meetings
from apps.resolutions.models import Resolution, TargetActual, TaskProgress
from apps.resolutions.testing import make_resolution

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STATUSES = ["present"] * 6 + ["late", "excused", "excused", "unexcused"]


def at(y, m, d, hh=19, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=HCM)


def history(world, seed: int = 3) -> list[Meeting]:
    """Three cells from December 2025 to June 2026: monthly regular meetings (one cancelled, the last one still in
    progress), thematic meetings in some quarters, varied attendance (a member excused month after month, exempted
    members, a member transferred between cells in March), speeches, documents on time or late, board meetings,
    minutes adopted or not, resolutions filed on time or late, tasks reported at the next meeting (done, late,
    dropped, with progress) and targets with actuals before and after the meeting day."""
    rng = random.Random(seed)
    cells = [world.cell_a1, world.cell_a2, world.cell_b1]
    people = {
        world.cell_a1: [world.secretary_member, world.plain_member],
        world.cell_a2: [world.a2_member],
        world.cell_b1: [world.b1_member],
    }
    for cell, members in people.items():
        members += [add_member(cell, full_name=f"Thành viên {cell.code} {i}") for i in range(3 + len(cell.code))]
    exempted = [people[world.cell_a1][2], people[world.cell_a2][1]]
    member_services.exemption_add(
        member=people[world.cell_a1][2], starts_on=date(2025, 1, 1), ends_on=None, reason="Tuổi cao"
    )
    member_services.exemption_add(
        member=people[world.cell_a2][1], starts_on=date(2025, 6, 1), ends_on=date(2026, 2, 28), reason="Ốm dài ngày"
    )
    mover = people[world.cell_a1][3]
    held: list[Meeting] = []
    for cell in cells:
        previous = None
        months = [(2025, 12)] + [(2026, m) for m in range(1, 7)]
        for y, mo in months:
            day = 3 + cells.index(cell)
            meeting = make_meeting(cell, when=at(y, mo, day))
            if cell == world.cell_a2 and (y, mo) == (2026, 4):
                Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
                continue
            kinds = [meeting]
            if mo in (2, 5) and cell != world.cell_b1 or (cell == world.cell_b1 and mo == 3):
                kinds.append(make_meeting(cell, kind="thematic", when=at(y, mo, day + 10)))
            for m in kinds:
                last = (y, mo) == (2026, 6) and m.kind == "regular"
                start = m.scheduled_at + timedelta(minutes=rng.randint(-5, 10))
                Meeting.objects.filter(pk=m.pk).update(
                    status=Meeting.Status.IN_PROGRESS if last else Meeting.Status.CLOSED,
                    started_at=start,
                    ended_at=None if last else start + timedelta(minutes=rng.choice([40, 75, 90, 100, 125])),
                    preparer=people[cell][0] if rng.random() < 0.7 else None,
                )
                m.refresh_from_db()
                roll = [p for p in people[cell] if p.cell_id == cell.pk]
                for i, p in enumerate(roll):
                    if p in exempted:  # never marked: exempt-absent while the exemption runs, unmarked after
                        continue
                    status = "excused" if i == 2 and cell == world.cell_a2 else rng.choice(STATUSES)
                    Attendance.objects.create(meeting=m, member=p, status=status, reason="Công tác")
                item = m.agenda_items.order_by("position").first()
                for position, p in enumerate(rng.sample(roll, k=min(3, len(roll))), start=1):
                    Speech.objects.create(
                        meeting=m, agenda_item=item, member=p, position=position, spoken=rng.random() < 0.8
                    )
                for kind in rng.sample(["draft_report", "draft_resolution", "lead_paper"], k=rng.randint(0, 2)):
                    MeetingDocument.objects.create(
                        meeting=m,
                        kind=kind,
                        title="Tài liệu",
                        published_at=m.scheduled_at - timedelta(hours=rng.choice([2, 30, 60])),
                    )
                if rng.random() < 0.6:
                    board = meeting_create(
                        cell=cell, kind="board", scheduled_at=m.scheduled_at - timedelta(days=2), prepares=m
                    )
                    if rng.random() < 0.8:
                        Meeting.objects.filter(pk=board.pk).update(status=Meeting.Status.CLOSED)
                if rng.random() < 0.8:
                    Minutes.objects.create(meeting=m, text="Biên bản", status=rng.choice(["adopted", "draft"]))
                held.append(m)
            meeting.refresh_from_db()
            if previous is not None:
                # Last month's resolution: tasks reported at this meeting and a target with actuals.
                resolution = make_resolution(cell, meeting=previous, tasks=3, targets=1)
                prev_day = previous.scheduled_at.astimezone(HCM).date()
                Resolution.objects.filter(pk=resolution.pk).update(
                    adopted_on=prev_day + timedelta(days=rng.choice([0, 1, 3]))
                )
                this_day = meeting.scheduled_at.astimezone(HCM).date()
                tasks = list(resolution.tasks.order_by("pk"))
                resolution.tasks.update(report_meeting=meeting, deadline=this_day - timedelta(days=1))
                tasks[0].__class__.objects.filter(pk=tasks[0].pk).update(
                    completed_on=this_day - timedelta(days=rng.choice([-2, 3]))
                )
                if rng.random() < 0.5:
                    tasks[1].__class__.objects.filter(pk=tasks[1].pk).update(dropped_reason="Không còn phù hợp")
                TaskProgress.objects.create(task=tasks[2], on=this_day - timedelta(days=5), text="Đang làm")
                target = resolution.targets.get()
                for shift, value in ((-10, "85"), (-2, rng.choice(["80", "95"])), (3, "99")):
                    TargetActual.objects.create(
                        target=target, on=this_day + timedelta(days=shift), value=Decimal(value)
                    )
            previous = meeting
        if cell == world.cell_a1:
            member_services.member_transfer(member=mover, to_cell=world.cell_a2, on=date(2026, 3, 20))
            mover.refresh_from_db()
            people[world.cell_a2].append(mover)
    return held


@pytest.mark.django_db
def test_bulk_metrics_equal_single_meeting_metrics(world):
    held = history(world)
    # A meeting object as the services have it (refreshed from the database) gives the same values.
    meetings = list(Meeting.objects.filter(pk__in=[m.pk for m in held]))
    bulk = metrics_for_meetings(meetings)
    assert set(bulk) == {m.pk for m in meetings}
    for meeting in meetings:
        assert bulk[meeting.pk] == meeting_metrics(meeting), meeting
    # The history is varied enough for the comparison to mean something.
    values = list(bulk.values())
    assert len({(v["attendance_rate"], v["speaking_share"]) for v in values}) > 5
    assert len({v["max_excused_streak"] for v in values}) >= 4
    assert {v["thematic_this_quarter"] for v in values} == {True, False}
    assert {v["board_met_first"] for v in values} == {True, False}
    assert {v["documents_ready"] for v in values} == {True, False}
    assert {v["resolution_filed"] for v in values} == {True, False}
    assert {v["minutes_adopted"] for v in values} == {True, False}
    assert any(v["targets_met"] for v in values) and any(v["targets_due"] > v["targets_met"] for v in values)
    assert any(v["tasks_due"] == 2 for v in values) and any(v["tasks_due"] == 3 for v in values)
    assert any(v["duration_minutes"] is None for v in values)
    assert any(v["attendance_exempt_absent"] for v in values)
    # A member of A2 is excused at every meeting: the run starts again in January and skips the cancelled April
    # meeting (January, February ×2, March, May ×2, June).
    a2 = sorted((m for m in meetings if m.cell_id == world.cell_a2.pk), key=lambda m: (m.scheduled_at, m.pk))
    assert [bulk[m.pk]["max_excused_streak"] for m in a2] == [1, 1, 2, 3, 4, 5, 6, 7]


@pytest.mark.django_db
def test_bulk_roll_calls_equal_the_single_roll_call(world):
    """The roll call of many meetings of several cells at once gives each meeting what it gives alone."""
    held = history(world)
    bulk = roll_calls(held)
    for meeting in held:
        single = roll_call(meeting)
        assert [(r.member.pk, r.status, r.exempt, r.suspended) for r in bulk[meeting.pk]] == [
            (r.member.pk, r.status, r.exempt, r.suspended) for r in single
        ]


@pytest.mark.django_db
def test_bulk_query_count_does_not_grow_with_the_meetings(world):
    held = history(world)
    # Two meetings that each have last month's targets, then every held meeting of the three cells.
    later = [m for m in held if m.scheduled_at > at(2026, 2, 1) and m.kind == "regular"]
    counts = []
    for meetings in ([later[0], later[-1]], held):
        with CaptureQueriesContext(connection) as ctx:
            metrics = metrics_for_meetings(meetings)
        assert len(metrics) == len(meetings)
        counts.append(len(ctx.captured_queries))
    assert len(held) >= 20
    # marks, members, exemptions, suspensions, attachments, speeches, documents, board meetings, minutes,
    # resolutions, tasks, the cells' meetings, targets, their actuals, excused absences of the year
    assert counts == [15, 15]


@pytest.mark.django_db
def test_no_meetings_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert metrics_for_meetings([]) == {}
