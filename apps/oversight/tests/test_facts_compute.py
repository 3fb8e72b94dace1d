"""The cell-month facts on small worlds whose answers are worked out by hand (apps/oversight/queries/facts.py).

The clock stands at 1 December 2026 (apps.common.testing.FROZEN_AT); the month under test is November 2026."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.grading.models import AnnualRating, GradingRule
from apps.meetings.models import Attendance, Meeting, Speech
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.services import dues as dues_services
from apps.members.services import member as member_services
from apps.members.testing import MemberFactory, add_member
from apps.orgs.services import tree as org_services
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, OrgYear
from apps.oversight.queries.facts import compute_cell_months, compute_org_years
from apps.oversight.rules import figures
from apps.oversight.services import facts
from apps.quality.models import MeetingScore
from apps.quality.queries.metrics import meeting_metrics
from apps.quality.testing import attach_small_rubric
from apps.resolutions.models import Resolution, Target, TargetActual, Task
from apps.resolutions.testing import make_resolution

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)
PRESENT, LATE, EXCUSED, UNEXCUSED = "present", "late", "excused", "unexcused"


def at(day: int, hour: int = 19, minute: int = 30, month: int = 11) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def figures_of(cell, month: date = NOV) -> dict:
    (row,) = compute_cell_months([(cell.pk, month)])
    return {name: getattr(row, name) for name in (*FLOW_FIELDS, *STOCK_FIELDS)}


def hold(meeting: Meeting, marks: dict, speakers=(), *, started: datetime | None = None) -> Meeting:
    """Record the meeting as held: the marks (member → status), the speakers, closed with its start."""
    for member, status in marks.items():
        Attendance.objects.create(
            meeting=meeting, member=member, status=status, reason="Ốm" if status == EXCUSED else ""
        )
    item = meeting.agenda_items.order_by("position").first()
    for position, member in enumerate(speakers, start=1):
        Speech.objects.create(meeting=meeting, agenda_item=item, member=member, position=position, spoken=True)
    meeting.status = Meeting.Status.CLOSED
    meeting.started_at = started or meeting.scheduled_at
    meeting.ended_at = meeting.started_at + timedelta(minutes=100)
    meeting.save()
    return meeting


def members(cell, count: int, prefix: str) -> list[Member]:
    return [add_member(cell, full_name=f"{prefix} {i}") for i in range(count)]


def test_a_commune_of_three_cells_attends_exactly_85_percent(world):
    """Commune A with cells A1, A2 and a new A3, each meeting on 5 November:

    A1: 8 members, one exempted since October (not marked: left out of the base). 6 present, 1 absent without
        reason → expected 7, present 6; 3 speakers.
    A2: 8 members, one attached to A3 for November (not marked here: left out). 5 present, 1 late (counts as
        present), 1 absent with reason → expected 7, present 6; 2 speakers.
    A3: 6 members, 5 present, 1 absent with reason → expected 6, present 5; 2 speakers. The member attached from A2
        comes and speaks: A3 does not count them (not its member), A2 does not either (not its meeting).
    Commune: present 6 + 6 + 5 = 17 of expected 7 + 7 + 6 = 20 → 85.0 %; speakers 7 of 17 attendees → 41.2 %;
    1 absence without reason, 2 with reason."""
    a3 = org_services.organization_create(parent=world.commune_a, kind="cell", code="XA3", name="Chi bộ Khu 5")
    a1 = [world.secretary_member, world.plain_member, *members(world.cell_a1, 5, "Một")]
    exempted = add_member(world.cell_a1, full_name="Cụ Miễn")
    member_services.exemption_add(member=exempted, starts_on=date(2026, 10, 1), ends_on=None, reason="Tuổi cao")
    a2 = [world.a2_member, *members(world.cell_a2, 6, "Hai")]
    attached = add_member(world.cell_a2, full_name="Đi Xa")
    member_services.attachment_add(
        member=attached, host=a3, starts_on=NOV, ends_on=date(2026, 11, 30), reason="Học lớp trung cấp"
    )
    a3_members = members(a3, 6, "Ba")

    m1 = hold(make_meeting(world.cell_a1, when=at(5)), {**dict.fromkeys(a1[:6], PRESENT), a1[6]: UNEXCUSED}, a1[:3])
    m2 = hold(
        make_meeting(world.cell_a2, when=at(5)),
        {**dict.fromkeys(a2[:5], PRESENT), a2[5]: LATE, a2[6]: EXCUSED},
        a2[:2],
    )
    m3 = hold(
        make_meeting(a3, when=at(5)),
        {**dict.fromkeys(a3_members[:5], PRESENT), a3_members[5]: EXCUSED, attached: PRESENT},
        [*a3_members[:2], attached],
    )

    got = {cell.pk: figures_of(cell) for cell in (world.cell_a1, world.cell_a2, a3)}
    by_hand = {
        world.cell_a1.pk: (7, 6, 1, 0, 6, 3),
        world.cell_a2.pk: (7, 6, 0, 1, 6, 2),
        a3.pk: (6, 5, 0, 1, 5, 2),
    }
    names = ("attendance_expected", "attendance_present", "unexcused_absences", "excused_absences")
    names += ("attendees", "speakers")
    for cell_id, expected in by_hand.items():
        assert tuple(got[cell_id][n] for n in names) == expected
    # The same numbers as each meeting's own metrics (the score's).
    for meeting in (m1, m2, m3):
        metrics = meeting_metrics(meeting)
        assert tuple(got[meeting.cell_id][n] for n in names) == tuple(metrics[n] for n in names)
    commune = figures.compute_all(figures.add(got.values()), closed=True)
    assert commune["attendance_rate"] == 85.0
    assert commune["speaking_share"] == 41.2
    assert (commune["unexcused_absences"], commune["excused_absences"]) == (1, 2)
    assert (commune["meetings_held"], commune["sittings_held"]) == (3, 3)
    # Members at the end of November: the exempted and the attached member are still their cells' members.
    assert (got[world.cell_a1.pk]["members_official"], got[world.cell_a1.pk]["members_exempt"]) == (8, 1)
    assert (got[world.cell_a2.pk]["members_official"], got[world.cell_a2.pk]["members_attached_out"]) == (8, 1)
    assert (got[a3.pk]["members_official"], got[a3.pk]["members_attached_out"]) == (6, 0)
    assert figures_of(world.cell_a2, OCT)["members_attached_out"] == 0


def test_a_combined_session_is_one_sitting_and_one_meeting_of_each_kind(world):
    """November in A1: a regular and a thematic meeting in one sitting on the 5th (both on time); a thematic
    meeting on the 20th, cancelled; a regular meeting on the 25th that started the next day; a regular meeting on
    the 28th not held; a board meeting (not counted); a meeting at 00:30 on 1 November (17:30 UTC on 31 October:
    November's) and one at 06:30 on 1 December (still 30 November in UTC: December's).
    → regular planned 4, held 3, on time 2; thematic planned 2, held 1, on time 1; sittings 3."""
    cell = world.cell_a1
    hold(make_meeting(cell, when=at(5)), {})
    hold(make_meeting(cell, kind="thematic", when=at(5)), {})
    cancelled = make_meeting(cell, kind="thematic", when=at(20))
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    hold(make_meeting(cell, when=at(25)), {}, started=at(26))
    make_meeting(cell, when=at(28))
    make_meeting(cell, kind="board", when=at(3))
    hold(make_meeting(cell, when=at(1, hour=0)), {})
    make_meeting(cell, when=at(1, hour=6, month=12))

    got = figures_of(cell)
    assert (got["regular_planned"], got["regular_held"], got["regular_on_time"]) == (4, 3, 2)
    assert (got["thematic_planned"], got["thematic_held"], got["thematic_on_time"]) == (2, 1, 1)
    assert got["sittings_held"] == 3
    assert figures_of(cell, date(2026, 12, 1))["regular_planned"] == 1
    assert figures_of(cell, OCT)["regular_planned"] == 0
    summed = figures.compute_all(got, closed=True)
    assert (summed["meetings_planned"], summed["meetings_held"], summed["sittings_held"]) == (6, 4, 3)


def test_meetings_by_their_final_quality_level(world):
    """Four held meetings: proposed Good; proposed Good, overridden to Fairly good and confirmed; proposed Average;
    none. A fifth, not held, has no bearing. → tot 1, kha 1, tb 1, unscored 1; two scores not confirmed."""
    cell = world.cell_a1
    rubric = attach_small_rubric(cell)
    held = [hold(make_meeting(cell, when=at(day)), {}) for day in (3, 10, 17, 24)]
    make_meeting(cell, when=at(29))
    now = timezone.now()
    MeetingScore.objects.create(meeting=held[0], rubric=rubric, result={"level": "tot"}, proposed_at=now)
    MeetingScore.objects.create(
        meeting=held[1],
        rubric=rubric,
        result={"level": "tot"},
        override_result={"level": "kha"},
        override_reason="Chưa đủ thời lượng",
        proposed_at=now,
        confirmed_at=now,
    )
    MeetingScore.objects.create(meeting=held[2], rubric=rubric, result={"level": "trung_binh"}, proposed_at=now)
    got = figures_of(cell)
    quality = ("quality_tot", "quality_kha", "quality_tb", "quality_kem", "quality_unscored", "scores_unconfirmed")
    assert tuple(got[n] for n in quality) == (1, 1, 1, 0, 1, 2)


def test_tasks_by_deadline_done_on_time_late_or_open(world):
    """The cell's tasks due in November: done the day before (on time), done two days late, open, dropped (left
    out), done on the deadline of the 30th (on time), and a committee's task given to the cell done late. A task of
    a draft resolution and one due in December are not November's. → due 5: on time 2, late 2, open 1."""
    cell = world.cell_a1
    resolution = make_resolution(cell, tasks=0, targets=0)
    draft = make_resolution(cell, tasks=0, targets=0)
    Resolution.objects.filter(pk=draft.pk).update(status=Resolution.Status.DRAFT)
    directive = make_resolution(world.commune_a, tasks=0, targets=0)

    def task(deadline: date, completed_on=None, *, of=resolution, dropped=""):
        Task.objects.create(
            resolution=of,
            organization=cell,
            title="Vận động hội viên",
            deadline=deadline,
            completed_on=completed_on,
            dropped_reason=dropped,
        )

    task(date(2026, 11, 10), date(2026, 11, 9))
    task(date(2026, 11, 10), date(2026, 11, 12))
    task(date(2026, 11, 10))
    task(date(2026, 11, 10), dropped="Không còn phù hợp")
    task(date(2026, 11, 30), date(2026, 11, 30))
    task(date(2026, 11, 15), date(2026, 11, 20), of=directive)
    task(date(2026, 11, 10), of=draft)
    task(date(2026, 12, 3))
    got = figures_of(cell)
    assert (got["tasks_due"], got["tasks_done_on_time"], got["tasks_done_late"], got["tasks_open"]) == (5, 2, 2, 1)
    summed = figures.compute_all(got, closed=True)
    assert (summed["tasks_done"], summed["tasks_late"]) == (4, 3)  # the open one is late once November is over


