"""Real files, end to end (issue 14, "Quality bars"): spreadsheets as committees keep them — legacy fonts (TCVN3,
VNI), decomposed Unicode, merged title and header rows, dates as text and as Excel serials, blank and repeated header
rows, totals and signatures, a sheet per cell, 10,000 rows — in .xlsx, .xls and .csv (apps/imports/tests/files.py),
go through the whole pipeline (upload → analyse → mapping → preview → commit) into the sample demo, a commune with a
year of history. Every input row ends either imported or listed with its reason: one preview row per data row, in
the file's order, each with the fate it should have; after the commit every new member exists once, with the name
repaired, and nothing else changed. The bad files (not a spreadsheet, a zip bomb, formulas only, a million rows, a
password) are refused with their message and nothing is written."""

from __future__ import annotations

import tempfile
import tracemalloc
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.testing import FROZEN_AT
from apps.demo import world as demo
from apps.imports.models import ImportBatch, ImportChange, ImportRow
from apps.imports.queries import batches as queries
from apps.imports.rules import sheets
from apps.imports.rules.plan import CREATE, REFUSED, UNCHANGED, UPDATE
from apps.imports.services import batches, jobs
from apps.imports.tests import files as testing
from apps.members.models import CellMembership, Member
from apps.orgs.models import Organization, RoleGrant

AS_OF = timezone.localdate(FROZEN_AT)
GENDER = {"male": "Nam", "female": "Nữ"}
Status = ImportBatch.Status


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The sample demo seeded on the suite's day (a year of meetings), rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.build(profile="sample", seed=1, as_of=AS_OF)
        transaction.set_rollback(True)


def canbo():
    return get_user_model().objects.get(username="canbo")


def commune() -> Organization:
    return RoleGrant.objects.select_related("organization").get(user__username="canbo").organization


def commune_cells() -> list[Organization]:
    return list(Organization.objects.filter(path__startswith=commune().path, kind="cell").order_by("path"))


# --- the pipeline, each job called as the worker would once the request commits -------------------------------------


def uploaded(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def upload(path: Path, *, kind: str = "members", into: Organization | None = None, year=None) -> ImportBatch:
    batch = batches.batch_upload(
        user=canbo(),
        organization=into or commune(),
        kind=kind,
        uploaded_file=uploaded(path),
        year=year,
    )
    jobs.batch_analyse(batch.pk)
    batch.refresh_from_db()
    return batch


def preview(batch: ImportBatch, **options: Any) -> ImportBatch:
    assert batch.status == Status.MAPPING, batch.error
    batches.batch_set_mapping(batch=batch, user=canbo(), mapping=dict(batch.mapping), options=options)
    jobs.batch_preview(batch.pk, canbo().pk)
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED, batch.error
    return batch


def commit(batch: ImportBatch) -> ImportBatch:
    batches.batch_commit_request(batch=batch, user=canbo())
    jobs.batch_commit(batch.pk, canbo().pk)
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED, batch.error
    return batch


# --- the rows of a messy list ---------------------------------------------------------------------------------------


def row_of(member: Member, **changes: Any) -> dict[str, Any]:
    """A recorded member as the committee's list holds them."""
    row = {
        "full_name": member.full_name,
        "date_of_birth": member.date_of_birth,
        "gender": GENDER[member.gender],
        "card_number": member.card_number or "",
        "national_id": member.national_id or "",
        "admitted_on": member.admitted_on,
        "official_on": member.official_on or "",
        "cell": member.cell.name,
    }
    return {**row, **changes}


def messy_list(new: int, *, seed: int = 14) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of a commune's list and the fate each must get: members already recorded (unchanged, or with a new
    phone: update), new members of every cell (names with every vowel and tone), and four rows to refuse — a cell
    the commune does not have, a day that does not exist, a card number typed twice, a member active in another
    commune."""
    cells = commune_cells()
    recorded = list(
        Member.objects.filter(cell__in=cells, active=True, card_number__isnull=False)
        .select_related("cell")
        .order_by("card_number")[:8]
    )
    rows, fates = [], []
    for position, member in enumerate(recorded):
        if position % 4 == 1:
            rows.append(row_of(member, phone=f"09{81_000_000 + position}"))
            fates.append(UPDATE)
        else:
            rows.append(row_of(member))
            fates.append(UNCHANGED)
    fresh = testing.sample_members(new, seed=seed, cells=tuple(cell.name for cell in cells))
    for position, row in enumerate(fresh):
        rows.append(row)
        fates.append(CREATE)
        if position == 2:
            unknown = testing.sample_members(1, seed=seed + 1)[0]
            rows.append({**unknown, "cell": "Chi bộ Không Có Thật", "card_number": "47000001", "national_id": ""})
            fates.append(REFUSED)
        if position == 3:
            rows.append({**fresh[1], "full_name": "Đỗ Thị Ứng", "card_number": "47000002", "national_id": ""})
            rows[-1]["date_of_birth"] = "31/02/1970"
            fates.append(REFUSED)
        if position == 4:
            rows.append({**fresh[4], "full_name": "Bùi Văn Ổn", "national_id": ""})  # fresh[4]'s card again
            fates.append(REFUSED)
    elsewhere = Member.objects.exclude(cell__path__startswith=commune().path).filter(
        active=True,
        card_number__isnull=False,
    )
    rows.insert(len(rows) // 2, row_of(elsewhere.select_related("cell").first(), cell=cells[0].name))
    fates.insert(len(fates) // 2, REFUSED)
    return rows, fates


def in_file_order(rows: list[dict[str, Any]], fates: list[str], sheet_per_cell: bool) -> tuple[list, list[str]]:
    """The rows and their fates in the order the preview lists them: the file's (a sheet per cell: cell by cell)."""
    if not sheet_per_cell:
        return rows, fates
    by_cell: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for row, fate in zip(rows, fates, strict=True):
        by_cell.setdefault(row["cell"], []).append((row, fate))
    pairs = [pair for group in by_cell.values() for pair in group]
    return [row for row, _fate in pairs], [fate for _row, fate in pairs]


