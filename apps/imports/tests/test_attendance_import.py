"""Importing past attendance on the sample demo (a commune with a year of meetings, from December 2025): a cell's
paper register of 2025 holds the meetings it implies (January to November had none on record), writes the marks,
and the oversight figures show the year at once; December's meeting is on record, so its marks are unchanged or, if
they differ, refused. A second import of the same register writes nothing; the undo takes it all back."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from apps.imports.models import ImportBatch, ImportChange
from apps.imports.queries import batches as queries
from apps.imports.rules import attendance as rules
from apps.imports.rules.plan import CREATE, REFUSED, UNCHANGED, WARNING, Planned, SourceRow
from apps.imports.services import attendance, batches, changes, jobs
from apps.imports.services.context import PlanContext
from apps.imports.tests import flow
from apps.imports.tests.files import write_attendance
from apps.meetings.models import AnnualCalendar, Attendance, Meeting, MeetingRule
from apps.meetings.rules.holidays import holiday_checker
from apps.members.models import CellMembership, Exemption, Member
from apps.orgs.models import Organization
from apps.oversight.models import CellMonth
from apps.oversight.queries import figures
from apps.oversight.rules.periods import YEAR, Period
from apps.oversight.services import facts

AS_OF = flow.AS_OF  # 1 December 2026: the demo's history runs from December 2025
REGISTER_YEAR = 2025
CODE = {"present": "x", "late": "ĐM", "excused": "P", "unexcused": "K", "exempt": "MSH"}
COLUMNS = [(0, "STT"), (1, "Họ và tên"), (2, "Số thẻ đảng viên"), (3, "Ngày sinh")] + [
    (3 + m, f"T{m}") for m in range(1, 13)
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


def new_batch(who, into: Organization, *, year: int = REGISTER_YEAR, options=None) -> ImportBatch:
    return ImportBatch.objects.create(
        organization=into,
        kind="attendance",
        file="imports/test/so.xlsx",
        file_name="so.xlsx",
        sha256="0" * 64,
        uploaded_by=who,
        year=year,
        options=options or {},
    )


def plan(who, batch: ImportBatch, sources: list[SourceRow], columns=None) -> list[Planned]:
    context = PlanContext(
        batch=batch,
        user=who,
        organization=batch.organization,
        options=batch.options,
        today=timezone.localdate(),
        columns={"Sổ": columns or COLUMNS},
    )
    return list(attendance.plan(batch=batch, table_rows=sources, context=context))


def apply(who, batch: ImportBatch, planned: list[Planned]) -> None:
    attendance.apply(batch=batch, planned=[p for p in planned if p.fate == CREATE], user=who)


def register(members: list[Member], marks: dict[int, dict[int, str]], *, first_row: int = 5) -> list[SourceRow]:
    """A register's rows: STT, name, card number, birth date, then T1 … T12."""
    sources = []
    for number, member in enumerate(members, start=first_row):
        raw = (
            str(number - first_row + 1),
            member.full_name,
            member.card_number or "",
            member.date_of_birth.strftime("%d/%m/%Y"),
            *[marks.get(member.pk, {}).get(month) for month in range(1, 13)],
        )
        values = {"full_name": raw[1], "card_number": raw[2], "date_of_birth": raw[3]}
        sources.append(SourceRow("Sổ", number, values, {"raw": raw}))
    return sources


