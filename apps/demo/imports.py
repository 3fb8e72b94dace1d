"""The demo's import history (issue 14, docs/imports.md): what a newcomer finds on the imports page of the demo
commune — each import with its page, its rows with their fate and reasons, the text the converter repaired and the
original file.

- **The commune's member list, imported a year ago** by the committee staff (`canbo`), a few days before the
  history begins: an .xlsx written here the way committees keep it (a merged title, names typed in the ".VnTime"
  font (TCVN3), one in VNI, one in capitals with double spaces, dates as Excel dates and as text, card numbers with
  spaces), one row per member of the commune's cells then, and two rows refused (a card number typed twice, a day
  that does not exist). The file goes through the real pipeline (upload, analysis, mapping, preview; the jobs run
  in place) so that every row, problem and conversion is the one the import makes; since the members exist today
  the preview matches them, so the rows it matched are then recorded as the rows the commit created a year ago, with
  one ``ImportChange`` per member and cell period, as the commit records them (services/members.py). Its undo is
  refused: a year of attendance refers to those members.
- **An attendance register** (`canbo`): the demo cell's register of the first months of the history, typed from
  paper.
- **The demo cell's list of last week** (`bithu`, the cell's secretary): phones and residences to bring in, a new
  probationary member, names typed in TCVN3 and VNI, two rows refused; through the real pipeline and left previewed,
  for the newcomer to commit (or cancel).

Nothing here draws from the demo's random generator (its own, from the seed), so the rest of the demo is unchanged.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from apps.common.vnlegacy import Encoding, from_unicode
from apps.demo import import_files
from apps.demo.span import TZ, history_start
from apps.imports.models import ImportBatch, ImportRow, Kind
from apps.imports.rules.plan import CREATE, UNCHANGED, UPDATE, WARNING
from apps.imports.services import attendance as import_attendance
from apps.imports.services import batches, changes
from apps.imports.services import members as import_members
from apps.meetings.models import Attendance, Meeting
from apps.members.models import CellMembership, Member
from apps.orgs.models import Organization
from apps.oversight.rules.periods import add_months

Status = ImportBatch.Status


@dataclass
class ImportCounts:
    batches: int = 0
    rows: int = 0
    changes: int = 0


def build_imports(
    *,
    seed: int,
    as_of: date,
    commune: Organization,
    home_cell: Organization,
    commune_cells: list[Organization],
    users: dict,
    story,
) -> ImportCounts:
    """The three imports of the demo commune (with the demo accounts only: an import has someone who made it).
    ``story``: apps.demo.oversight.Story, whose weak cells keep their own record (the register is another cell's)."""
    counts = ImportCounts()
    if "canbo" not in users:
        return counts
    rng = random.Random(seed * 14)
    weak = {home_cell.pk, story.skipping.pk, story.falling.pk}
    paper = next(cell for cell in commune_cells if cell.pk not in weak)
    for batch in (
        member_list(rng, as_of=as_of, commune=commune, cells=commune_cells, user=users["canbo"]),
        register(rng, as_of=as_of, cell=paper, user=users["canbo"]),
        cell_update(rng, as_of=as_of, cell=home_cell, user=users["bithu"]),
    ):
        counts.batches += 1
        counts.rows += batch.rows.count()
        counts.changes += batch.changes.count()
    return counts


# --- the pipeline, its jobs run in place ---------------------------------------------------------------------------


def _previewed(
    *, user, organization: Organization, file_name: str, content: bytes, kind: str = Kind.MEMBERS, year=None
) -> ImportBatch:
    """Upload, analyse, map (the suggested columns) and preview, the jobs called here: the demo is one transaction,
    and the jobs it queues run after it (they then find the batch past their step and do nothing)."""
    batch = batches.batch_upload(
        user=user, organization=organization, kind=kind, uploaded_file=ContentFile(content, name=file_name), year=year
    )
    batches.batch_analyse(batch.pk)
    batch.refresh_from_db()
    assert batch.status == Status.MAPPING, batch.error
    batches.batch_set_mapping(batch=batch, user=user, mapping=dict(batch.mapping), options={})
    batches.batch_preview(batch.pk, user.pk)
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED, batch.error
    return batch


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def _as_committed(batch: ImportBatch, user, day: date) -> None:
    """The import's record as its commit left it, on ``day`` (the rows and changes are set by the caller)."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.COMMITTED,
        counts=_counts(batch),
        created_at=_at(day, 8, 40),
        analysed_at=_at(day, 8, 41),
        previewed_at=_at(day, 8, 47),
        committed_at=_at(day, 8, 52),
        committed_by=user,
    )
    batch.refresh_from_db()


def _rewrite(batch: ImportBatch, change: Callable[[ImportRow], bool]) -> None:
    """The batch's preview rows with ``change`` applied (in place) to each: deleted and inserted again in the file's
    order, which costs two statements where an update would cost one per row."""
    rows = list(ImportRow.objects.filter(batch=batch).order_by("pk"))
    for row in rows:
        change(row)
        row.pk = None
    ImportRow.objects.filter(batch=batch).delete()
    ImportRow.objects.bulk_create(rows)


def _counts(batch: ImportBatch) -> dict[str, int]:
    """Rows per fate and rows with a warning, as the preview and the commit count them (services/jobs.py)."""
    counts: Counter[str] = Counter()
    for fate, problems in ImportRow.objects.filter(batch=batch).values_list("fate", "problems"):
        counts[fate] += 1
        counts["warnings"] += any(problem["level"] == WARNING for problem in problems)
    return {name: n for name, n in counts.items() if n}


# --- the commune's list, a year ago --------------------------------------------------------------------------------


def member_list(
    rng: random.Random, *, as_of: date, commune: Organization, cells: list[Organization], user
) -> ImportBatch:
    """The commune's members a few days before the history begins, brought in from the committee's list."""
    imported_on = history_start(as_of) - timedelta(days=9)
    names = {cell.pk: cell.name for cell in cells}
    there = CellMembership.objects.filter(cell__in=cells, left_on__isnull=True, joined_on__lte=imported_on)
    people = list(
        Member.objects.filter(pk__in=there.values("member_id"), active=True, admitted_on__lte=imported_on)
        .order_by("cell__path", "full_name_search", "pk")
        .values(*import_files.MEMBER_FIELDS)
    )
    rows = [
        import_files.member_row(rng, n, person, names[person["cell_id"]]) for n, person in enumerate(people, start=1)
    ]
    # Two rows the import refused: a card number typed twice (a colleague's), and a day that does not exist.
    source = next(row for row in rows[3:] if row[4])
    twice = [0, "Nguyễn Văn Thắng", "12/04/1979", "Nam", source[4], None, *source[6:]]
    rows.insert(rows.index(source) + 2, twice)
    rows.append(
        [0, "Trần Thị Bích Ngọc", "31/02/1968", "Nữ", None, None, "19/05/1995", "19/05/1996"]
        + [names[cells[0].pk], "Thôn 2", "Nông dân", None]
    )
    for number, row in enumerate(rows, start=1):
        row[0] = number
    content = import_files.workbook(
        commune.name.upper(),
        f"DANH SÁCH ĐẢNG VIÊN (đến ngày {imported_on:%d/%m/%Y})",
        import_files.MEMBER_HEADER,
        rows,
    )
    batch = _previewed(
        user=user, organization=commune, file_name=f"Danh sach dang vien {imported_on:%Y}.xlsx", content=content
    )
    # The rows the preview matches today are the members this import created: record them as the commit did.
    pks: list[int] = []

    def created(row: ImportRow) -> bool:
        if row.fate not in (UNCHANGED, UPDATE):
            return False
        pks.append(row.target_pk)
        row.fate, row.target_pk = CREATE, None
        row.data.pop("matched_by", None)
        row.data.pop("changes", None)
        row.data["status"] = Member.Status.OFFICIAL if row.data.get("official_on") else Member.Status.PROBATIONARY
        return True

    _rewrite(batch, created)
    members = Member.objects.in_bulk(pks)
    ordered = [members[pk] for pk in pks]
    changes.record_created(batch, Member, ordered, import_members.CREATED_FIELDS)
    periods = {p.member_id: p for p in CellMembership.objects.filter(member__in=ordered, left_on__isnull=True)}
    changes.record_created(batch, CellMembership, [periods[m.pk] for m in ordered], import_members.MEMBERSHIP_FIELDS)
    _as_committed(batch, user, imported_on)
    return batch


# --- a cell's register, typed from paper ---------------------------------------------------------------------------

MARK = {"present": "x", "late": "ĐM", "excused": "P", "unexcused": "K", "exempt": "MS"}  # as registers write them


def register(rng: random.Random, *, as_of: date, cell: Organization, user) -> ImportBatch:
    """The cell's paper register of the first three months of the history (of one calendar year), brought in by
    the committee staff the month after: every mark of the month's regular meeting, one row refused (a mark that
    could mean two things). The preview finds every mark on record today; its rows are recorded as the commit
    wrote them: the three meetings held and their marks (``ImportChange``), as services/attendance.py records."""
    start = history_start(as_of)
    year = start.year if start.month <= 10 else start.year + 1
    months = [month for month in (add_months(start, k) for k in range(12)) if month.year == year][:3]
    meetings = {
        month: Meeting.objects.filter(
            cell=cell, kind=Meeting.Kind.REGULAR, status=Meeting.Status.CLOSED, **_in_month(month)
        ).first()
        for month in months
    }
    meetings = {month: meeting for month, meeting in meetings.items() if meeting is not None}
    marks = {
        (member_id, meeting_id): status
        for member_id, meeting_id, status in Attendance.objects.filter(meeting__in=meetings.values()).values_list(
            "member_id", "meeting_id", "status"
        )
    }
    days = [timezone.localtime(meeting.scheduled_at).date() for meeting in meetings.values()]
    inside = CellMembership.objects.filter(cell=cell, joined_on__lte=min(days)).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=max(days))
    )
    people = list(
        Member.objects.filter(pk__in={member_id for member_id, _meeting in marks})
        .filter(pk__in=inside.values("member_id"))
        .order_by("full_name_search", "pk")
        .values("pk", "full_name", "card_number", "date_of_birth")
    )
    rows = []
    for number, person in enumerate(people, start=1):
        by_month = {month.month: MARK.get(marks.get((person["pk"], meeting.pk))) for month, meeting in meetings.items()}
        rows.append(
            [
                number,
                import_files.typed_name(rng, person["full_name"], number),
                person["card_number"],
                import_files.typed_date(rng, person["date_of_birth"]),
            ]
            + [by_month.get(month) for month in range(1, 13)]
        )
    if rows:
        rows[-1][4 + months[1].month - 1] = "V"  # vắng: with or without a reason? The row is refused.
    content = import_files.workbook(
        f"{cell.name.upper()}",
        f"SỔ THEO DÕI SINH HOẠT ĐẢNG NĂM {year}",
        ["STT", "Họ và tên", "Số thẻ đảng viên", "Ngày sinh", *(f"T{month}" for month in range(1, 13))],
        rows,
    )
    imported_on = add_months(months[-1], 1) + timedelta(days=11)
    batch = _previewed(
        user=user,
        organization=cell,
        file_name=f"So sinh hoat {year}.xlsx",
        content=content,
        kind=Kind.ATTENDANCE,
        year=year,
    )
    written: list[int] = []

    def recorded(row: ImportRow) -> bool:
        if row.fate != UNCHANGED:
            return False
        row.fate = CREATE
        row.data["writes"] = [
            {"month": f"{key}-01", "cell_id": cell.pk, "status": status, "reason": ""}
            for key, status in sorted(row.data.get("marks", {}).items())
        ]
        written.append(row.data["member_id"])
        return True

    _rewrite(batch, recorded)
    held = sorted(meetings.values(), key=lambda meeting: meeting.scheduled_at)
    changes.record_created(batch, Meeting, held, import_attendance.MEETING_FIELDS)
    marked = Attendance.objects.filter(meeting__in=held, member_id__in=written).order_by("meeting__scheduled_at", "pk")
    changes.record_created(batch, Attendance, list(marked), import_attendance.ATTENDANCE_FIELDS)
    _as_committed(batch, user, imported_on)
    return batch


def _in_month(month: date) -> dict[str, datetime]:
    first = datetime.combine(month, time(), tzinfo=TZ)
    return {"scheduled_at__gte": first, "scheduled_at__lt": datetime.combine(add_months(month, 1), time(), tzinfo=TZ)}


# --- the demo cell's list of last week -----------------------------------------------------------------------------


def cell_update(rng: random.Random, *, as_of: date, cell: Organization, user) -> ImportBatch:
    """The secretary's list: phones and residences gathered at the last meeting, a new probationary member, two
    mistakes; previewed, not yet committed."""
    people = list(
        Member.objects.filter(cell=cell, active=True)
        .order_by("full_name_search", "pk")
        .values(*import_files.MEMBER_FIELDS)
    )[:12]
    rows = []
    for n, person in enumerate(people, start=1):
        if n % 4 == 1:
            person["phone"] = f"09{rng.randint(10_000_000, 99_999_999)}"
        if n % 5 == 3:
            person["residence"] = f"Xóm {rng.randint(1, 9)}"
        rows.append(import_files.member_row(rng, n, person, None))
    admitted = as_of - timedelta(days=75)
    rows.append(
        [0, from_unicode("Hoàng Thị Thu Trang", Encoding.TCVN3), "14/08/1998", "Nữ", None, None]
        + [import_files.typed_date(rng, admitted), None, "Xóm 4", "Giáo viên", "0912 345 678"]
    )
    source = next(row for row in rows if row[4])
    rows.append([0, "Lê Văn Hùng", "02/09/1981", "Nam", source[4], None, *source[6:]])  # a card number typed twice
    rows.append([0, "Phạm Thị Hoa", "30/02/1975", "Nữ", None, None, "03/02/2005", "03/02/2006"] + [None] * 3)
    for number, row in enumerate(rows, start=1):
        row[0] = number
    content = import_files.workbook(
        f"CHI BỘ {cell.name.removeprefix('Chi bộ ').upper()}",
        f"BỔ SUNG THÔNG TIN ĐẢNG VIÊN (tháng {as_of:%m/%Y})",
        import_files.MEMBER_HEADER[:8] + import_files.MEMBER_HEADER[9:],
        rows,
    )
    batch = _previewed(user=user, organization=cell, file_name=f"Bo sung thong tin {as_of:%m-%Y}.xlsx", content=content)
    uploaded = _at(as_of - timedelta(days=6), 20, 15)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=uploaded, analysed_at=uploaded, previewed_at=uploaded + timedelta(minutes=4)
    )
    return batch
