from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.grading.models import AnnualRating, Discipline
from apps.grading.queries import grading as queries
from apps.grading.services import grading as services
from apps.meetings.models import Attendance
from apps.meetings.testing import make_meeting
from apps.members.models import Exemption
from apps.members.testing import add_member
from apps.resolutions.testing import make_resolution

YEAR = 2025


def _rating(world, member=None):
    return services.rating_create_for_member(member=member or world.plain_member, year=YEAR)


def test_exempted_member_is_not_graded(world):
    Exemption.objects.create(member=world.plain_member, starts_on=date(2025, 6, 1), reason="Tuổi cao")
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 1
    assert list(AnnualRating.objects.values_list("member", flat=True)) == [world.secretary_member.pk]
    with pytest.raises(ValidationError):
        _rating(world)


def test_exemption_ended_before_year_end_is_graded(world):
    Exemption.objects.create(
        member=world.plain_member, starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30), reason="Ốm"
    )
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 2
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 0  # idempotent


def test_inactive_member_is_not_graded(world):
    world.plain_member.active = False
    world.plain_member.save()
    with pytest.raises(ValidationError):
        _rating(world)


def test_committee_start_creates_cell_ratings(world):
    assert services.ratings_start(organization=world.commune_a, year=YEAR) == 2
    assert set(AnnualRating.objects.values_list("organization", flat=True)) == {world.cell_a1.pk, world.cell_a2.pk}
    assert all(r.is_collective and r.member_id is None for r in AnnualRating.objects.all())


def test_steps_in_order(world):
    rating = _rating(world)
    with pytest.raises(ValidationError):
        services.rating_appraise(rating=rating, user=world.secretary, points=80)
    with pytest.raises(ValidationError):
        services.rating_decide(rating=rating, user=world.staff, level="httnv")
    services.rating_self_assess(rating=rating, user=world.member_user, points=Decimal("85"), note="Tự đánh giá")
    assert (rating.status, rating.self_level) == ("self_assessed", "httnv")
    with pytest.raises(ValidationError):
        services.rating_decide(rating=rating, user=world.staff, level="httnv")
    services.rating_appraise(rating=rating, user=world.secretary, points=72)
    assert (rating.status, rating.appraisal_level) == ("appraised", "httnv")
    services.rating_decide(rating=rating, user=world.staff, level="htnv")
    rating.refresh_from_db()
    assert (rating.status, rating.decision_level, rating.level) == ("decided", "htnv", "htnv")
    with pytest.raises(ValidationError):
        services.rating_self_assess(rating=rating, user=world.member_user, points=95)


def test_only_own_member_self_assesses(world):
    rating = _rating(world)
    with pytest.raises(ValidationError):
        services.rating_self_assess(rating=rating, user=world.secretary, points=80)


def test_only_the_level_above_decides(world):
    rating = _rating(world)
    services.rating_self_assess(rating=rating, user=world.member_user, points=80)
    services.rating_appraise(rating=rating, user=world.secretary, points=80)
    for user in (world.secretary, world.member_user, world.supervisor, world.inspector, world.outsider):
        with pytest.raises(ValidationError):
            services.rating_decide(rating=rating, user=user, level="httnv")
    with pytest.raises(ValidationError):  # raising the level needs a reason
        services.rating_decide(rating=rating, user=world.staff, level="htxsnv")
    services.rating_decide(rating=rating, user=world.staff, level="httnv")


def test_organisation_rating_steps(world):
    rating = services.rating_create_for_organization(organization=world.cell_a1, year=YEAR)
    services.rating_self_assess(rating=rating, user=world.secretary, points=92)
    with pytest.raises(ValidationError):  # the cell cannot appraise itself
        services.rating_appraise(rating=rating, user=world.secretary, points=92)
    services.rating_appraise(rating=rating, user=world.staff, points=92)
    services.rating_decide(rating=rating, user=world.staff, level=rating.appraisal_level)
    assert rating.status == "decided"


def test_points_out_of_range(world):
    rating = _rating(world)
    with pytest.raises(ValidationError) as exc:
        services.rating_self_assess(rating=rating, user=world.member_user, points=101)
    assert "points" in exc.value.message_dict


def test_member_evidence(world):
    tz = timezone.get_current_timezone()
    for month, status in ((3, "present"), (4, "unexcused"), (5, "exempt")):
        meeting = make_meeting(world.cell_a1, when=datetime(YEAR, month, 5, 19, 30, tzinfo=tz))
        Attendance.objects.create(meeting=meeting, member=world.plain_member, status=status)
    make_resolution(world.cell_a1, tasks=2, targets=0, lead=world.plain_member, deadline=date(YEAR, 6, 30))
    Discipline.objects.create(
        member=world.plain_member, organization=world.cell_a1, on=date(YEAR, 7, 1), form="Khiển trách"
    )
    evidence = queries.evidence_for_member(world.plain_member, YEAR)
    assert evidence["meetings"] == 2  # the exempt meeting does not count
    assert evidence["attendance_percent"] == 50.0
    assert evidence["unexcused"] == 1
    assert (evidence["tasks_total"], evidence["tasks_late"], evidence["tasks_done"]) == (2, 2, 0)
    assert evidence["disciplined"] is True
    rating = _rating(world)
    services.rating_self_assess(rating=rating, user=world.member_user, points=95)
    assert rating.self_level == "khtnv"  # disciplined in the year


def test_cell_evidence(world):
    resolution = make_resolution(world.cell_a1, tasks=1, targets=2, deadline=date(YEAR, 3, 31))
    task = resolution.tasks.get()
    task.completed_on = date(YEAR, 3, 1)
    task.save()
    targets = list(resolution.targets.all())
    for target in targets:
        target.period_start, target.period_end = date(YEAR, 1, 1), date(YEAR, 12, 31)
        target.save()
    targets[0].actuals.create(on=date(YEAR, 6, 1), value=targets[0].value - 1)
    targets[0].actuals.create(on=date(YEAR, 9, 1), value=targets[0].value + 1)
    Discipline.objects.create(
        member=world.plain_member, organization=world.cell_a1, on=date(YEAR, 7, 1), form="Khiển trách"
    )
    evidence = queries.evidence_for_cell(world.cell_a1, YEAR)
    assert (evidence["tasks_total"], evidence["tasks_done"], evidence["tasks_late"]) == (1, 1, 0)
    assert (evidence["targets_total"], evidence["targets_met"], evidence["targets_exceeded"]) == (2, 1, 1)
    assert evidence["members_disciplined"] == 1 and evidence["disciplined"] is False
    assert evidence["meeting_levels"] == [] and evidence["meeting_quality_year"] is None  # nothing scored yet


def test_second_member_added_is_graded(world):
    add_member(world.cell_a1, full_name="Đỗ Văn Mới")
    assert services.ratings_start(organization=world.cell_a1, year=YEAR) == 3