def test_targets_by_the_outcome_of_their_latest_actual(world):
    """Targets ending in November: at least 10, actuals 8 (10 Nov) then 12 (30 Nov, recorded first) → exceeded;
    at least 5, actual 5 → met; at most 2 (unexcused absences), actual 3 → missed; no actual → unknown. A draft's
    target and one ending in October are not counted."""
    cell = world.cell_a1
    resolution = make_resolution(cell, tasks=0, targets=0)
    draft = make_resolution(cell, tasks=0, targets=0)
    Resolution.objects.filter(pk=draft.pk).update(status=Resolution.Status.DRAFT)

    def target(value, *actuals, direction="at_least", of=resolution, end=date(2026, 11, 30)):
        row = Target.objects.create(
            resolution=of,
            organization=cell,
            title="Chỉ tiêu",
            unit="hộ",
            value=Decimal(value),
            direction=direction,
            period_start=date(2026, 9, 1),
            period_end=end,
        )
        for on, actual in actuals:
            TargetActual.objects.create(target=row, on=on, value=Decimal(actual))

    target("10", (date(2026, 11, 30), "12"), (date(2026, 11, 10), "8"))
    target("5", (date(2026, 11, 30), "5"))
    target("2", (date(2026, 11, 30), "3"), direction="at_most")
    target("4")
    target("1", (date(2026, 11, 30), "9"), of=draft)
    target("1", (date(2026, 10, 31), "9"), end=date(2026, 10, 31))
    got = figures_of(cell)
    outcomes = ("targets_exceeded", "targets_met", "targets_missed", "targets_unknown")
    assert tuple(got[n] for n in outcomes) == (1, 1, 1, 1)
    assert figures.compute_all(got, closed=True)["targets_achieved_share"] == 66.7


