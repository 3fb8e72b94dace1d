"""The demo district is realistic in shape and deterministic for a seed."""

import hashlib
import statistics
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from apps.demo import world as demo
from apps.demo.span import history_start
from apps.grading.models import AnnualRating
from apps.meetings.models import AnnualCalendar, Attendance, DocumentNumber, Meeting, Minutes
from apps.members.models import Attachment, CellMembership, CellRole, Dues, Exemption, Member, MemberDuesBasis
from apps.orgs.models import Organization, RoleGrant
from apps.oversight.rules.periods import add_months
from apps.quality.models import MeetingScore
from apps.resolutions.models import Resolution, TargetActual, Task

AS_OF = date(2026, 11, 25)


def fingerprint() -> str:
    rows = [
        list(Organization.objects.order_by("path").values_list("path", "kind", "code", "name")),
        list(
            Member.objects.order_by("card_number", "full_name", "date_of_birth").values_list(
                "cell__code", "full_name", "gender", "date_of_birth", "card_number", "status", "admitted_on"
            )
        ),
        list(
            CellRole.objects.order_by("cell__code", "office", "starts_on", "member__full_name").values_list(
                "cell__code", "office", "starts_on", "member__full_name"
            )
        ),
        Exemption.objects.count(),
        CellMembership.objects.count(),
        # A thematic and a regular meeting share a session (same cell and time): the kind breaks the tie.
        list(
            Attendance.objects.order_by(
                "meeting__cell__code",
                "meeting__scheduled_at",
                "meeting__kind",
                "member__card_number",
                "member__full_name",
                "member__date_of_birth",
            ).values_list("meeting__scheduled_at", "meeting__kind", "status")
        ),
        list(
            Minutes.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind").values_list(
                "text", flat=True
            )
        ),
        list(
            MeetingScore.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind").values_list(
                "rubric__code", "judged", "result", "votes_for", "confirmed_at", "override_reason"
            )
        ),
        list(
            # Members without a card number yet (probationary) are told apart by name and birth date: PostgreSQL
            # returns ties in any order, and after a rolled-back build in another order than before.
            AnnualRating.objects.order_by(
                "organization__code",
                "is_collective",
                "member__card_number",
                "member__full_name",
                "member__date_of_birth",
            ).values_list("status", "self_points", "appraisal_points", "decision_level")
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def build_and_fingerprint(seed: int) -> str:
    with transaction.atomic():
        demo.build(profile="sample", seed=seed, as_of=AS_OF)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_same_seed_same_district_other_seed_other_district():
    first = build_and_fingerprint(7)
    assert build_and_fingerprint(7) == first
    assert build_and_fingerprint(8) != first


@pytest.mark.django_db
def test_district_shape_is_realistic():
    counter = demo.build(profile="district", seed=1, as_of=AS_OF)
    assert not any(Organization.objects.find_problems())  # treebeard: paths, depths and child counts agree
    cells = Organization.objects.filter(kind="cell")
    grassroots = Organization.objects.filter(depth=3)  # province → district → grassroots
    assert 45 <= grassroots.count() <= 55
    assert 190 <= cells.count() <= 240
    sizes = list(cells.annotate(n=Count("members")).values_list("n", flat=True))
    assert min(sizes) >= 3 and max(sizes) <= 60 and 17 <= statistics.median(sizes) <= 23
    assert 4_300 <= counter.members <= 5_300
    total = Member.objects.count()
    probationary = Member.objects.filter(status="probationary").count() / total
    exempted = Exemption.objects.filter(ends_on__isnull=True).count() / total
    assert 0.02 <= probationary <= 0.08 and 0.02 <= exempted <= 0.10
    # Every cell has exactly one current secretary; cells of 9+ official members have a board.
    assert CellRole.objects.filter(office="secretary", ends_on__isnull=True).count() == cells.count()
    # Every member has exactly one open membership period, in the cell they belong to now.
    assert CellMembership.objects.filter(left_on__isnull=True).count() == total
    assert not CellMembership.objects.filter(left_on__isnull=True).exclude(cell_id=F("member__cell_id")).exists()
    # One login per role.
    # A year of meetings: every cell has its registered calendars, a regular meeting every month from twelve months
    # before the month of AS_OF to the end of its year and a thematic one in the second month of each quarter (the
    # weak cells' skipped meetings stay planned); those held have attendance for every member, adopted minutes and
    # a closed resolution vote.
    months = [add_months(history_start(AS_OF), k) for k in range(12 + 12 - AS_OF.month + 1)]
    per_cell = len(months) + sum(1 for m in months if m.month in (2, 5, 8, 11))
    assert Meeting.objects.exclude(kind="board").count() == per_cell * cells.count()
    boards = Meeting.objects.filter(kind="board")
    assert boards.count() > 5 * cells.count() and not boards.filter(prepares__isnull=True).exists()
    held = Meeting.objects.filter(status="closed").exclude(kind="board")
    assert held.count() >= 10 * cells.count()
    assert Minutes.objects.filter(status="adopted").count() == held.count()
    assert not held.filter(attendances__isnull=True).exists()
    # Follow-up: every held regular meeting adopted a resolution with tasks; quarterly targets have actuals;
    # each grassroots committee's directive reached its cells, which followed it up.
    assert (
        Resolution.objects.filter(kind="cell_monthly", meeting__isnull=False).count()
        == held.filter(kind="regular").count()
    )
    assert Task.objects.filter(resolution__kind="cell_monthly", lead__isnull=False).count() > 2 * cells.count()
    assert TargetActual.objects.exists()
    assert (
        Task.objects.filter(parent__isnull=False).count() == Task.objects.filter(resolution__kind="directive").count()
    )
    # Scores: every held meeting scored; most adopted and confirmed, a few overridden, the last month proposed.
    assert MeetingScore.objects.count() == counter.scores.scores == held.count()
    assert counter.scores.confirmed > held.count() / 2 and 0 < counter.scores.overridden < held.count() / 10
    # Dues: every member has a basis and the ended months recorded; a few members are behind (the watch shows them).
    assert MemberDuesBasis.objects.count() == counter.members
    assert Dues.objects.filter(status="paid").count() > 0.9 * Dues.objects.count()
    assert 0 < Dues.objects.filter(status="unpaid").values("member").distinct().count() < counter.members / 20
    assert Dues.objects.filter(status="exempt").exists()
    # Annual grading under way in the demo commune and about a quarter of the others.
    assert 8 <= counter.ratings.communes <= 10 and counter.ratings.decided > 0
    assert AnnualRating.objects.filter(is_collective=False).count() > 500
    roles = set(RoleGrant.objects.values_list("role", flat=True))
    assert roles == {"admin", "committee_staff", "cell_secretary", "member", "supervisor", "inspection"}
    assert_ready_for_today(AS_OF)
    # Adopted minutes carry their official number (issued on adoption, never on a download).
    assert DocumentNumber.objects.filter(doc_type="BB").count() == Minutes.objects.filter(status="adopted").count()


def assert_ready_for_today(as_of: date) -> None:
    """The demo accounts' cell meets on the day the demo is loaded, prepared and not started; next month's meetings
    are in a registered calendar; one of its members is attached to another cell and one visitor attends it."""
    home = Member.objects.select_related("cell").get(user__username="bithu").cell
    today = Meeting.objects.filter(cell=home, scheduled_at__date=as_of, kind="regular")
    assert today.count() == 1 and today.get().status == "planned" and today.get().preparer_id
    next_month = date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
    planned = Meeting.objects.filter(
        cell=home, scheduled_at__year=next_month.year, scheduled_at__month=next_month.month, status="planned"
    )
    assert planned.exists()
    assert AnnualCalendar.objects.get(cell=home, year=next_month.year).status == "registered"
    assert Attachment.objects.filter(member__cell=home).exists() and Attachment.objects.filter(host=home).exists()


@pytest.mark.django_db
def test_in_december_next_years_calendar_is_registered_and_the_demo_cell_meets_today():
    demo.build(profile="sample", seed=1, as_of=date(2026, 12, 6))  # a Sunday
    assert_ready_for_today(date(2026, 12, 6))
    assert_exempt_marks_have_an_exemption()


def assert_exempt_marks_have_an_exemption() -> None:
    """Every "exempt" attendance mark is a member's with an exemption on the meeting's day."""
    periods: dict[int, list[tuple[date, date | None]]] = {}
    for member_id, starts_on, ends_on in Exemption.objects.values_list("member_id", "starts_on", "ends_on"):
        periods.setdefault(member_id, []).append((starts_on, ends_on))
    marks = Attendance.objects.filter(status="exempt").values_list("member_id", "meeting__scheduled_at")
    assert marks.exists()
    for member_id, at in marks:
        day = timezone.localdate(at)
        assert any(s <= day and (e is None or day <= e) for s, e in periods.get(member_id, [])), (member_id, day)


@pytest.mark.django_db
@pytest.mark.frozen("2027-01-01 00:30")
def test_on_new_years_day_the_demo_seeds_and_the_demo_cell_meets_today():
    """On 1 January no meeting of the new year is held yet: a batch of cells with no closed meeting to score used to
    stop `make run` with an error."""
    counter = demo.build(profile="sample", seed=1, as_of=date(2027, 1, 1))
    assert counter.history.meetings > 0
    assert_ready_for_today(date(2027, 1, 1))