def write(rows: list[dict[str, Any]], name: str, **options: Any) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="chibo-real-files-"))
    return testing.write_members(folder / name, rows, **options)


def member_log_entries() -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Member)).count()


def snapshot(cards: list[str]) -> dict[str, tuple]:
    fields = ("full_name", "date_of_birth", "gender", "admitted_on", "official_on", "cell_id", "phone", "national_id")
    return {row[0]: row[1:] for row in Member.objects.filter(card_number__in=cards).values_list("card_number", *fields)}


MESSY = {
    "xlsx, TCVN3 (.VnTime), dates as Excel dates": ("ds.xlsx", {"encoding": "tcvn3"}),
    "xlsx, VNI, dates as text": ("ds.xlsx", {"encoding": "vni", "dates": "text"}),
    "xlsx, decomposed Unicode, dates as Excel serials": ("ds.xlsx", {"encoding": "nfd", "dates": "serial"}),
    "xlsx, header merged over two rows (surname | given name; admitted | official)": (
        "ds.xlsx",
        {"two_row_header": True, "dates": "text"},
    ),
    "xlsx, blank rows, repeated header, numbering row, totals and signatures": (
        "ds.xlsx",
        {"blank_rows": True, "repeated_header": True, "numbering_row": True, "footer": True},
    ),
    "xlsx, a sheet per cell, TCVN3": ("ds.xlsx", {"sheet_per_cell": True, "encoding": "tcvn3"}),
    "xls (Excel 97), VNI, header over two rows, blank rows": (
        "ds.xls",
        {"fmt": "xls", "encoding": "vni", "two_row_header": True, "blank_rows": True},
    ),
    "xls, a sheet per cell, dates as text": ("ds.xls", {"fmt": "xls", "sheet_per_cell": True, "dates": "text"}),
    "csv, TCVN3 in an 8-bit file, dates as text": ("ds.csv", {"fmt": "csv", "encoding": "tcvn3", "dates": "text"}),
    "csv, UTF-8 decomposed, semicolons, repeated header": (
        "ds.csv",
        {"fmt": "csv", "encoding": "nfd", "delimiter": ";", "repeated_header": True},
    ),
    "csv, Excel's Unicode text (UTF-16, tabs), footer": ("ds.txt", {"fmt": "csv", "csv_encoding": "utf-16"}),
}