def test_admissions_confirmations_transfers_and_the_members_at_the_months_end(world):
    """November: A2's member moves to A1 on the 10th; a member is admitted to A1 on the 5th; a member transferred
    in from outside the system joins A2 on the 20th (admitted long ago elsewhere: no admission here); A1's
    probationary member of November 2025 is made official on the 3rd; B1's member moves out of the system on the
    15th; A1's plain member is exempted from 10 October; A1's secretary is attached to A2 for November."""
    a1, a2, b1 = world.cell_a1, world.cell_a2, world.cell_b1
    probationary = member_services.member_create(
        cell=a1,
        member=MemberFactory.build(
            full_name="Lý Dự Bị", status="probationary", official_on=None, admitted_on=date(2025, 11, 3)
        ),
        joined_on=date(2025, 11, 3),
    )
    member_services.member_transfer(member=world.a2_member, to_cell=a1, on=date(2026, 11, 10))
    member_services.member_create(
        cell=a1,
        member=MemberFactory.build(
            full_name="Mới Kết Nạp", status="probationary", official_on=None, admitted_on=date(2026, 11, 5)
        ),
        joined_on=date(2026, 11, 5),
    )
    member_services.member_create(
        cell=a2, member=MemberFactory.build(full_name="Từ Nơi Khác"), joined_on=date(2026, 11, 20), joined_from="Xã Y"
    )
    probationary.status, probationary.official_on = "official", date(2026, 11, 3)
    member_services.member_update(member=probationary)
    member_services.member_transfer_out(member=world.b1_member, on=date(2026, 11, 15), to_organization="Tỉnh Z")
    member_services.exemption_add(member=world.plain_member, starts_on=date(2026, 10, 10), ends_on=None, reason="Ốm")
    member_services.attachment_add(
        member=world.secretary_member, host=a2, starts_on=NOV, ends_on=date(2026, 11, 30), reason="Công tác"
    )

    flows = ("admitted", "confirmed", "transferred_in", "transferred_out", "removed")
    stock = ("members_official", "members_probationary", "members_exempt", "members_attached_out")
    a1_nov, a2_nov, b1_nov = figures_of(a1), figures_of(a2), figures_of(b1)
    assert tuple(a1_nov[n] for n in flows) == (1, 1, 1, 0, 0)
    assert tuple(a1_nov[n] for n in stock) == (4, 1, 1, 1)  # secretary, plain, moved in, made official; admitted
    assert tuple(a2_nov[n] for n in flows) == (0, 0, 1, 1, 0)
    assert tuple(a2_nov[n] for n in stock) == (1, 0, 0, 0)  # only the member from outside
    assert tuple(b1_nov[n] for n in flows) == (0, 0, 0, 1, 0)
    assert tuple(b1_nov[n] for n in stock) == (0, 0, 0, 0)
    a1_oct, a2_oct = figures_of(a1, OCT), figures_of(a2, OCT)
    assert tuple(a1_oct[n] for n in (*flows, *stock)) == (0, 0, 0, 0, 0, 2, 1, 1, 0)
    assert tuple(a2_oct[n] for n in stock) == (1, 0, 0, 0)
    assert figures.compute_all(a1_nov, closed=True)["members_total"] == 5


