"""Every kind of early warning on hand-built worlds: the cells' monthly facts written directly (``CellMonth``), the
live records (tasks, calendars, scores, members, attendance) made for the case. Each warning appears with its
reason and its link to the evidence, goes away once the cause is fixed, and follows the thresholds, which are data.

The suite's day is 1 December 2026: last month is November, the quarter checked for a thematic meeting is the
fourth (its last month has begun)."""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AnnualCalendar, Attendance, Meeting
from apps.meetings.testing import make_meeting
from apps.members.models import Dues, Member
from apps.members.testing import add_member
from apps.oversight.models import CellMonth, OversightRule
from apps.oversight.queries.warnings import warnings_for
from apps.oversight.rules import warnings as rules
from apps.quality.models import MeetingScore
from apps.quality.testing import attach_small_rubric
from apps.resolutions.testing import make_resolution

TODAY = date(2026, 12, 1)


def fact(cell, month: date, **columns) -> CellMonth:
    """A cell's monthly facts, written directly; a regular meeting held with 9 of 10 present unless told."""
    values = {"regular_planned": 1, "regular_held": 1, "attendance_expected": 10, "attendance_present": 9}
    values.update(columns)
    return CellMonth.objects.update_or_create(
        cell=cell, month=month, defaults={**values, "computed_at": timezone.now()}
    )[0]


def steady(cell, *, months=(8, 9, 10, 11), thematic_in=10) -> None:
    """A cell doing well: a regular meeting each month at 90%, rated good, a thematic meeting in October, its
    calendar submitted."""
    for month in months:
        fact(cell, date(2026, month, 1), quality_tot=1, thematic_held=1 if month == thematic_in else 0)
    AnnualCalendar.objects.update_or_create(cell=cell, year=2026, defaults={"status": AnnualCalendar.Status.SUBMITTED})


def kinds_of(found, cell=None) -> list[str]:
    return [w.kind for w in found if cell is None or w.org.pk == cell.pk]


def of_kind(found, kind, cell=None) -> list[rules.Warning]:
    return [w for w in found if w.kind == kind and (cell is None or w.org.pk == cell.pk)]


def rule(org, **values) -> OversightRule:
    return OversightRule.objects.create(organization=org, effective_from=date(2026, 1, 1), **values)


@pytest.fixture
def calm(world):
    """Both cells of commune A doing well: no warning anywhere in it."""
    steady(world.cell_a1)
    steady(world.cell_a2)
    return world


@pytest.mark.django_db
def test_a_calm_commune_has_no_warning(calm):
    assert warnings_for(calm.staff, calm.commune_a, today=TODAY) == []


@pytest.mark.django_db
def test_no_meeting_last_month(calm):
    CellMonth.objects.filter(cell=calm.cell_a2, month=date(2026, 11, 1)).update(regular_held=0)
    found = warnings_for(calm.staff, calm.commune_a, today=TODAY)
    (warning,) = of_kind(found, rules.NO_MEETING)
    assert warning.org == calm.cell_a2 and warning.severity == rules.ALERT
    assert warning.reason == "Tháng 11/2026 chi bộ không sinh hoạt thường kỳ, dù đã có kế hoạch."
    assert warning.evidence_url == reverse("oversight:cell_meetings", args=[calm.cell_a2.pk]) + "?period=2026-11"
    assert warning.since == TODAY
    # A cell without any figures for the month did not meet either.
    CellMonth.objects.filter(cell=calm.cell_a2, month=date(2026, 11, 1)).delete()
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.NO_MEETING)
    assert warning.reason == "Tháng 11/2026 chi bộ không sinh hoạt thường kỳ."
    fact(calm.cell_a2, date(2026, 11, 1), quality_tot=1)  # the meeting is recorded after all
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.NO_MEETING) == []


@pytest.mark.django_db
def test_no_thematic_meeting_this_quarter(calm):
    CellMonth.objects.filter(cell=calm.cell_a1).update(thematic_held=0)
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.NO_THEMATIC)
    assert warning.org == calm.cell_a1
    assert "IV/2026" in warning.reason and "tháng cuối" in warning.reason
    assert warning.evidence_url.endswith("?period=2026-q4")
    fact(calm.cell_a1, date(2026, 12, 1), regular_held=0, thematic_held=1)  # held this month
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.NO_THEMATIC) == []


@pytest.mark.frozen("2026-11-15 09:00")
@pytest.mark.django_db
def test_before_the_quarters_last_month_the_last_quarter_is_checked(world):
    steady(world.cell_a1, months=(7, 8, 9, 10), thematic_in=8)  # a thematic meeting in Q3, none yet in Q4
    found = of_kind(warnings_for(world.staff, world.commune_a, today=date(2026, 11, 15)), rules.NO_THEMATIC)
    assert [w.org for w in found] == [world.cell_a2]  # A2 had none in Q3; A1 is not warned about Q4 yet
    assert "III/2026" in found[0].reason