def check_every_row(batch: ImportBatch, rows: list[dict[str, Any]], expected: list[str]) -> list[ImportRow]:
    """One preview row per data row, in the file's order, each with its fate; a refused row says why."""
    stored = list(ImportRow.objects.filter(batch=batch).order_by("pk"))
    assert len(stored) == len(rows) == batch.rows_total
    assert [row.fate for row in stored] == expected, [(r.sheet, r.row_number, r.problems) for r in stored if r.problems]
    assert len({(row.sheet, row.row_number) for row in stored}) == len(stored)  # no row twice
    for row in stored:
        if row.fate == REFUSED:
            assert any(problem["level"] == "error" and problem["message"] for problem in row.problems), row.data
    counts = Counter(expected)
    assert {fate: batch.counts.get(fate, 0) for fate in counts} == dict(counts)
    return stored


def check_committed(batch, rows, expected, before: dict[str, tuple], members_before: int, encoding) -> None:
    """The new members exist once each, named as the list meant (repaired, NFC), in their cell with an open period;
    the updated ones have the new phone; the unchanged and the refused changed nothing."""
    created = [row for row, fate in zip(rows, expected, strict=True) if fate == CREATE]
    updated = [row for row, fate in zip(rows, expected, strict=True) if fate == UPDATE]
    assert Member.objects.count() == members_before + len(created)
    cells = {cell.name: cell.pk for cell in commune_cells()}
    for row in created:
        member = Member.objects.get(card_number=row["card_number"])
        assert member.full_name == unicodedata.normalize("NFC", row["full_name"])
        assert (member.date_of_birth, member.admitted_on, member.official_on) == (
            row["date_of_birth"],
            row["admitted_on"],
            row["official_on"],
        )
        assert member.cell_id == cells[row["cell"]] and member.gender == ("female" if row["gender"] == "Nữ" else "male")
        assert CellMembership.objects.filter(member=member, cell_id=member.cell_id, left_on__isnull=True).count() == 1
    for row in updated:
        assert Member.objects.get(card_number=row["card_number"]).phone == row["phone"]
    after = snapshot(list(before))
    for card, values in before.items():
        if card not in {row["card_number"] for row in updated}:
            assert after[card] == values  # unchanged rows, and the members the refused rows named
    changes = Counter(ImportChange.objects.filter(batch=batch).values_list("model", "action"))
    assert changes == Counter(
        {
            ("members.member", "created"): len(created),
            ("members.cellmembership", "created"): len(created),
            **({("members.member", "updated"): len(updated)} if updated else {}),
        }
    )
    new_cards = {row["card_number"] for row in created}
    for row, fate in zip(rows, expected, strict=True):
        if fate == REFUSED and row["card_number"] not in before:
            holders = list(Member.objects.filter(card_number=row["card_number"]).values_list("full_name", flat=True))
            assert holders == ([] if row["card_number"] not in new_cards else holders[:1]) and len(holders) <= 1
    if encoding in ("tcvn3", "vni", "nfd"):  # every name the file held otherwise was converted, and the page says so
        for stored in ImportRow.objects.filter(batch=batch, fate=CREATE):
            name = stored.data["full_name"]
            if testing.encode_text(name, encoding) != name:
                names = ("full_name", "surname", "given_name")
                assert any(c["field"] in names and c["encoding"] == encoding for c in stored.conversions), (
                    name,
                    stored.conversions,
                )


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(MESSY), ids=list(MESSY))
def test_a_messy_member_list_ends_each_row_imported_or_listed(sample, case):
    name, options = MESSY[case]
    rows, fates = messy_list(24)
    path = write(rows, name, **options)
    sheet_per_cell = options.get("sheet_per_cell", False)
    ordered, expected = in_file_order(rows, fates, sheet_per_cell)
    batch = upload(path)
    suggested = set(batch.mapping)
    assert {"date_of_birth", "card_number", "admitted_on", "gender"} <= suggested, batch.mapping
    assert "full_name" in suggested or {"surname", "given_name"} <= suggested
    assert sheet_per_cell or "cell" in suggested
    batch = preview(batch, sheet_per_cell=sheet_per_cell)
    check_every_row(batch, ordered, expected)
    before = snapshot([row["card_number"] for row in rows if row["card_number"]])
    members_before = Member.objects.count()
    batch = commit(batch)
    check_committed(batch, ordered, expected, before, members_before, options.get("encoding"))


