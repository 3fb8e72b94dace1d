"""Importing the organisation tree on the sample demo: a province's file goes in under its target node, judged as a
whole first (a cycle, an orphan, a duplicate refuse their rows and nothing else), existing organisations are
unchanged or updated but never moved, the nesting is read from the sheet's layout, and only someone who may
restructure the target can do it. The commit records every organisation for the undo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.common.scoping import Role
from apps.imports.models import ImportBatch, ImportChange
from apps.imports.queries import batches as queries
from apps.imports.rules.plan import CREATE, REFUSED, UNCHANGED, UPDATE, Planned, SourceRow
from apps.imports.services import batches, changes, jobs, tree
from apps.imports.services.context import PlanContext
from apps.imports.tests import flow
from apps.imports.tests.files import write_tree
from apps.members.models import Member
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.services import tree as org_services

User = get_user_model()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


def new_batch(who, into: Organization, *, mapping=None, options=None) -> ImportBatch:
    return ImportBatch.objects.create(
        organization=into,
        kind="tree",
        file="imports/test/to-chuc.xlsx",
        file_name="to-chuc.xlsx",
        sha256="0" * 64,
        uploaded_by=who,
        mapping=mapping or {},
        options=options or {},
    )


def plan(who, batch: ImportBatch, sources: list[SourceRow], columns=None) -> list[Planned]:
    context = PlanContext(
        batch=batch,
        user=who,
        organization=batch.organization,
        options=batch.options,
        today=timezone.localdate(),
        columns=columns or {},
    )
    return list(tree.plan(batch=batch, table_rows=sources, context=context))


def apply(who, batch: ImportBatch, planned: list[Planned]) -> None:
    tree.apply(batch=batch, planned=[p for p in planned if p.fate in (CREATE, UPDATE)], user=who)


def source(number: int, code: str, name: str, kind: str = "", parent: str = "", **values) -> SourceRow:
    return SourceRow("Tổ chức", number, {"code": code, "name": name, "kind": kind, "parent_code": parent, **values})


def admin():
    return flow.user("quantri")


def new_province(code: str = "TM") -> Organization:
    return org_services.organization_create(
        parent=None, kind="committee", code=code, name="Đảng bộ tỉnh Mới", level_label="Đảng bộ tỉnh"
    )


def province_file(top: str = "TM") -> list[SourceRow]:
    """The province itself (the target: matched, unchanged), 3 communes, 16 cells: 20 rows."""
    rows = [source(4, top, "Đảng bộ tỉnh Mới", "Đảng bộ tỉnh")]
    number = 5
    for c in range(1, 4):
        rows.append(source(number, f"{top}X{c}", f"Đảng bộ xã Số {c}", "Đảng bộ cơ sở", top, sector="Khu dân cư"))
        number += 1
        for k in range(1, 6 + (c == 1)):
            rows.append(source(number, f"{top}X{c}C{k}", f"Chi bộ Thôn {k}", "Chi bộ trực thuộc", f"{top}X{c}"))
            number += 1
    return rows


@pytest.mark.django_db
def test_a_province_file_goes_in_under_its_target_and_a_second_time_changes_nothing(demo):
    target = new_province()
    who = admin()
    batch = new_batch(who, target)
    sources = province_file()
    assert len(sources) == 20
    planned = plan(who, batch, sources)
    assert [p.fate for p in planned] == [UNCHANGED] + [CREATE] * 19
    assert planned[1].data["parent_code"] == "TM" and planned[1].data["depth"] == 1
    assert planned[1].data["level_label"] == "Đảng bộ cơ sở" and planned[1].data["sector"] == "residential"
    entries = LogEntry.objects.count()
    apply(who, batch, planned)
    nodes = Organization.objects.filter(path__startswith=target.path).exclude(pk=target.pk)
    assert nodes.count() == 19
    assert nodes.filter(kind="cell").count() == 16 and nodes.filter(depth=target.depth + 1).count() == 3
    cell = Organization.objects.get(code="TMX2C3")
    assert Organization.objects.get_parent(cell).code == "TMX2" and cell.level_label == "Chi bộ trực thuộc"
    assert ImportChange.objects.filter(batch=batch, action="created", model="orgs.organization").count() == 19
    assert LogEntry.objects.count() - entries >= 19  # each organisation's creation is audited
    assert queries.undo_blockers(batch) == []

    again = new_batch(who, target)
    replanned = plan(who, again, province_file())
    assert {p.fate for p in replanned} == {UNCHANGED}
    entries = LogEntry.objects.count()
    apply(who, again, replanned)
    assert not ImportChange.objects.filter(batch=again).exists() and LogEntry.objects.count() == entries

    changes.reverse(batch)  # the undo: every organisation the import created goes, children first
    assert not Organization.objects.filter(path__startswith=target.path).exclude(pk=target.pk).exists()


@pytest.mark.django_db
def test_a_cycle_an_orphan_and_a_duplicate_refuse_their_rows_and_the_rest_goes_in(demo):
    target = new_province()
    who = admin()
    sources = [
        *province_file(),
        source(40, "TMV1", "Đảng bộ vòng 1", "Đảng bộ", "TMV2"),
        source(41, "TMV2", "Đảng bộ vòng 2", "Đảng bộ", "TMV1"),
        source(42, "TMO", "Chi bộ mồ côi", "Chi bộ", "KHONGCO"),
        source(43, "TMX3", "Đảng bộ xã trùng mã", "Đảng bộ", "TM"),
        source(44, flow.home_cell().code, "Chi bộ của xã khác", "Chi bộ", "TMX1"),  # a code used outside the target
    ]
    batch = new_batch(who, target)
    planned = {p.row_number: p for p in plan(who, batch, sources)}
    refused = {n for n, p in planned.items() if p.fate == REFUSED}
    cells_of_x3 = {n for n, p in planned.items() if p.data["parent_code"] == "TMX3" and n < 40}
    assert cells_of_x3 == {19, 20, 21, 22, 23}  # under the first TMX3 (row 18), refused with it: a duplicate code
    assert refused == {40, 41, 42, 43, 44, 18} | cells_of_x3
    assert planned[42].problems[0].field == "parent_code" and "KHONGCO" in planned[42].problems[0].message
    assert "TMX3" in planned[43].problems[0].message
    apply(who, batch, list(planned.values()))
    created = set(Organization.objects.filter(path__startswith=target.path).values_list("code", flat=True))
    assert created == {"TM"} | {p.data["code"] for p in planned.values() if p.fate == CREATE}
    assert "TMX3" not in created and "TMX1C1" in created


@pytest.mark.django_db
def test_existing_organisations_are_updated_and_never_moved(demo):
    commune = flow.commune()
    who = flow.user("canbo")
    cells = list(Organization.objects.filter(path__startswith=commune.path, kind="cell").order_by("path")[:2])
    first, second = cells
    other_commune = Organization.objects.filter(depth=commune.depth, kind="committee").exclude(pk=commune.pk).first()
    sources = [
        source(3, first.code, first.name + " (mới)", "", Organization.objects.get_parent(first).code, sector="Cơ quan"),
        source(4, second.code, second.name, "", first.code),  # put under another cell: a move
        source(5, commune.code, commune.name, ""),  # the target itself, at the top: unchanged
        source(6, "XNEW1", "Tổ đảng số 1", "Tổ đảng", first.code),
        source(7, other_commune.code, "Đảng bộ xã khác", "Đảng bộ", commune.code),  # outside the target
    ]
    batch = new_batch(who, commune)
    planned = {p.row_number: p for p in plan(who, batch, sources)}
    assert planned[3].fate == UPDATE and planned[3].target_pk == first.pk
    assert planned[3].data["changes"] == {
        "name": [first.name, first.name + " (mới)"],
        "sector": [first.sector, "agency"],
    }
    assert planned[4].fate == REFUSED and planned[4].problems[0].field == "parent_code"
    assert planned[5].fate == UNCHANGED
    assert planned[6].fate == CREATE and planned[6].data["kind"] == "party_group"
    assert planned[7].fate == REFUSED
    apply(who, batch, list(planned.values()))
    first.refresh_from_db()
    assert (first.name, first.sector) == (planned[3].data["name"], "agency")
    assert Organization.objects.get_parent(Organization.objects.get(pk=second.pk)) != first
    change = ImportChange.objects.get(batch=batch, action="updated")
    assert change.before["name"] != change.after["name"] and change.after["sector"] == "agency"
    assert LogEntry.objects.get_for_object(first).filter(action=LogEntry.Action.UPDATE).exists()
    assert queries.undo_blockers(batch) == []
    changes.reverse(batch)
    first.refresh_from_db()
    assert first.name == cells[0].name and not Organization.objects.filter(code="XNEW1").exists()


@pytest.mark.django_db
def test_a_cell_with_members_stays_a_cell(demo):
    commune = flow.commune()
    cell = flow.home_cell()
    assert Member.objects.filter(cell=cell).exists()
    batch = new_batch(flow.user("canbo"), commune)
    (planned,) = plan(flow.user("canbo"), batch, [source(3, cell.code, cell.name, "Đảng bộ bộ phận")])
    assert planned.fate == REFUSED and planned.problems[-1].field == "kind"


@pytest.mark.django_db
def test_the_nesting_is_read_from_the_column_that_holds_the_name(demo):
    target = new_province("TL")
    who = admin()
    columns = [(0, "STT"), (1, "Đảng bộ"), (2, "Chi bộ"), (3, "Mã")]
    raw_rows = [
        ("1", "Đảng bộ xã Lúa", None, "TLA"),
        ("2", None, "Chi bộ Thôn 1", "TLA1"),
        ("3", None, "Chi bộ Thôn 2", "TLA2"),
        ("4", "Đảng bộ xã Ngô", None, "TLB"),
        ("5", None, "Thôn Bãi", "TLB1"),  # no kind word: its column's header says "Chi bộ"
    ]
    sources = [
        SourceRow("Sheet1", n, {"name": raw[1], "code": raw[3]}, {"raw": raw}) for n, raw in enumerate(raw_rows, 5)
    ]
    batch = new_batch(who, target, mapping={"name": 1, "code": 3})
    planned = plan(who, batch, sources, columns={"Sheet1": columns})
    assert [p.fate for p in planned] == [CREATE] * 5
    assert [p.data["parent_code"] for p in planned] == ["TL", "TLA", "TLA", "TL", "TLB"]
    assert [p.data["kind"] for p in planned] == ["committee", "cell", "cell", "committee", "cell"]
    assert {p.data["nesting"] for p in planned} == {"columns"}
    apply(who, batch, planned)
    assert Organization.objects.get_parent(Organization.objects.get(code="TLB1")).code == "TLB"


@pytest.mark.django_db
def test_the_nesting_is_read_from_a_numbering_column(demo):
    target = new_province("TN")
    who = admin()
    raw_rows = [
        ("1", "Đảng bộ xã Lúa", "TNA"),
        ("1.1", "Chi bộ Thôn 1", "TNA1"),
        ("1.1.1", "Tổ đảng số 1", "TNA1G"),
        ("1.2", "Chi bộ Thôn 2", "TNA2"),
        ("2", "Đảng bộ xã Ngô", "TNB"),
        ("2.1", "Chi bộ Thôn Bãi", "TNB1"),
    ]
    sources = [
        SourceRow("Sheet1", n, {"name": raw[1], "code": raw[2]}, {"raw": raw}) for n, raw in enumerate(raw_rows, 5)
    ]
    batch = new_batch(who, target, mapping={"name": 1, "code": 2})
    planned = plan(who, batch, sources, columns={"Sheet1": [(0, "STT"), (1, "Tên tổ chức"), (2, "Mã")]})
    assert [p.data["parent_code"] for p in planned] == ["TN", "TNA", "TNA1", "TNA", "TN", "TNB"]
    assert {p.data["nesting"] for p in planned} == {"numbering"} and {p.fate for p in planned} == {CREATE}


@pytest.mark.django_db
def test_only_someone_who_restructures_the_target_imports_a_tree(demo):
    cell, commune = flow.home_cell(), flow.commune()
    secretary = flow.user("bithu")
    for target in (cell, commune):
        batch = new_batch(secretary, target)
        with pytest.raises(PermissionDenied):
            plan(secretary, batch, [source(3, "ZZ1", "Tổ đảng số 9", "Tổ đảng", cell.code)])
        with pytest.raises(PermissionDenied):
            tree.apply(batch=batch, planned=[], user=secretary)
    outsider = flow.outsider()
    assert RoleGrant.objects.filter(user=outsider, role=Role.COMMITTEE_STAFF).exists()
    with pytest.raises(PermissionDenied):
        plan(outsider, new_batch(outsider, commune), [source(3, "ZZ1", "Chi bộ Z", "Chi bộ")])
    assert not Organization.objects.filter(code="ZZ1").exists()


@pytest.mark.django_db
def test_a_tree_file_in_a_legacy_font_through_the_pipeline(demo):
    commune = flow.commune()
    who = flow.user("canbo")
    rows = [
        {"code": "HB-A", "name": "Chi bộ Thôn Hòa An", "kind": "Chi bộ", "parent_code": commune.code},
        {"code": "HB-A1", "name": "Tổ đảng số 1", "kind": "Tổ đảng", "parent_code": "HB-A"},
        {"code": "HB-B", "name": "Đảng bộ bộ phận Khu Bắc", "kind": "Đảng bộ bộ phận", "parent_code": commune.code},
        {"code": "HB-B1", "name": "Chi bộ Khu Bắc 1", "kind": "Chi bộ", "parent_code": "HB-B"},
        {"code": "HB-X", "name": "Chi bộ lạc", "kind": "Chi bộ", "parent_code": "HB-KHONG"},
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = write_tree(Path(folder) / "to-chuc.xlsx", rows, encoding="tcvn3")
        upload = SimpleUploadedFile("to-chuc.xlsx", path.read_bytes())
    batch = batches.batch_upload(user=who, organization=commune, kind="tree", uploaded_file=upload)
    jobs.batch_analyse(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING, batch.error
    batch = flow.preview(who, batch)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    assert flow.fates(batch) == [CREATE, CREATE, CREATE, CREATE, REFUSED]
    first = batch.rows.order_by("pk").first()
    assert first.data["name"] == "Chi bộ Thôn Hòa An"
    assert any(c["encoding"] == "tcvn3" and c["after"] == "Chi bộ Thôn Hòa An" for c in first.conversions)
    batch = flow.commit(who, batch)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    b1 = Organization.objects.get(code="HB-B1")
    assert b1.name == "Chi bộ Khu Bắc 1" and Organization.objects.get_parent(b1).code == "HB-B"
    assert Organization.objects.get(code="HB-B").level_label == "Đảng bộ bộ phận"
    assert batch.counts["create"] == 4 and batch.counts["refused"] == 1