def test_dues_of_the_month_counted_where_the_member_was(world):
    """A1's November: paid 50 000, reduced 20 000, exempt, unpaid → 3 owing, 2 paid, 70 000 collected. A2's member
    moved to A1 in December paid November in A2: counted in A2."""
    a1 = world.cell_a1
    extra = add_member(a1, full_name="Thêm")
    another = add_member(a1, full_name="Thêm nữa")
    entries = [
        dues_services.DuesEntry(world.secretary_member, "paid", Decimal(50_000)),
        dues_services.DuesEntry(world.plain_member, "reduced", Decimal(20_000), note="Khó khăn"),
        dues_services.DuesEntry(extra, "exempt", None, note="Trên 50 năm tuổi đảng"),
        dues_services.DuesEntry(another, "unpaid", None),
    ]
    dues_services.dues_record_month(cell=a1, month=NOV, entries=entries)
    dues_services.dues_record_month(
        cell=world.cell_a2, month=NOV, entries=[dues_services.DuesEntry(world.a2_member, "paid", Decimal(30_000))]
    )
    member_services.member_transfer(member=world.a2_member, to_cell=a1, on=date(2026, 12, 1))
    got, a2 = figures_of(a1), figures_of(world.cell_a2)
    assert (got["dues_payers"], got["dues_paid"], got["dues_collected"]) == (3, 2, Decimal(70_000))
    assert (a2["dues_payers"], a2["dues_paid"], a2["dues_collected"]) == (1, 1, Decimal(30_000))
    assert figures.compute_all(figures.add([got, a2]), closed=True)["dues_paid_share"] == 75.0


def test_an_organisation_that_is_not_a_cell_has_no_month(world):
    assert compute_cell_months([(world.commune_a.pk, NOV), (world.cell_a1.pk, NOV)])[0].cell_id == world.cell_a1.pk
    assert facts.refresh([(world.commune_a.pk, NOV)]) == 0
    assert not CellMonth.objects.filter(cell=world.commune_a).exists()