def whole_year_members(cell: Organization, year: int = REGISTER_YEAR) -> list[Member]:
    """Members of the cell all year, without an exemption that starts or ends within it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    stayed = CellMembership.objects.filter(cell=cell, joined_on__lte=start).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=end)
    )
    changing = Exemption.objects.filter(
        Q(starts_on__gt=start, starts_on__lte=end) | Q(ends_on__gte=start, ends_on__lt=end)
    )
    return list(
        Member.objects.filter(pk__in=stayed.values("member_id"))
        .exclude(pk__in=changing.values("member_id"))
        .order_by("full_name_search", "pk")
    )


def exempted(members: list[Member], year: int = REGISTER_YEAR) -> set[int]:
    return set(
        Exemption.objects.filter(member__in=members, starts_on__lte=date(year, 1, 1)).values_list(
            "member_id", flat=True
        )
    )


def december_meeting(cell: Organization) -> Meeting:
    return Meeting.objects.get(
        cell=cell, kind="regular", scheduled_at__gte=local(2025, 12, 1), scheduled_at__lt=local(2026, 1, 1)
    )


def local(year: int, month: int, day: int):
    return timezone.make_aware(datetime(year, month, day))


def paper_marks(members: list[Member], cell: Organization) -> dict[int, dict[int, str]]:
    """January to November: mostly present, a few late, absent with or without reason, the exempted exempt;
    December: what the record already holds."""
    exempt = exempted(members)
    held = dict(Attendance.objects.filter(meeting=december_meeting(cell)).values_list("member_id", "status"))
    marks: dict[int, dict[int, str]] = {}
    for i, member in enumerate(members):
        row = {}
        for month in range(1, 12):
            if member.pk in exempt:
                row[month] = "MSH"
            elif (i + month) % 9 == 0:
                row[month] = "P"
            elif (i * month) % 23 == 5:
                row[month] = "K"
            elif (i + 2 * month) % 17 == 0:
                row[month] = "ĐM"
            else:
                row[month] = "x"
        if member.pk in held:
            row[12] = CODE[held[member.pk]]
        marks[member.pk] = row
    return marks


def count(marks: dict[int, dict[int, str]], month: int, *codes: str) -> int:
    return sum(1 for row in marks.values() if row.get(month) in codes)


@pytest.mark.django_db
def test_a_past_years_register_holds_its_meetings_and_the_dashboards_show_the_year(demo):
    cell, secretary = flow.home_cell(), flow.user("bithu")
    members = whole_year_members(cell)
    assert len(members) >= 8
    marks = paper_marks(members, cell)
    december = december_meeting(cell)
    december_marks = Attendance.objects.filter(meeting=december).count()
    batch = new_batch(secretary, cell)
    planned = plan(secretary, batch, register(members, marks))
    assert [p for p in planned if p.fate == REFUSED] == []
    assert {p.fate for p in planned} == {CREATE}
    assert all(p.data["matched_by"] in ("card_number", "name_birth") for p in planned)
    assert not [p for p in planned if any(problem.level == WARNING for problem in p.problems)]
    written = sum(len(p.data["writes"]) for p in planned)
    assert written == sum(len([m for m in row if m < 12]) for row in marks.values())
    audited = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Attendance)).count()

    apply(secretary, batch, planned)

    held = Meeting.objects.filter(
        cell=cell, kind="regular", scheduled_at__gte=local(2025, 1, 1), scheduled_at__lt=local(2025, 12, 1)
    )
    assert held.count() == 11 and {m.status for m in held} == {"closed"}
    rule = MeetingRule.objects.get(cell=cell)
    calendar = AnnualCalendar.objects.get(cell=cell, year=2025)
    for meeting in held:
        day = timezone.localdate(meeting.scheduled_at)
        assert day == rules.meeting_day(2025, day.month, rule.day_of_month, holiday_checker(2025))
        assert meeting.calendar == calendar and meeting.started_at == meeting.scheduled_at
        assert meeting.ended_at - meeting.started_at == timedelta(minutes=90)
        assert meeting.agenda_items.exists()
    paper = Attendance.objects.filter(meeting__in=held, via="paper")
    assert paper.count() == written
    assert Attendance.objects.filter(meeting=december).count() == december_marks  # on record already: unchanged
    assert ImportChange.objects.filter(batch=batch, model="meetings.meeting", action="created").count() == 11
    assert ImportChange.objects.filter(batch=batch, model="meetings.attendance").count() == written
    audited_now = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Attendance)).count()
    assert audited_now - audited == written

    facts.refresh_stale()
    for month in (1, 6, 11):
        row = CellMonth.objects.get(cell=cell, month=date(2025, month, 1))
        assert row.regular_held == 1
        assert row.attendance_present == count(marks, month, "x", "ĐM")
        assert row.excused_absences == count(marks, month, "P")
        assert row.unexcused_absences == count(marks, month, "K")
    trend = dict(figures.trend(flow.user("canbo"), cell, Period(YEAR, 2025), today=AS_OF))
    january = trend[date(2025, 1, 1)]
    assert january["attendance_rate"] is not None and january["attendance_rate"] > 50

    again = new_batch(secretary, cell)
    replanned = plan(secretary, again, register(members, marks))
    assert {p.fate for p in replanned} == {UNCHANGED}
    apply(secretary, again, replanned)
    assert not ImportChange.objects.filter(batch=again).exists()
    assert Meeting.objects.filter(cell=cell, kind="regular", scheduled_at__year=2025).count() == 12

    assert queries.undo_blockers(batch) == []
    changes.reverse(batch)
    assert not held.all().exists() and not Attendance.objects.filter(via="paper", meeting__cell=cell).exists()


@pytest.mark.django_db
def test_a_mark_that_differs_from_a_held_meetings_record_is_refused(demo):
    cell, secretary = flow.home_cell(), flow.user("bithu")
    members = whole_year_members(cell)
    marks = paper_marks(members, cell)
    recorded = dict(Attendance.objects.filter(meeting=december_meeting(cell)).values_list("member_id", "status"))
    member = next(m for m in members if recorded.get(m.pk) == "present")
    marks[member.pk][12] = "K"
    planned = {p.target_pk: p for p in plan(secretary, new_batch(secretary, cell), register(members, marks))}
    refused = planned[member.pk]
    assert refused.fate == REFUSED
    day = timezone.localdate(december_meeting(cell).scheduled_at).strftime("%d/%m/%Y")
    assert "12" in refused.problems[0].message and day in refused.problems[0].message
    assert {p.fate for pk, p in planned.items() if pk != member.pk} == {CREATE}


@pytest.mark.django_db
def test_unknown_members_unreadable_marks_months_to_come_and_members_elsewhere_are_refused(demo):
    cell, secretary = flow.home_cell(), flow.user("bithu")
    first, second, third = whole_year_members(cell)[:3]
    stranger = Member(full_name="Người Không Có", card_number="47999999", date_of_birth=date(1970, 1, 1))
    sources = register([first, stranger], {first.pk: {1: "x", 3: "M"}})
    batch = new_batch(secretary, cell)
    planned = plan(secretary, batch, sources)
    assert [p.fate for p in planned] == [REFUSED, REFUSED]
    assert "G5" in planned[0].problems[0].message and "«M»" in planned[0].problems[0].message
    assert planned[1].problems[0].field == "full_name"

    # December 2026: the cell meets tonight (the demo's today is 1 December 2026, 09:00)
    coming = plan(secretary, new_batch(secretary, cell, year=2026), register([second], {second.pk: {12: "x"}}))
    assert coming[0].fate == REFUSED and "12" in coming[0].problems[0].message

    commune = flow.commune()
    moved = (
        CellMembership.objects.filter(
            cell__path__startswith=commune.path, joined_on__gt=date(2025, 3, 1), joined_on__lt=date(2025, 11, 1)
        )
        .select_related("member", "cell")
        .first()
    )
    assert moved is not None
    staff = flow.user("canbo")
    late = plan(
        staff,
        new_batch(staff, moved.cell),
        register([moved.member], {moved.member.pk: {1: "x", 12: ""}}),
    )
    assert late[0].fate == REFUSED and moved.cell.name in late[0].problems[0].message


@pytest.mark.django_db
def test_exempt_marks_follow_the_exemptions(demo):
    secretary = flow.user("quantri")  # the administrator: any cell of the district
    cells = Organization.objects.filter(kind="cell").order_by("path")
    cell = next(c for c in cells if exempted(whole_year_members(c)))  # a cell with a member exempted all year
    members = whole_year_members(cell)
    exempt = exempted(members)
    one = next(m for m in members if m.pk in exempt)
    other = next(m for m in members if m.pk not in exempt)
    planned = plan(
        secretary,
        new_batch(secretary, cell),
        register([one, other], {one.pk: {1: "MSH", 2: "x", 3: "K"}, other.pk: {1: "MSH", 2: "x"}}),
    )
    assert [p.fate for p in planned] == [CREATE, CREATE]  # warnings do not refuse
    assert [len([w for w in p.problems if w.level == WARNING]) for p in planned] == [1, 1]
    assert "3" in planned[0].problems[0].message


@pytest.mark.django_db
def test_a_planned_meeting_never_held_is_held_by_the_register_and_undone_with_it(demo):
    now = timezone.now()
    meeting = (
        Meeting.objects.filter(kind="regular", status="planned", scheduled_at__lt=now - timedelta(days=7))
        .filter(cell__path__startswith=flow.commune().path)
        .select_related("cell")
        .first()
    )
    assert meeting is not None, "the demo's weak cells skipped a meeting"
    day = timezone.localdate(meeting.scheduled_at)
    members = [m for m in whole_year_members(meeting.cell, day.year) if not exempted([m], day.year)][:4]
    staff = flow.user("canbo")
    batch = new_batch(staff, flow.commune(), year=day.year, options={"cell_id": meeting.cell_id})
    planned = plan(staff, batch, register(members, {m.pk: {day.month: "x"} for m in members}))
    assert {p.fate for p in planned} == {CREATE}
    apply(staff, batch, planned)
    meeting.refresh_from_db()
    assert meeting.status == "closed" and meeting.started_at == meeting.scheduled_at
    assert meeting.attendances.filter(via="paper").count() == len(members)
    change = ImportChange.objects.get(batch=batch, model="meetings.meeting")
    assert change.action == "updated" and change.before["status"] == "planned" and change.after["status"] == "closed"
    assert queries.undo_blockers(batch) == []
    changes.reverse(batch)
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.started_at is None
    assert not meeting.attendances.filter(via="paper").exists()


@pytest.mark.django_db
def test_attendance_is_imported_by_those_who_manage_the_cell(demo):
    cell, secretary = flow.home_cell(), flow.user("bithu")
    member = whole_year_members(cell)[0]
    sources = register([member], {member.pk: {1: "x"}})
    assert plan(secretary, new_batch(secretary, cell), sources)[0].fate == CREATE
    for where in (flow.sibling_cell(), flow.commune()):
        with pytest.raises(PermissionDenied):
            plan(secretary, new_batch(secretary, where), sources)
    outsider = flow.outsider()
    with pytest.raises(PermissionDenied):
        plan(outsider, new_batch(outsider, cell), sources)
    batch = new_batch(flow.user("canbo"), cell)
    planned = plan(flow.user("canbo"), batch, sources)
    with pytest.raises(PermissionDenied):  # the commit checks again
        attendance.apply(batch=batch, planned=planned, user=outsider)
    assert not Attendance.objects.filter(via="paper").exists()


@pytest.mark.django_db
def test_a_communes_register_file_through_the_pipeline(demo):
    commune, staff = flow.commune(), flow.user("canbo")
    cells = [flow.home_cell(), flow.sibling_cell()]
    rows = []
    for cell in cells:
        for member in whole_year_members(cell)[:3]:
            if exempted([member]):
                continue
            rows.append(
                {
                    "full_name": member.full_name,
                    "card_number": member.card_number or "",
                    "date_of_birth": member.date_of_birth,
                    "cell": cell.name,
                    "months": {1: "x", 2: "P", 3: "có mặt", 4: "K"},
                }
            )
    with tempfile.TemporaryDirectory() as folder:
        path = write_attendance(Path(folder) / "so-sinh-hoat.xlsx", rows, year=2025, months="two_row")
        upload = SimpleUploadedFile("so-sinh-hoat.xlsx", path.read_bytes())
    batch = batches.batch_upload(user=staff, organization=commune, kind="attendance", uploaded_file=upload, year=2025)
    jobs.batch_analyse(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING, batch.error
    batch = flow.preview(staff, batch)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert flow.fates(batch) == [CREATE] * len(rows), flow.problems(batch)
    batch = flow.commit(staff, batch)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    for cell in cells:
        held = Meeting.objects.filter(
            cell=cell,
            kind="regular",
            status="closed",
            scheduled_at__gte=local(2025, 1, 1),
            scheduled_at__lt=local(2025, 5, 1),
        )
        assert held.count() == 4
    marks = Attendance.objects.filter(via="paper", meeting__cell__in=cells)
    assert marks.count() == 4 * len(rows)
    assert marks.filter(status="excused").count() == len(rows) and marks.filter(status="present").count() == 2 * len(
        rows
    )
