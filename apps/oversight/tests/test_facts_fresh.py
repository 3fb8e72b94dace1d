"""The verbs keep the fact table fresh: a real service changes the record, its commit runs the refresh task
(django-tasks' immediate backend in tests), and every kept row then equals a computation from scratch.

``django_capture_on_commit_callbacks(execute=True)`` stands for the commit (a test runs inside one transaction)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from apps.grading.models import AnnualRating
from apps.grading.services import grading as grading_services
from apps.meetings.models import Meeting
from apps.meetings.services import calendar as calendar_services
from apps.meetings.services import live as live_services
from apps.meetings.testing import make_meeting
from apps.members.services import dues as dues_services
from apps.members.services import member as member_services
from apps.members.testing import MemberFactory
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, OrgYear, StaleCellMonth
from apps.oversight.queries.facts import compute_cell_months, compute_org_years
from apps.oversight.services import facts
from apps.quality.services import score as score_services
from apps.quality.testing import attach_small_rubric
from apps.resolutions.models import Task
from apps.resolutions.services import progress as progress_services
from apps.resolutions.services import targets as target_services
from apps.resolutions.testing import make_resolution

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)
COLUMNS = (*FLOW_FIELDS, *STOCK_FIELDS)


def values(row) -> tuple:
    return tuple(getattr(row, name) for name in COLUMNS)


def kept(cell, month: date = NOV) -> dict:
    row = CellMonth.objects.get(cell=cell, month=month)
    return {name: getattr(row, name) for name in COLUMNS}


def assert_fresh() -> None:
    """No mark left, and every kept row equals its computation from scratch."""
    assert not StaleCellMonth.objects.exists()
    rows = {(r.cell_id, r.month): values(r) for r in CellMonth.objects.all()}
    assert rows == {(r.cell_id, r.month): values(r) for r in compute_cell_months(rows)}
    years = {(r.organization_id, r.year): r for r in OrgYear.objects.all()}
    for row in compute_org_years(years):
        old = years.pop((row.organization_id, row.year))
        assert (old.members_htxsnv, old.members_httnv, old.members_not_decided, old.own_level) == (
            row.members_htxsnv,
            row.members_httnv,
            row.members_not_decided,
            row.own_level,
        )
    assert not years


@pytest.fixture
def world(history_world):
    """The world with a year of history in A1, its facts rebuilt."""
    facts.rebuild()
    assert_fresh()
    return history_world


def at(day: int, month: int = 11) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 19, 30))


def test_holding_a_meeting_and_correcting_its_roll_call_after(world, django_capture_on_commit_callbacks):
    """A November meeting of A2 started, marked and ended: its marks count when it closes; a mark corrected after
    the meeting, a speaker added and removed, each refreshes November."""
    member = world.a2_member
    meeting = make_meeting(world.cell_a2, when=at(20))
    with django_capture_on_commit_callbacks(execute=True):
        live_services.meeting_start(meeting=meeting)
        live_services.attendance_mark(meeting=meeting, member=member, status="present")
    assert kept(world.cell_a2)["regular_planned"] == 1 and kept(world.cell_a2)["regular_held"] == 0
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        live_services.meeting_end(meeting=meeting)
    assert (kept(world.cell_a2)["regular_held"], kept(world.cell_a2)["attendance_present"]) == (1, 1)
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        live_services.attendance_mark(meeting=meeting, member=member, status="excused", reason="Ốm")
    assert len(callbacks) == 1  # one refresh enqueued for the transaction
    assert (kept(world.cell_a2)["attendance_present"], kept(world.cell_a2)["excused_absences"]) == (0, 1)
    assert_fresh()
    live_services.attendance_mark(meeting=meeting, member=member, status="present")  # not committed yet: a mark
    assert StaleCellMonth.objects.filter(cell=world.cell_a2, month=NOV).exists()
    facts.refresh_stale()
    item = meeting.agenda_items.first()
    with django_capture_on_commit_callbacks(execute=True):
        speech = live_services.speech_add(meeting=meeting, item=item, member=member)
        live_services.speech_record(speech=speech, spoken=True, note="Đề xuất")
    assert kept(world.cell_a2)["speakers"] == 1
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        live_services.speech_remove(speech=speech)
    assert kept(world.cell_a2)["speakers"] == 0
    assert_fresh()


def test_a_meeting_moved_to_another_month_leaves_both_fresh(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.cell_a2, when=at(25))
    facts.refresh_stale()
    assert kept(world.cell_a2)["regular_planned"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.calendar_meeting_update(
            meeting=Meeting.objects.get(pk=meeting.pk),
            scheduled_at=at(20, month=10),
            place="Nhà văn hóa",
            topic="",
            by=world.secretary,
        )
    assert (kept(world.cell_a2)["regular_planned"], kept(world.cell_a2, OCT)["regular_planned"]) == (0, 1)
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = Meeting.objects.get(pk=meeting.pk)
        meeting.status = Meeting.Status.CANCELLED
        meeting.save()
    assert kept(world.cell_a2, OCT)["regular_planned"] == 1  # a cancelled meeting was still planned
    assert_fresh()


def test_scoring_a_meeting(world, django_capture_on_commit_callbacks):
    attach_small_rubric(world.cell_a1)
    meeting = world.history.meetings[-1]  # November's
    with django_capture_on_commit_callbacks(execute=True):
        score = score_services.score_propose(meeting=meeting, judged={"discussion": 4, "steps": [True, True]})
    level = score.final_level
    assert level and kept(world.cell_a1)["scores_unconfirmed"] == 1
    assert kept(world.cell_a1)["quality_unscored"] == 0
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        score_services.score_confirm(score=score, by=world.supervisor)
    assert kept(world.cell_a1)["scores_unconfirmed"] == 0
    assert_fresh()


def test_tasks_and_targets(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resolution = make_resolution(world.cell_a1, tasks=2, targets=1, deadline=date(2026, 11, 20))
    task = Task.objects.filter(resolution=resolution).first()
    target = resolution.targets.get()
    assert (kept(world.cell_a1)["tasks_due"], kept(world.cell_a1)["tasks_open"]) == (2, 2)  # due 20 November
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        progress_services.task_mark_done(task=task, on=date(2026, 11, 25))
    assert (kept(world.cell_a1)["tasks_done_late"], kept(world.cell_a1)["tasks_open"]) == (1, 1)
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        target_services.target_actual_record(target=target, on=timezone.localdate(), value=Decimal(95), by=None)
    december = timezone.localdate().replace(day=1)
    assert kept(world.cell_a1, december)["targets_exceeded"] == 1
    assert_fresh()


def test_dues_members_exemptions_and_transfers(world, django_capture_on_commit_callbacks):
    a1 = world.cell_a1
    with django_capture_on_commit_callbacks(execute=True):
        dues_services.dues_record_month(
            cell=a1,
            month=NOV,
            entries=[dues_services.DuesEntry(m, "paid", Decimal(40_000)) for m in world.history.members[:3]],
        )
    assert (kept(a1)["dues_paid"], kept(a1)["dues_collected"]) == (3, Decimal(120_000))
    assert_fresh()
    before = kept(a1, OCT)["attendance_expected"]
    with django_capture_on_commit_callbacks(execute=True):
        member_services.exemption_add(
            member=world.history.members[4], starts_on=date(2026, 9, 1), ends_on=None, reason="Ốm nặng"
        )
    assert kept(a1, OCT)["members_exempt"] == 2
    assert kept(a1, OCT)["attendance_expected"] == before  # marked at October's meeting: the mark stands
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        member_services.member_transfer(member=world.history.members[0], to_cell=world.cell_a2, on=date(2026, 11, 2))
    assert (kept(a1)["transferred_out"], kept(world.cell_a2)["transferred_in"]) == (1, 1)
    assert kept(a1)["dues_paid"] == 2 and kept(world.cell_a2)["dues_paid"] == 1  # paid November in A2's month end
    assert_fresh()
    with django_capture_on_commit_callbacks(execute=True):
        member_services.member_create(
            cell=a1,
            member=MemberFactory.build(
                full_name="Đảng Viên Mới", status="probationary", official_on=None, admitted_on=date(2026, 11, 19)
            ),
            joined_on=date(2026, 11, 19),
        )
    assert kept(a1)["admitted"] == 1
    assert_fresh()  # the new member is on the roll call of every past meeting of A1: every month refreshed


def test_a_new_month_gets_a_row_for_every_cell(world, django_capture_on_commit_callbacks, clock):
    clock.move_to(timezone.make_aware(datetime(2027, 1, 2, 9, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        make_meeting(world.cell_a2, when=at(5, month=1).replace(year=2027))
    january = date(2027, 1, 1)
    assert set(CellMonth.objects.filter(month=january).values_list("cell_id", flat=True)) == {
        world.cell_a1.pk,
        world.cell_a2.pk,
        world.cell_b1.pk,
    }
    assert kept(world.cell_a1, january)["members_official"] == 10
    assert_fresh()


def test_ratings_keep_their_organisations_grades(world):
    """A rating's change recomputes its organisation's year at once, in its own transaction."""
    year = 2026
    for member in world.history.members[:3]:
        grading_services.rating_create_for_member(member=member, year=year)
    row = OrgYear.objects.get(organization=world.cell_a1, year=year)
    assert (row.members_not_decided, row.is_cell, row.is_grassroots) == (3, True, False)
    rating = AnnualRating.objects.filter(member=world.history.members[0]).get()
    AnnualRating.objects.filter(pk=rating.pk).update(status=AnnualRating.Status.APPRAISED, appraisal_level="httnv")
    grading_services.rating_decide(rating=AnnualRating.objects.get(pk=rating.pk), user=world.staff, level="httnv")
    row.refresh_from_db()
    assert (row.members_httnv, row.members_not_decided) == (1, 2)
    assert OrgYear.objects.get(organization=world.cell_a1, year=year).members_httnv == 1
    collective = grading_services.rating_create_for_organization(organization=world.commune_a, year=year)
    assert OrgYear.objects.get(organization=world.commune_a, year=year).is_grassroots
    collective.delete()
    assert not OrgYear.objects.filter(organization=world.commune_a, year=year).exists()
    assert_fresh()


def test_a_rollback_takes_the_marks_away(world):
    """A mark written in a savepoint that is rolled back goes with it; the same pair marked again afterwards in
    the same transaction is written again (not mistaken for one already marked)."""
    facts.refresh_stale()
    make_meeting(world.cell_b1, when=at(20))  # this transaction's marks start here
    meeting = make_meeting(world.cell_a2, when=at(20))
    facts.refresh_stale()
    make_meeting(world.cell_b1, when=at(21))
    try:
        with transaction.atomic():
            meeting.status = Meeting.Status.CANCELLED
            meeting.save()
            assert StaleCellMonth.objects.filter(cell=world.cell_a2, month=NOV).exists()
            raise RuntimeError
    except RuntimeError:
        pass
    assert not StaleCellMonth.objects.filter(cell=world.cell_a2).exists()
    make_meeting(world.cell_a2, when=at(21))
    assert StaleCellMonth.objects.filter(cell=world.cell_a2, month=NOV).exists()


def test_a_mark_made_again_during_a_refresh_is_kept(world, monkeypatch):
    """Another transaction marks the pair again while the refresh computes it: the mark stays for the next run."""
    make_meeting(world.cell_a2, when=at(20))
    refresh = facts.refresh

    def marked_again_meanwhile(pairs):
        done = refresh(pairs)
        StaleCellMonth.objects.update(marked_at=timezone.now() + timedelta(seconds=1))
        return done

    monkeypatch.setattr(facts, "refresh", marked_again_meanwhile)
    assert facts.refresh_stale() == 1
    assert StaleCellMonth.objects.count() == 1
    monkeypatch.setattr(facts, "refresh", refresh)
    assert facts.refresh_stale() == 1
    assert not StaleCellMonth.objects.exists()


def test_a_cell_that_becomes_a_committee_loses_its_months(world, django_capture_on_commit_callbacks):
    cell = world.cell_b1
    assert CellMonth.objects.filter(cell=cell).count() == 13
    with django_capture_on_commit_callbacks(execute=True):
        cell.kind = "committee"
        cell.save()
    assert not CellMonth.objects.filter(cell=cell).exists()
    assert_fresh()


def test_a_partial_rebuild_reports_its_progress(world):
    CellMonth.objects.filter(cell=world.cell_a1).update(speakers=99)
    steps = []
    stored = facts.rebuild(cells=[world.cell_a1.pk], months=[OCT, NOV], progress=lambda *step: steps.append(step))
    assert stored == 2 and steps == [(2, 2)]
    assert CellMonth.objects.filter(cell=world.cell_a1, speakers=99).count() == 11  # the other months are left
    facts.rebuild(cells=[world.cell_a1.pk])
    assert_fresh()