@pytest.mark.parametrize("size", [1, 3])
def test_a_batch_costs_the_same_queries_whatever_its_size(world, size, django_assert_max_num_queries):
    """25 queries for a batch with held meetings (10 + the 15 of the quality metrics), with 1 or 3 cells, one
    month or several, a few members or many."""
    cells = [world.cell_a1, world.cell_a2, world.cell_b1][:size]
    for cell in cells:
        people = members(cell, 2 * size, cell.code)
        for month in (10, 11):
            hold(make_meeting(cell, when=at(5, month=month)), dict.fromkeys(people, PRESENT), people[:1])
            member_services.exemption_add(
                member=people[month - 10], starts_on=date(2026, month, 1), ends_on=None, reason="Ốm"
            )
    pairs = [(cell.pk, month) for cell in cells for month in (OCT, NOV)]
    with django_assert_max_num_queries(25):
        rows = compute_cell_months(pairs)
    assert len(rows) == 2 * size and all(row.regular_held == 1 for row in rows)


def test_grades_of_a_year_each_subject_at_its_own_level(world):
    """The tree: province T > commune A (a committee directly above cells A1, A2: a grassroots organisation) and
    commune B; T > "Đảng bộ cơ sở" of a school (labelled: grassroots) > "Đảng bộ bộ phận" (under a grassroots
    organisation: not one) > a cell; T > a police cell labelled "Chi bộ cơ sở" (a grassroots organisation itself).

    Ratings of 2026: in A1 two members decided (HTTNV, HTXSNV), one appraised, one drafted; A1's own rating decided
    HTTNV; commune A's decided HTXSNV; the province's a draft; one collective rating for each other organisation."""
    province = world.province
    school = org_services.organization_create(
        parent=province, kind="committee", code="TR", name="Đảng bộ Trường", level_label="Đảng bộ cơ sở"
    )
    part = org_services.organization_create(
        parent=school, kind="committee", code="TRK", name="Đảng bộ Khoa", level_label="Đảng bộ bộ phận"
    )
    part_cell = org_services.organization_create(parent=part, kind="cell", code="TRK1", name="Chi bộ Khoa Toán")
    police = org_services.organization_create(
        parent=province, kind="cell", code="CA", name="Chi bộ Công an", level_label="Chi bộ cơ sở"
    )
    rule = GradingRule.objects.order_by("pk").first()

    def rate(org, member=None, status="draft", level=""):
        AnnualRating.objects.create(
            organization=org,
            member=member,
            is_collective=member is None,
            year=2026,
            rule=rule,
            status=status,
            decision_level=level,
        )

    a1 = world.cell_a1
    rate(a1, world.secretary_member, "decided", "httnv")
    rate(a1, world.plain_member, "decided", "htxsnv")
    rate(a1, add_member(a1, full_name="Thẩm Định"), "appraised")
    rate(a1, add_member(a1, full_name="Mới Tự Đánh Giá"))
    rate(a1, status="decided", level="httnv")
    rate(world.commune_a, status="decided", level="htxsnv")
    for org in (province, school, part, part_cell, police):
        rate(org)

    expected = {  # org: (htxsnv, httnv, not decided, own level, is_cell, is_grassroots)
        a1: (1, 1, 2, "httnv", True, False),
        world.commune_a: (0, 0, 0, "htxsnv", False, True),
        province: (0, 0, 0, "", False, False),
        school: (0, 0, 0, "", False, True),
        part: (0, 0, 0, "", False, False),
        part_cell: (0, 0, 0, "", True, False),
        police: (0, 0, 0, "", True, True),
    }

    def shape(row):
        return (
            row.members_htxsnv,
            row.members_httnv,
            row.members_not_decided,
            row.own_level,
            row.is_cell,
            row.is_grassroots,
        )

    computed = {row.organization_id: shape(row) for row in compute_org_years((org.pk, 2026) for org in expected)}
    assert computed == {org.pk: values for org, values in expected.items()}
    kept = {row.organization_id: shape(row) for row in OrgYear.objects.filter(year=2026)}  # kept by the ratings
    assert kept == computed
    assert compute_org_years([(world.commune_b.pk, 2026), (a1.pk, 2025)]) == []  # no ratings: no row

    # A cell created directly under the province: the province is now directly above a cell (its grassroots).
    org_services.organization_create(parent=province, kind="cell", code="TC1", name="Chi bộ Cơ quan Tỉnh")
    assert OrgYear.objects.get(organization=province, year=2026).is_grassroots
    # The province relabelled "cơ sở": the commune below is no longer a grassroots organisation; the school, labelled
    # itself, still is (the nearest labelled node is a cell's grassroots organisation).
    province.level_label = "Đảng bộ cơ sở"
    province.save()
    assert not OrgYear.objects.get(organization=world.commune_a, year=2026).is_grassroots
    assert OrgYear.objects.get(organization=school, year=2026).is_grassroots