@pytest.mark.django_db
def test_attendance_under_the_threshold_last_month(calm):
    fact(calm.cell_a1, date(2026, 11, 1), attendance_present=8, quality_tot=1)  # 80%
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.LOW_ATTENDANCE)
    assert warning.org == calm.cell_a1
    assert "80,0%" in warning.reason and "85,0%" in warning.reason
    assert warning.evidence_url == reverse("oversight:dashboard", args=[calm.cell_a1.pk]) + "?period=2026-11"
    # The threshold is data: the commune lowers it to 75%, and 80% no longer warns.
    rule(calm.commune_a, attendance_min=Decimal("75"))
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.LOW_ATTENDANCE) == []
    fact(calm.cell_a1, date(2026, 11, 1), attendance_present=7, quality_tot=1)  # 70%: under 75
    assert len(of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.LOW_ATTENDANCE)) == 1


@pytest.mark.django_db
def test_attendance_falling_three_months_running(calm):
    for month, present in ((8, 19), (9, 18), (10, 17), (11, 16)):  # 95, 90, 85, 80 %
        fact(calm.cell_a1, date(2026, month, 1), attendance_expected=20, attendance_present=present, quality_tot=1)
    found = warnings_for(calm.staff, calm.commune_a, today=TODAY)
    (warning,) = of_kind(found, rules.ATTENDANCE_FALLING)
    assert warning.org == calm.cell_a1
    assert "3 tháng" in warning.reason and "08/2026: 95,0%" in warning.reason and "11/2026: 80,0%" in warning.reason
    # Four months of fall are asked for now: July has no figures, so the run is not there.
    rule(calm.commune_a, falling_months=4)
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.ATTENDANCE_FALLING) == []
    OversightRule.objects.all().delete()
    fact(calm.cell_a1, date(2026, 11, 1), attendance_expected=20, attendance_present=17, quality_tot=1)  # flat
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.ATTENDANCE_FALLING) == []


@pytest.mark.django_db
def test_quality_falling_by_its_average_level(calm):
    for month, level in ((8, "quality_tot"), (9, "quality_kha"), (10, "quality_tb"), (11, "quality_kem")):
        CellMonth.objects.filter(cell=calm.cell_a2, month=date(2026, month, 1)).update(**{"quality_tot": 0, level: 1})
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.QUALITY_FALLING)
    assert warning.org == calm.cell_a2 and "bình quân" in warning.reason and "11/2026: 1,00" in warning.reason
    CellMonth.objects.filter(cell=calm.cell_a2, month=date(2026, 11, 1)).update(quality_kem=0, quality_tb=1)
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.QUALITY_FALLING) == []


@pytest.mark.django_db
def test_quality_falling_by_the_share_rated_good(calm):
    shares = {8: (4, 0), 9: (3, 1), 10: (2, 2), 11: (1, 3)}  # 100, 75, 50, 25 % good
    for month, (good, fair) in shares.items():
        CellMonth.objects.filter(cell=calm.cell_a1, month=date(2026, month, 1)).update(
            quality_tot=good, quality_kha=fair
        )
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.QUALITY_FALLING)
    assert "Tốt" in warning.reason and "11/2026: 25,0%" in warning.reason


@pytest.mark.django_db
def test_overdue_tasks(calm):
    resolution = make_resolution(calm.cell_a1, tasks=2, targets=0, deadline=date(2026, 11, 20))
    late, done = resolution.tasks.order_by("pk")
    done.completed_on = date(2026, 11, 19)
    done.save()
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.OVERDUE_TASK)
    assert warning.org == calm.cell_a1 and warning.evidence_url == reverse("resolutions:task", args=[late.pk])
    assert "“Nhiệm vụ 1”" in warning.reason and "20/11/2026" in warning.reason and "11 ngày" in warning.reason
    late.dropped_reason = "Không còn phù hợp"
    late.save()
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.OVERDUE_TASK) == []


def _meeting_in(cell, month: int) -> Meeting:
    meeting = make_meeting(cell, when=timezone.make_aware(datetime(2026, month, 5, 19, 30)))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    return meeting


@pytest.mark.django_db
def test_members_on_the_removal_watch(calm):
    for month in (3, 5):
        Attendance.objects.create(
            meeting=_meeting_in(calm.cell_a1, month), member=calm.plain_member, status="unexcused"
        )
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.REMOVAL_WATCH)
    assert warning.org == calm.cell_a1 and warning.severity == rules.WARNING
    assert warning.reason.startswith("Lê Văn Đảng Viên") and "2 tháng (3, 5)" in warning.reason
    assert warning.evidence_url == reverse("members:detail", args=[calm.plain_member.pk])
    Attendance.objects.create(meeting=_meeting_in(calm.cell_a1, 7), member=calm.plain_member, status="unexcused")
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.REMOVAL_WATCH)
    assert warning.severity == rules.ALERT  # three months: on the list for the cell to consider
    Attendance.objects.filter(member=calm.plain_member).update(status="excused")
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.REMOVAL_WATCH) == []


