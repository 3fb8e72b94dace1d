"""Property: random sequences of edits of the record, made through the services on a world with a year of
history, leave the kept cell-months equal to their computation from scratch.

Each edit runs in its own capture of on-commit callbacks (the commit: the marks' refresh task runs there, with
django-tasks' immediate backend). Each example runs inside a savepoint rolled back at its end, so every example
starts from the same rebuilt history. Edits the services refuse (a ValidationError) are part of the game: they
must leave the table as it was."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apps.meetings.models import Attendance, Meeting, Speech
from apps.meetings.services import calendar as calendar_services
from apps.meetings.services import live as live_services
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.services import dues as dues_services
from apps.members.services import member as member_services
from apps.members.testing import add_member
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, StaleCellMonth
from apps.oversight.queries.facts import compute_cell_months
from apps.oversight.services import facts
from apps.quality.services import score as score_services
from apps.quality.testing import attach_small_rubric
from apps.resolutions.models import Target, Task
from apps.resolutions.services import progress as progress_services
from apps.resolutions.services import targets as target_services
from apps.resolutions.testing import make_resolution

COLUMNS = (*FLOW_FIELDS, *STOCK_FIELDS)
MONTHS = (9, 10, 11)
STATUSES = ("present", "late", "excused", "unexcused")


def at(day: int, month: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 19, 30))


def day_in(rng: random.Random) -> date:
    return date(2026, rng.choice(MONTHS), rng.randint(1, 28))


@pytest.fixture
def lively(history_world):
    """The history, plus in A1 and A2: a held meeting in October and November whose record is still open (minutes
    not adopted), a planned meeting in November, a small rubric, a resolution with tasks due in November and a
    target ending then; the facts rebuilt."""
    world = history_world
    for name in ("Đinh Văn An", "Tạ Thị Bé", "Lò Văn Cầm"):
        add_member(world.cell_a2, full_name=name)
    for cell in (world.cell_a1, world.cell_a2):
        people = list(Member.objects.filter(cell=cell, active=True))
        for month in (10, 11):
            meeting = make_meeting(cell, when=at(15, month))
            live_services.meeting_start(meeting=meeting)
            for n, member in enumerate(people):
                live_services.attendance_mark(meeting=meeting, member=member, status=STATUSES[n % 3], reason="Ốm")
            live_services.meeting_end(meeting=meeting)
        make_meeting(cell, when=at(25, 11))
        resolution = make_resolution(cell, tasks=3, targets=0, deadline=date(2026, 11, 20))
        Target.objects.create(
            resolution=resolution,
            organization=cell,
            title="Hộ đóng góp quỹ",
            unit="hộ",
            value=Decimal(10),
            period_start=date(2026, 9, 1),
            period_end=date(2026, 11, 30),
        )
    attach_small_rubric(world.commune_a)
    facts.rebuild()
    return world


# ---------------------------------------------------------------------------------------------- the edits


def _open_meetings(cells):
    return list(
        Meeting.objects.filter(cell__in=cells, scheduled_at__gte=at(1, 9), kind="regular").exclude(
            minutes__status="adopted"
        )
    )


class Skip(Exception):
    """Nothing to pick for this edit (e.g. every member moved out of the cell)."""


def pick(rng: random.Random, items):
    items = list(items)
    if not items:
        raise Skip
    return rng.choice(items)


def mark(world, rng):
    meeting = pick(rng, _open_meetings([world.cell_a1, world.cell_a2]))
    member = pick(rng, Member.objects.filter(cell=meeting.cell, active=True))
    status = rng.choice(STATUSES)
    live_services.attendance_mark(meeting=meeting, member=member, status=status, reason="Bận việc")


def unmark(world, rng):
    marks = list(Attendance.objects.filter(meeting__in=_open_meetings([world.cell_a1, world.cell_a2])))
    if marks:
        rng.choice(marks).delete()  # a mark taken back (no verb for it yet: the record's own deletion)


def speak(world, rng):
    meeting = pick(rng, _open_meetings([world.cell_a1, world.cell_a2]))
    member = pick(rng, Member.objects.filter(cell=meeting.cell, active=True))
    speech = live_services.speech_add(meeting=meeting, item=meeting.agenda_items.first(), member=member)
    live_services.speech_record(speech=speech, spoken=True, note="Ý kiến")


def unspeak(world, rng):
    speeches = list(Speech.objects.filter(meeting__in=_open_meetings([world.cell_a1, world.cell_a2])))
    if speeches:
        live_services.speech_remove(speech=rng.choice(speeches))


def close(world, rng):
    planned = list(Meeting.objects.filter(status="planned", cell__in=[world.cell_a1, world.cell_a2]))
    if planned:
        meeting = rng.choice(planned)
        live_services.meeting_start(meeting=meeting)
        live_services.meeting_end(meeting=meeting)


def cancel(world, rng):
    meetings = _open_meetings([world.cell_a1, world.cell_a2])
    meeting = pick(rng, meetings)
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()


def move(world, rng):
    planned = list(Meeting.objects.filter(status="planned", cell__in=[world.cell_a1, world.cell_a2]))
    if planned:
        meeting = rng.choice(planned)
        calendar_services.calendar_meeting_update(
            meeting=meeting,
            scheduled_at=at(rng.randint(1, 28), rng.choice(MONTHS)),
            place="Hội trường",
            topic="",
            by=world.secretary,
        )


def complete(world, rng):
    task = rng.choice(list(Task.objects.filter(organization__in=[world.cell_a1, world.cell_a2])))
    decision = rng.choice([progress_services.REVIEW_DONE, progress_services.REVIEW_OPEN])
    progress_services.task_review(task=task, outcome="Đã xong", decision=decision, on=day_in(rng))


def actual(world, rng):
    target = rng.choice(list(Target.objects.filter(organization__in=[world.cell_a1, world.cell_a2])))
    target_services.target_actual_record(target=target, on=day_in(rng), value=Decimal(rng.randint(5, 15)), by=None)


def score(world, rng):
    meeting = pick(rng, [m for m in _open_meetings([world.cell_a1, world.cell_a2]) if m.status == "closed"])
    proposed = score_services.score_propose(
        meeting=meeting, judged={"discussion": rng.randint(0, 4), "steps": [True, rng.random() < 0.5]}
    )
    if rng.random() < 0.5:
        score_services.score_confirm(score=proposed, by=world.supervisor)


def pay(world, rng):
    cell = rng.choice([world.cell_a1, world.cell_a2])
    everyone = list(Member.objects.filter(cell=cell, active=True))
    people = rng.sample(everyone, min(2, len(everyone)))
    if not people:
        raise Skip
    status = rng.choice(["paid", "unpaid", "reduced"])
    entries = [
        dues_services.DuesEntry(m, status, None if status == "unpaid" else Decimal(20_000), note="Khó khăn")
        for m in people
    ]
    dues_services.dues_record_month(cell=cell, month=date(2026, rng.choice(MONTHS), 1), entries=entries)


def exempt(world, rng):
    member = pick(rng, Member.objects.filter(cell__in=[world.cell_a1, world.cell_a2], active=True))
    start = day_in(rng)
    end = rng.choice([None, start + timedelta(days=rng.randint(5, 60))])
    member_services.exemption_add(member=member, starts_on=start, ends_on=end, reason="Ốm")


def transfer(world, rng):
    member = pick(rng, Member.objects.filter(cell__in=[world.cell_a1, world.cell_a2], active=True))
    to = world.cell_a2 if member.cell_id == world.cell_a1.pk else world.cell_a1
    member_services.member_transfer(member=member, to_cell=to, on=day_in(rng))


EDITS = {
    f.__name__: f
    for f in (mark, unmark, speak, unspeak, close, cancel, move, complete, actual, score, pay, exempt, transfer)
}


def assert_fresh() -> None:
    assert not StaleCellMonth.objects.exists()
    kept = {(r.cell_id, r.month): tuple(getattr(r, n) for n in COLUMNS) for r in CellMonth.objects.all()}
    fresh = {(r.cell_id, r.month): tuple(getattr(r, n) for n in COLUMNS) for r in compute_cell_months(kept)}
    stale = [pair for pair in kept if kept[pair] != fresh[pair]]
    assert not stale, f"kept rows differ from the record: {stale}"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_random_edits_keep_the_kept_figures_equal_to_the_record(
    lively, django_capture_on_commit_callbacks, edits, seed
):
    rng = random.Random(seed)
    with transaction.atomic():
        for name in edits:
            event(name)
            with django_capture_on_commit_callbacks(execute=True):
                try:
                    with transaction.atomic():
                        EDITS[name](lively, rng)
                except ValidationError:
                    event(f"{name} refused")
                except Skip:
                    event(f"{name} skipped")
            assert_fresh()
        transaction.set_rollback(True)