@pytest.mark.django_db
def test_the_same_file_again_changes_nothing(sample):
    """Re-importing a legacy-font list after its commit: every imported row is now unchanged, the refused ones are
    refused again, and the commit writes nothing (no member, no change recorded, no audit entry)."""
    rows, fates = messy_list(12)
    path = write(rows, "ds.xlsx", encoding="tcvn3", dates="text")
    commit(preview(upload(path)))
    members, entries = Member.objects.count(), member_log_entries()
    again = preview(upload(path))
    assert [row.fate for row in again.rows.order_by("pk")] == [
        REFUSED if fate == REFUSED else UNCHANGED for fate in fates
    ]
    again = commit(again)
    assert not again.changes.exists()
    assert (Member.objects.count(), member_log_entries()) == (members, entries)


@pytest.mark.django_db
def test_ten_thousand_rows_end_imported_or_listed(sample):
    """A commune's whole list: 10,000 rows over its cells, legacy font, dates as Excel serials."""
    rows, fates = messy_list(10_000)
    path = write(rows, "ds-10000.xlsx", encoding="vni", dates="serial", blank_rows=True)
    batch = preview(upload(path))
    check_every_row(batch, rows, fates)
    before = snapshot([row["card_number"] for row, fate in zip(rows, fates, strict=True) if fate != CREATE])
    members_before = Member.objects.count()
    batch = commit(batch)
    check_committed(batch, rows, fates, before, members_before, "vni")
    cards = [row["card_number"] for row, fate in zip(rows, fates, strict=True) if fate == CREATE]
    assert Member.objects.filter(card_number__in=cards).count() == len(cards)  # none lost, none twice


# --- the bad files --------------------------------------------------------------------------------------------------


def nothing_written(batch: ImportBatch | None, members: int, entries: int) -> None:
    assert Member.objects.count() == members and member_log_entries() == entries
    if batch is not None:
        assert (
            not ImportRow.objects.filter(batch=batch).exists() and not ImportChange.objects.filter(batch=batch).exists()
        )


