"""The import pipeline on the sample demo (a district with a year of meetings): who may bring a file in, the checks
of the upload, the jobs queued on commit and run by the task backend, the mapping saved and offered again, a preview
and a commit in a bounded number of queries, the commit that finds the data changed or fails midway and writes
nothing, the scoped reads, and 10,000 rows with nothing lost or duplicated."""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.common.scoping import VIEW, allows
from apps.imports.models import ImportBatch, ImportChange, ImportMapping, ImportRow
from apps.imports.queries import batches as queries
from apps.imports.services import batches, changes, jobs
from apps.imports.services import members as members_kind
from apps.imports.tests import files as testing
from apps.imports.tests import flow
from apps.members.models import CellMembership, Member
from apps.members.services.member import member_create
from apps.orgs.models import Organization

Status = ImportBatch.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


def written() -> tuple[int, ...]:
    """What an import writes: members, their cell periods, changes, audit entries (the batch's own aside)."""
    return (
        Member.objects.count(),
        CellMembership.objects.count(),
        ImportChange.objects.count(),
        LogEntry.objects.exclude(content_type__model="importbatch").count(),
    )


# --- who may bring a file in, and what the upload checks ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "where", "kind", "allowed"),
    [
        ("canbo", "commune", "members", True),
        ("canbo", "cell", "attendance", True),
        ("canbo", "commune", "tree", True),
        ("bithu", "cell", "members", True),
        ("bithu", "commune", "members", False),  # a secretary imports into their own cell only
        ("bithu", "cell", "tree", False),  # the tree needs restructuring rights
        ("dangvien", "cell", "members", False),
        ("giamsat", "cell", "members", False),  # a supervisor reads
        ("ngoai", "cell", "members", False),  # committee staff of another commune
    ],
)
def test_who_may_upload_where(demo, who, where, kind, allowed):
    person = flow.outsider() if who == "ngoai" else flow.user(who)
    target = flow.commune() if where == "commune" else flow.home_cell()
    upload = flow.xlsx([flow.new_row(1)])
    before = ImportBatch.objects.count()
    if allowed:
        batch = batches.batch_upload(user=person, organization=target, kind=kind, uploaded_file=upload, year=2025)
        assert batch.status == Status.UPLOADED and batch.uploaded_by == person
    else:
        with pytest.raises(PermissionDenied):
            batches.batch_upload(user=person, organization=target, kind=kind, uploaded_file=upload, year=2025)
        assert ImportBatch.objects.count() == before


@pytest.mark.django_db
def test_the_file_is_kept_with_its_checksum(demo):
    upload = flow.xlsx([flow.new_row(1)], name="Danh sách đảng viên.xlsx")
    content = upload.read()
    batch = batches.batch_upload(
        user=flow.user("bithu"), organization=flow.home_cell(), kind="members", uploaded_file=upload
    )
    assert batch.file_name == "Danh sách đảng viên.xlsx" and batch.size == len(content)
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert batch.file.name.startswith("imports/") and batch.file.name.endswith(".xlsx")
    with batch.file.open("rb") as kept:
        assert kept.read() == content
    assert LogEntry.objects.filter(content_type__model="importbatch", object_id=batch.pk, action=0).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pdf", "png", "exe", "binary", "empty"])
def test_a_file_that_is_no_spreadsheet_is_refused_at_once(demo, kind):
    with tempfile.TemporaryDirectory() as folder:
        path = testing.write_not_a_spreadsheet(Path(folder) / "ds.xlsx", kind)
        upload = SimpleUploadedFile("ds.xlsx", path.read_bytes())
    before = ImportBatch.objects.count()
    with pytest.raises(ValidationError):
        batches.batch_upload(
            user=flow.user("canbo"), organization=flow.home_cell(), kind="members", uploaded_file=upload
        )
    assert ImportBatch.objects.count() == before


@pytest.mark.django_db
def test_a_file_too_large_is_refused_before_it_is_stored(demo, settings):
    settings.CHIBO_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        batches.batch_upload(
            user=flow.user("canbo"),
            organization=flow.home_cell(),
            kind="members",
            uploaded_file=flow.xlsx([flow.new_row(n) for n in range(50)]),
        )