@pytest.mark.django_db
def test_unpaid_dues_put_a_member_on_the_watch(calm):
    for month in (9, 10):
        Dues.objects.create(member=calm.a2_member, month=date(2026, month, 1), status=Dues.Status.UNPAID)
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.REMOVAL_WATCH)
    assert warning.org == calm.cell_a2 and "đảng phí 2 tháng (9, 10)" in warning.reason


@pytest.mark.django_db
def test_calendars_not_submitted(calm):
    AnnualCalendar.objects.filter(cell=calm.cell_a2).update(status=AnnualCalendar.Status.DRAFT)
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.CALENDAR_MISSING)
    assert warning.org == calm.cell_a2 and "31/01/2026" in warning.reason and "chưa được gửi" in warning.reason
    assert warning.evidence_url == reverse("meetings:calendar", args=[calm.cell_a2.pk, 2026])
    AnnualCalendar.objects.filter(cell=calm.cell_a2).delete()
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.CALENDAR_MISSING)
    assert "chưa lập" in warning.reason
    rule(calm.province, calendar_due_month=12)  # a province that gives until the end of the year
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.CALENDAR_MISSING) == []


@pytest.mark.django_db
def test_scores_not_confirmed(calm):
    meeting = _meeting_in(calm.cell_a1, 11)
    proposed = timezone.make_aware(datetime(2026, 11, 20, 21, 0))
    score = MeetingScore.objects.create(meeting=meeting, rubric=attach_small_rubric(calm.cell_a1), proposed_at=proposed)
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.SCORE_UNCONFIRMED)
    assert warning.org == calm.cell_a1 and "05/11/2026" in warning.reason and "11 ngày" in warning.reason
    assert warning.evidence_url == reverse("quality:meeting_score", args=[meeting.pk])
    rule(calm.commune_a, score_confirm_days=14)
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.SCORE_UNCONFIRMED) == []
    OversightRule.objects.all().delete()
    score.confirmed_at = timezone.now()
    score.save()
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.SCORE_UNCONFIRMED) == []


@pytest.mark.django_db
def test_probationary_members_past_due(calm):
    member = add_member(
        calm.cell_a2,
        full_name="Lý Thị Dự Bị",
        status=Member.Status.PROBATIONARY,
        official_on=None,
        admitted_on=date(2025, 10, 1),
    )
    (warning,) = of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.PROBATION_OVERDUE)
    assert warning.org == calm.cell_a2 and warning.since == date(2026, 10, 31) + timedelta(days=1)
    assert "Lý Thị Dự Bị" in warning.reason and "01/10/2026" in warning.reason
    assert warning.evidence_url == reverse("members:detail", args=[member.pk])
    rule(calm.commune_a, probation_grace_days=90)
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.PROBATION_OVERDUE) == []
    OversightRule.objects.all().delete()
    Member.objects.filter(pk=member.pk).update(status=Member.Status.OFFICIAL, official_on=date(2026, 11, 20))
    assert of_kind(warnings_for(calm.staff, calm.commune_a, today=TODAY), rules.PROBATION_OVERDUE) == []


@pytest.mark.django_db
def test_the_nearest_committees_thresholds_apply_to_each_cell(world):
    """The province sets 95%, commune A 85% for its own subtree: A1 and A2 at 90% follow their commune and are not
    warned; B1 at 90% follows the province and is."""
    for cell in (world.cell_a1, world.cell_a2, world.cell_b1):
        steady(cell)
    rule(world.province, attendance_min=Decimal("95"))
    rule(world.commune_a, attendance_min=Decimal("85"))
    superuser = type(world.staff).objects.create_superuser("root", "root@example.com", "x")
    found = of_kind(warnings_for(superuser, world.province, today=TODAY), rules.LOW_ATTENDANCE)
    assert [w.org for w in found] == [world.cell_b1]


@pytest.mark.django_db
def test_nobody_sees_warnings_from_outside_their_subtree(calm):
    steady(calm.cell_b1)
    CellMonth.objects.all().update(regular_held=0)
    make_resolution(calm.cell_b1, tasks=1, targets=0, deadline=date(2026, 11, 1))
    for user in (calm.staff, calm.inspector):
        assert {w.org.pk for w in warnings_for(user, calm.province, today=TODAY)} <= {calm.cell_a1.pk, calm.cell_a2.pk}
    assert {w.org.pk for w in warnings_for(calm.supervisor, calm.commune_a, today=TODAY)} == {calm.cell_a2.pk}
    assert {w.org.pk for w in warnings_for(calm.outsider, calm.commune_a, today=TODAY)} <= {calm.cell_b1.pk}


@pytest.mark.django_db
def test_counts_by_kind(calm):
    CellMonth.objects.filter(month=date(2026, 11, 1)).update(regular_held=0)
    assert Counter(w.kind for w in warnings_for(calm.staff, calm.commune_a, today=TODAY)) == {rules.NO_MEETING: 2}