REFUSED_AT_UPLOAD = {
    "a PDF named .xlsx": ("danh-sach.xlsx", "pdf"),
    "a program named .xls": ("danh-sach.xls", "exe"),
    "a picture named .csv": ("danh-sach.csv", "png"),
    "an empty file": ("danh-sach.xlsx", "empty"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(REFUSED_AT_UPLOAD), ids=list(REFUSED_AT_UPLOAD))
def test_a_file_that_is_no_spreadsheet_is_refused_at_the_upload(sample, case, tmp_path):
    name, kind = REFUSED_AT_UPLOAD[case]
    path = testing.write_not_a_spreadsheet(tmp_path / name, kind)
    members, entries, batches_before = Member.objects.count(), member_log_entries(), ImportBatch.objects.count()
    with pytest.raises(ValidationError) as refused:
        upload(path)
    assert refused.value.messages and all(refused.value.messages)
    assert ImportBatch.objects.count() == batches_before
    nothing_written(None, members, entries)


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files that pass the upload's first look but not the analysis: the file and the message it gets."""
    return {
        "a Word document named .xlsx": (
            testing.write_not_a_spreadsheet(tmp_path / "ds.xlsx", "docx"),
            sheets.not_a_spreadsheet().message,
        ),
        "an OpenDocument sheet named .xlsx": (
            testing.write_not_a_spreadsheet(tmp_path / "ods.xlsx", "ods"),
            _("This is an OpenDocument spreadsheet (.ods); open it in LibreOffice or Excel and save it as .xlsx."),
        ),
        "an Excel binary workbook named .xlsx": (
            testing.write_not_a_spreadsheet(tmp_path / "xlsb.xlsx", "xlsb"),
            _("This is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx."),
        ),
        "a zip bomb (a thousand to one)": (
            testing.write_zip_bomb(tmp_path / "bomb.xlsx", inflated=256 * 1024 * 1024),
            sheets.zip_bomb().message,
        ),
        "a zip bomb (declared four gigabytes)": (
            testing.write_zip_bomb(tmp_path / "declared.xlsx", kind="declared"),
            sheets.zip_bomb().message,
        ),
        "a sheet of formulas never calculated": (
            testing.write_formulas_only(tmp_path / "formulas.xlsx"),
            sheets.formulas_only("Danh sach").message,
        ),
        "a password-protected workbook (.xlsx)": (
            testing.write_encrypted_like(tmp_path / "password.xlsx"),
            sheets.encrypted().message,
        ),
        "a password-protected workbook (.xls)": (
            testing.write_encrypted_xls(tmp_path / "password.xls"),
            sheets.encrypted().message,
        ),
    }


BAD = [
    "a Word document named .xlsx",
    "an OpenDocument sheet named .xlsx",
    "an Excel binary workbook named .xlsx",
    "a zip bomb (a thousand to one)",
    "a zip bomb (declared four gigabytes)",
    "a sheet of formulas never calculated",
    "a password-protected workbook (.xlsx)",
    "a password-protected workbook (.xls)",
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD, ids=BAD)
def test_a_bad_file_fails_with_its_message_and_nothing_is_written(sample, case, tmp_path):
    path, message = bad_files(tmp_path)[case]
    members, entries = Member.objects.count(), member_log_entries()
    batch = upload(path)
    assert (batch.status, batch.error) == (Status.FAILED, message)
    assert batch.sha256 and batch.file_name == path.name  # the failure is recorded with its file
    nothing_written(batch, members, entries)


@pytest.mark.django_db
def test_a_million_rows_are_refused_within_bounded_memory(sample, tmp_path):
    """A million rows: the analysis counts while it streams and stops past the limit (200,000), its memory bounded
    by the rows it holds at once, not the file's."""
    path = testing.write_many_rows(tmp_path / "million.xlsx", 1_000_000)
    members, entries = Member.objects.count(), member_log_entries()
    batch = batches.batch_upload(user=canbo(), organization=commune(), kind="members", uploaded_file=uploaded(path))
    tracemalloc.start()
    try:
        jobs.batch_analyse(batch.pk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    batch.refresh_from_db()
    limit = settings.CHIBO_IMPORT_MAX_ROWS
    assert (batch.status, batch.error) == (Status.FAILED, sheets.too_many_rows(limit).message)
    assert peak < 64 * 1024 * 1024, f"the analysis peaked at {peak / 1024 / 1024:.0f} MB"
    nothing_written(batch, members, entries)


# --- the demo's import history (apps/demo/imports.py) ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_commune_has_an_import_history_a_newcomer_can_read(sample, client):
    """Three imports on the sample demo: the commune's member list a year ago (committed, names repaired, two rows
    refused, its undo refused: a year of records refers to its members), a cell's register (committed), the demo
    cell's list of last week (previewed); each page opens for canbo, its original file too, and the rows add up."""
    batches_of = {
        batch.file_name.split(" ")[0]: batch
        for batch in ImportBatch.objects.filter(organization__path__startswith=commune().path)
    }
    listed, register, pending = batches_of["Danh"], batches_of["So"], batches_of["Bo"]
    assert (listed.status, register.status, pending.status) == (Status.COMMITTED, Status.COMMITTED, Status.PREVIEWED)
    assert listed.committed_at < register.committed_at < pending.created_at
    for batch in (listed, register, pending):
        counts = Counter(batch.rows.values_list("fate", flat=True))
        assert {fate: n for fate, n in batch.counts.items() if fate != "warnings"} == dict(counts)
        assert counts[REFUSED] >= 1 and batch.rows_total == sum(counts.values())
        with batch.file.open("rb") as handle:
            assert handle.read(2) == b"PK"
    assert listed.rows.filter(conversions__icontains='"tcvn3"').count() >= 10
    created = listed.changes.filter(model="members.member", action="created")
    assert (
        created.count() == listed.counts["create"] == Member.objects.filter(pk__in=created.values("object_pk")).count()
    )
    assert queries.undo_blockers(listed)  # attendance, dues… refer to the imported members
    assert register.changes.filter(model="meetings.attendance").count() >= register.counts["create"]
    client.force_login(canbo())
    for batch in (listed, register, pending):
        assert client.get(f"/imports/{batch.pk}/").status_code == 200
        assert client.get(f"/imports/{batch.pk}/file").status_code == 200
    assert client.get("/imports/").status_code == 200


@pytest.mark.django_db
def test_the_demo_cells_pending_list_can_be_imported(sample):
    """The secretary's previewed list commits as previewed: the phones and residences, the new member; the refused
    rows stay out."""
    pending = ImportBatch.objects.get(status=Status.PREVIEWED, file_name__startswith="Bo sung")
    secretary = pending.uploaded_by
    members = Member.objects.count()
    batches.batch_commit_request(batch=pending, user=secretary)
    jobs.batch_commit(pending.pk, secretary.pk)
    pending.refresh_from_db()
    assert pending.status == Status.COMMITTED, pending.error
    assert Member.objects.count() == members + pending.counts["create"] == members + 1
    assert pending.changes.filter(model="members.member", action="updated").count() == pending.counts["update"]