@pytest.mark.django_db
def test_a_file_the_analysis_cannot_read_fails_with_its_reason(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    with tempfile.TemporaryDirectory() as folder:
        path = testing.write_formulas_only(Path(folder) / "ds.xlsx")
        upload = SimpleUploadedFile("ds.xlsx", path.read_bytes())
    batch = batches.batch_upload(user=canbo, organization=cell, kind="members", uploaded_file=upload)
    assert jobs.batch_analyse(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == Status.FAILED and batch.error and not batch.sheets
    assert jobs.batch_analyse(batch.pk) == "skipped"  # a job runs once per status
    with pytest.raises(ValidationError):
        batches.batch_set_mapping(batch=batch, user=canbo, mapping={"full_name": 1}, options={})


# --- the jobs, queued on commit -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_queues_the_next_job_once_it_commits(demo, django_capture_on_commit_callbacks):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_upload(
            user=canbo, organization=cell, kind="members", uploaded_file=flow.xlsx([flow.new_row(40, cell)])
        )
    batch.refresh_from_db()
    assert batch.status == Status.MAPPING and batch.analysed_at and batch.rows_total == 1
    assert {"full_name", "date_of_birth", "card_number", "cell"} <= set(batch.mapping)
    sheet = batch.sheets[0]
    assert sheet["name"] == "Danh sách" and [0, "STT"] in sheet["columns"] and sheet["rows"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_set_mapping(batch=batch, user=canbo, mapping=batch.mapping, options={})
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and batch.counts["create"] == 1 and batch.rows_done == 1
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_commit_request(batch=batch, user=canbo)
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED and batch.committed_by == canbo
    assert Member.objects.filter(card_number="47000040", cell=cell).exists()


@pytest.mark.django_db
def test_the_mapping_chosen_is_offered_for_the_next_file_with_these_headers(demo):
    canbo, commune, cell = flow.user("canbo"), flow.commune(), flow.home_cell()
    rows = [flow.new_row(41, cell, residence="Tổ 3")]
    first = flow.upload(canbo, commune, rows)
    chosen = {name: index for name, index in first.mapping.items() if name != "residence"}
    flow.preview(canbo, first, mapping=chosen)
    saved = ImportMapping.objects.get(organization=commune, kind="members", signature=first.sheets[0]["signature"])
    assert saved.mapping == chosen and saved.saved_by == canbo
    second = flow.upload(canbo, cell, rows)  # into a cell below: the commune's mapping applies
    assert second.mapping == chosen
    assert "residence" not in flow.preview(canbo, second).rows.get().data


@pytest.mark.django_db
def test_a_mapping_is_checked(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    batch = flow.upload(canbo, cell, [flow.new_row(42, cell)])
    other_commune_cell = Organization.objects.filter(kind="cell").exclude(path__startswith=flow.commune().path).first()
    for mapping, options in (
        ({**batch.mapping, "full_name": 99}, {}),  # no such column
        ({k: v for k, v in batch.mapping.items() if k != "full_name"}, {}),  # no name
        ({**batch.mapping, "phone": batch.mapping["full_name"]}, {}),  # one column for two fields
        (batch.mapping, {"cell_id": other_commune_cell.pk}),  # a cell outside the target
    ):
        with pytest.raises(ValidationError):
            batches.batch_set_mapping(batch=batch, user=canbo, mapping=mapping, options=options)
    batch.refresh_from_db()
    assert batch.status == Status.MAPPING
    with pytest.raises(PermissionDenied):
        batches.batch_set_mapping(batch=batch, user=flow.outsider(), mapping=batch.mapping, options={})


# --- preview and commit: bounded queries, all or nothing ------------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


@pytest.mark.django_db
def test_preview_and_commit_read_a_bounded_number_of_queries(demo):
    """A few queries per job whatever the number of rows (below one chunk): the subtree's members and cells loaded
    once, the keys held outside and the matched members' values once per 1,000 rows, the rows written in bulk (with
    their audit entries and the oversight's marks, a few queries per write), the batch's row stamped when the job
    starts and locked by the commit."""
    canbo, cell = flow.user("canbo"), flow.home_cell()
    known = list(Member.objects.filter(cell=cell, active=True, card_number__isnull=False).select_related("cell"))
    counted = []
    for size, start in ((1, 100), (3, 200), (9, 300)):  # the first warms the caches (content types)
        rows = [flow.new_row(start + n, cell) for n in range(size)] + [
            flow.row_of(m, residence=f"Tổ {start}") for m in known[:size]
        ]
        batch = flow.upload(canbo, cell, rows)
        batches.batch_set_mapping(batch=batch, user=canbo, mapping=batch.mapping, options={})
        preview = _queries(lambda batch=batch: jobs.batch_preview(batch.pk, canbo.pk))
        batches.batch_commit_request(batch=batch, user=canbo)
        commit = _queries(lambda batch=batch: jobs.batch_commit(batch.pk, canbo.pk))
        batch.refresh_from_db()
        assert batch.counts["create"] == size and batch.counts["update"] == size, batch.counts
        counted.append((preview, commit))
    assert counted[1] == counted[2], counted
    assert counted[1][0] <= 13 and counted[1][1] <= 40, counted  # each job's start is stamped: one update


@pytest.mark.django_db
def test_a_commit_after_the_data_changed_writes_nothing(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    batch = flow.run(canbo, cell, [flow.new_row(50, cell), flow.new_row(51, cell)], committed=False)
    # Meanwhile the second person is registered by hand.
    member_create(
        cell=cell,
        member=Member(
            full_name="Lê Thị Ước 51",
            gender="female",
            date_of_birth=flow.AS_OF.replace(year=1980, month=4, day=24),
            admitted_on=flow.AS_OF.replace(year=2010, month=5, day=19),
            official_on=flow.AS_OF.replace(year=2011, month=5, day=19),
            status="official",
            card_number="47000051",
        ),
        joined_on=flow.AS_OF.replace(year=2011),
    )
    before = written()
    with translation.override("en"):
        batch = flow.commit(canbo, batch)
    assert batch.status == Status.FAILED and batch.error.startswith("The data changed since the preview")
    assert written() == before
    again = flow.preview(canbo, batch)  # preview again, then commit
    assert flow.fates(again) == ["create", "unchanged"]
    assert flow.commit(canbo, again).status == Status.COMMITTED


@pytest.mark.django_db
def test_a_commit_that_fails_midway_writes_nothing(demo, monkeypatch):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    known = Member.objects.filter(cell=cell, active=True, card_number__isnull=False).select_related("cell").first()
    rows = [flow.row_of(known, occupation="Hưu trí mới")] + [flow.new_row(60 + n, cell) for n in range(5)]
    batch = flow.run(canbo, cell, rows, committed=False)
    before = written()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(changes, "record_updated", broken)  # after the members were created and updated
    batch = flow.commit(canbo, batch)
    assert batch.status == Status.FAILED and "RuntimeError" in batch.error
    assert written() == before
    known.refresh_from_db()
    assert known.occupation != "Hưu trí mới"


@pytest.mark.django_db
def test_a_preview_that_fails_midway_leaves_no_rows(demo, monkeypatch, settings):
    settings.CHIBO_IMPORT_PROGRESS_EVERY = 2
    canbo, cell = flow.user("canbo"), flow.home_cell()
    plan = members_kind.plan

    def failing(**kwargs):
        for number, planned in enumerate(plan(**kwargs)):
            if number == 3:
                raise ValueError("bad row")
            yield planned

    monkeypatch.setattr(members_kind, "plan", failing)
    monkeypatch.setattr(jobs, "ROWS_CHUNK", 2)
    batch = flow.upload(canbo, cell, [flow.new_row(70 + n, cell) for n in range(6)])
    batch = flow.preview(canbo, batch)
    assert batch.status == Status.FAILED and not batch.rows.exists()


@pytest.mark.django_db
def test_cancel_before_the_commit_only(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    batch = flow.run(canbo, cell, [flow.new_row(80, cell)], committed=False)
    with pytest.raises(PermissionDenied):
        batches.batch_cancel(batch=batch, user=flow.user("giamsat"))
    batches.batch_cancel(batch=batch, user=canbo)
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.CANCELLED
    with pytest.raises(ValidationError):
        batches.batch_commit_request(batch=batch, user=canbo)
    committed = flow.run(canbo, cell, [flow.new_row(81, cell)])
    with pytest.raises(ValidationError):
        batches.batch_cancel(batch=committed, user=canbo)


# --- the scoped reads -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_history_and_a_batch_are_scoped(demo):
    canbo, bithu, cell, commune = flow.user("canbo"), flow.user("bithu"), flow.home_cell(), flow.commune()
    into_cell = flow.upload(bithu, cell, [flow.new_row(90, cell)])
    into_commune = flow.upload(canbo, commune, [flow.new_row(91, cell)])
    mine = {into_cell.pk, into_commune.pk}
    seen = {
        who: set(queries.batches_for(flow.user(who)).values_list("pk", flat=True)) & mine
        for who in ("canbo", "bithu", "dangvien", "giamsat", "kiemtra")
    }
    supervised = allows(flow.user("giamsat"), VIEW, cell.path)  # a supervisor reads the cells they follow
    assert seen == {
        "canbo": mine,
        "bithu": {into_cell.pk},
        "dangvien": set(),
        "giamsat": {into_cell.pk} if supervised else set(),
        "kiemtra": mine,  # the district's inspection reads
    }
    outsider = flow.outsider()
    assert not queries.batches_for(outsider).filter(pk__in=mine).exists()
    with pytest.raises(Http404):
        queries.batch_for(outsider, into_cell.pk)
    with pytest.raises(Http404):
        queries.batch_for(flow.user("kiemtra"), into_cell.pk, "manage")  # reads, may not handle
    assert queries.batch_for(bithu, into_cell.pk, "manage") == into_cell
    with pytest.raises(Http404):
        queries.batch_for(bithu, into_commune.pk)
    assert flow.user("kiemtra").has_perm("imports.view_batch", into_cell)
    assert not flow.user("kiemtra").has_perm("imports.handle_batch", into_cell)
    assert bithu.has_perm("imports.handle_batch", into_cell) and not outsider.has_perm("imports.view_batch", into_cell)
    assert not bithu.has_perm("imports.undo_batch", into_cell)  # not committed


@pytest.mark.django_db
def test_import_targets(demo):
    assert list(queries.import_targets(flow.user("bithu"), "members")) == [flow.home_cell()]
    assert not queries.import_targets(flow.user("bithu"), "tree").exists()
    commune = flow.commune()
    targets = queries.import_targets(flow.user("canbo"), "members")
    assert commune in targets and all(t.path.startswith(commune.path) for t in targets)
    assert not targets.filter(kind=Organization.Kind.PARTY_GROUP).exists()
    assert not queries.import_targets(flow.user("dangvien"), "members").exists()


def test_the_admin_shows_imports_read_only(rf):
    model_admin = admin.site._registry[ImportBatch]
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- a few thousand rows (the messy 10,000-row file is in test_real_files.py) ----------------------------------------


ROWS = 3_000


@pytest.mark.django_db
def test_thousands_of_rows_nothing_lost_or_duplicated(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    rows = testing.sample_members(ROWS, seed=14)
    for row in rows:
        row.pop("national_id"), row.pop("office")
        row["cell"] = ""
    rows[10]["card_number"] = rows[9]["card_number"]  # one duplicate: listed, not imported
    before = Member.objects.filter(cell=cell).count()
    batch = flow.upload(canbo, cell, rows)
    assert batch.rows_total == ROWS
    started = time.monotonic()
    batch = flow.preview(canbo, batch)
    previewed = time.monotonic() - started
    assert batch.counts["create"] == ROWS - 1 and batch.counts["refused"] == 1
    assert ImportRow.objects.filter(batch=batch).count() == ROWS
    started = time.monotonic()
    batch = flow.commit(canbo, batch)
    committed = time.monotonic() - started
    print(f"\n{ROWS} rows ({connection.vendor}): preview {previewed:.1f}s, commit {committed:.1f}s")
    assert batch.status == Status.COMMITTED, batch.error
    assert Member.objects.filter(cell=cell).count() == before + ROWS - 1
    cards = {row["card_number"] for row in rows}
    assert Member.objects.filter(card_number__in=cards).count() == ROWS - 1 == len(cards)
    assert ImportChange.objects.filter(batch=batch).count() == 2 * (ROWS - 1)
    refused = batch.rows.get(fate="refused")
    assert refused.row_number == batch.rows.order_by("pk")[10].row_number
