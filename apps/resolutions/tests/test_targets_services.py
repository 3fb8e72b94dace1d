"""Targets: defining them while the resolution can change, recording actuals (one per date, the newest is the
latest), the figures and roll-ups per resolution and per organisation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.members.testing import grant
from apps.resolutions.models import Resolution, Target, TargetActual
from apps.resolutions.queries import targets as queries_targets
from apps.resolutions.rules import follow as rules
from apps.resolutions.services import follow as services_follow
from apps.resolutions.services import targets as services_targets
from apps.resolutions.testing import make_resolution

D = Decimal


def add_target(resolution, *, value="200", direction="at_least", title="Thu ngân sách", unit="triệu đồng"):
    today = timezone.localdate()
    return services_targets.target_create(
        resolution=resolution,
        title=title,
        unit=unit,
        value=D(value),
        direction=direction,
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=300),
    )


@pytest.fixture
def resolution(world):
    return make_resolution(world.cell_a1, targets=0)


@pytest.mark.django_db
def test_a_target_belongs_to_the_resolutions_organisation(world, resolution):
    target = add_target(resolution, title="Thu\u0303 ngân sách ")  # decomposed input is stored in NFC
    assert target.organization_id == world.cell_a1.pk and target.title == "Thũ ngân sách"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("value", {"value": D("-1")}),
        ("direction", {"direction": "about"}),
        ("title", {"title": "  "}),
        ("unit", {"unit": ""}),
        ("period_end", {"period_start": date(2026, 5, 1), "period_end": date(2026, 4, 1)}),
    ],
)
def test_invalid_targets_are_refused_by_field(world, resolution, field, changes):
    data = {
        "title": "Kết nạp đảng viên",
        "unit": "người",
        "value": D("2"),
        "direction": "at_least",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        **changes,
    }
    with pytest.raises(ValidationError) as exc:
        services_targets.target_create(resolution=resolution, **data)
    assert field in exc.value.message_dict
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_targets_of_a_superseded_version_cannot_change_but_actuals_still_come_in(world, resolution):
    target = add_target(resolution)
    services_follow.resolution_amend(
        resolution=resolution, reason="Điều chỉnh theo ý kiến nhân dân", adopted_on=timezone.localdate(), by=None
    )
    resolution.refresh_from_db()
    with pytest.raises(ValidationError):
        add_target(resolution)
    with pytest.raises(ValidationError):
        services_targets.target_update(
            target=target,
            title="Khác",
            unit="%",
            value=D("1"),
            direction="at_most",
            period_start=target.period_start,
            period_end=target.period_end,
        )
    services_targets.target_actual_record(target=target, on=timezone.localdate(), value=D("10"), by=world.secretary)
    assert TargetActual.objects.filter(target=target).count() == 1


@pytest.mark.django_db
def test_update_changes_the_target(world, resolution):
    target = add_target(resolution)
    services_targets.target_update(
        target=target,
        title="Vắng không lý do",
        unit="lượt",
        value=D("2"),
        direction="at_most",
        period_start=target.period_start,
        period_end=target.period_end,
    )
    target.refresh_from_db()
    assert (target.title, target.direction, target.value) == ("Vắng không lý do", "at_most", D("2"))


@pytest.mark.django_db
def test_one_actual_per_date_and_the_newest_date_is_the_latest(world, resolution):
    target = add_target(resolution)
    today = timezone.localdate()
    services_targets.target_actual_record(target=target, on=today - timedelta(days=30), value=D("120"), by=None)
    services_targets.target_actual_record(target=target, on=today, value=D("230"), by=world.secretary)
    services_targets.target_actual_record(target=target, on=today - timedelta(days=10), value=D("180"), by=None)
    # recorded later but dated earlier: not the latest
    (row,), rollup = queries_targets.resolution_targets(world.secretary, resolution)
    assert (row.actual, row.actual_on, row.share, row.outcome) == (D("230"), today, D("115.0"), rules.EXCEEDED)
    # the same date again corrects the value, it does not add a row
    services_targets.target_actual_record(target=target, on=today, value=D("231"), note="Số liệu quý", by=None)
    assert TargetActual.objects.filter(target=target).count() == 3
    (row,), rollup = queries_targets.resolution_targets(world.secretary, resolution)
    assert (row.actual, row.share, row.actual_note) == (D("231"), D("115.5"), "Số liệu quý")
    assert rollup == rules.Rollup(exceeded=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset_days", "value", "field"),
    [(1, "5", "on"), (-61, "5", "on"), (0, "-1", "value")],
)
def test_invalid_actuals_are_refused(world, resolution, offset_days, value, field):
    target = add_target(resolution)
    with pytest.raises(ValidationError) as exc:
        services_targets.target_actual_record(
            target=target, on=timezone.localdate() + timedelta(days=offset_days), value=D(value), by=None
        )
    assert field in exc.value.message_dict
    assert not TargetActual.objects.exists()


@pytest.mark.django_db
def test_resolution_rollup_counts_each_outcome(world, resolution):
    today = timezone.localdate()
    for value, direction, actual in [
        ("100", "at_least", "120"),  # exceeded
        ("100", "at_least", "100"),  # met
        ("100", "at_least", "80"),  # missed
        ("2", "at_most", "0"),  # exceeded, no share
        ("0", "at_least", None),  # no data
    ]:
        target = add_target(resolution, value=value, direction=direction)
        if actual is not None:
            services_targets.target_actual_record(target=target, on=today, value=D(actual), by=None)
    rows, rollup = queries_targets.resolution_targets(world.secretary, resolution)
    assert [r.outcome for r in rows] == [rules.EXCEEDED, rules.MET, rules.MISSED, rules.EXCEEDED, rules.NO_DATA]
    assert [r.share for r in rows] == [D("120.0"), D("100.0"), D("80.0"), None, None]
    assert rollup == rules.Rollup(exceeded=2, met=1, missed=1, no_data=1)


@pytest.mark.django_db
def test_org_rollup_groups_by_sub_organisation_for_the_year(world):
    today = timezone.localdate()
    year = today.year
    a1 = make_resolution(world.cell_a1, targets=0, title="NQ chi bộ 21")
    a2 = make_resolution(world.cell_a2, targets=0, title="NQ Thôn Đông")
    commune = make_resolution(world.commune_a, targets=0, title="NQ Đảng ủy xã")
    draft = make_resolution(world.cell_a1, targets=0, title="Dự thảo")
    Resolution.objects.filter(pk=draft.pk).update(status=Resolution.Status.DRAFT)
    b1 = make_resolution(world.cell_b1, targets=0, title="NQ Khu 3")
    for res, actual in [(a1, "120"), (a2, "50"), (commune, "100"), (draft, "100"), (b1, "100")]:
        target = add_target(res, value="100")
        services_targets.target_actual_record(target=target, on=today, value=D(actual), by=None)
    # a target of another year is left out
    Target.objects.create(
        resolution=a1,
        organization=world.cell_a1,
        title="Năm trước",
        unit="%",
        value=D("1"),
        period_start=date(year - 1, 1, 1),
        period_end=date(year - 1, 12, 31),
    )
    page = queries_targets.org_targets(world.staff, world.commune_a, year=year)
    assert [g.organization.name for g in page.groups] == ["Đảng bộ xã An", "Chi bộ 21", "Chi bộ Thôn Đông"]
    assert [g.rollup for g in page.groups] == [rules.Rollup(met=1), rules.Rollup(exceeded=1), rules.Rollup(missed=1)]
    assert page.rollup == rules.Rollup(exceeded=1, met=1, missed=1)
    assert [rg.resolution.title for rg in page.groups[1].resolutions] == ["NQ chi bộ 21"]
    # the province sees both communes, each rolled up with its subtree
    page = queries_targets.org_targets(world.staff, world.commune_a, year=year - 1)
    assert page.rollup == rules.Rollup(no_data=1)


@pytest.mark.django_db
def test_org_rollup_of_the_province_rolls_communes_up(world, django_user_model):
    admin = django_user_model.objects.create_user("tinh", password="x")
    grant(admin, world.province, "committee_staff")
    today = timezone.localdate()
    for cell, actual in [(world.cell_a1, "120"), (world.cell_a2, "90"), (world.cell_b1, "100")]:
        target = add_target(make_resolution(cell, targets=0), value="100")
        services_targets.target_actual_record(target=target, on=today, value=D(actual), by=None)
    page = queries_targets.org_targets(admin, world.province, year=today.year)
    assert [(g.organization.name, g.rollup) for g in page.groups] == [
        ("Đảng bộ xã An", rules.Rollup(exceeded=1, missed=1)),
        ("Đảng bộ xã Bình", rules.Rollup(met=1)),
    ]
    # the latest actual is taken as of the year's end
    target = Target.objects.get(organization=world.cell_b1)
    TargetActual.objects.create(target=target, on=date(today.year + 1, 1, 15), value=D("10"))
    page = queries_targets.org_targets(admin, world.province, year=today.year)
    assert page.groups[1].rollup == rules.Rollup(met=1)
