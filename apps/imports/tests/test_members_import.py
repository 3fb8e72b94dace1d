"""Importing a member list into the sample demo (a district with a year of meetings): the members already recorded
(with their attendance) are matched, not duplicated; legacy text is repaired and shown; every problem refuses or
warns its row in a way the preview shows; the same file twice changes nothing; the audit trail records the writes."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from apps.imports.models import ImportBatch, ImportChange, ImportMapping
from apps.imports.tests import flow
from apps.members.models import CellMembership, Member

Status = ImportBatch.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the messages are English msgids until the catalogue has them
        yield


def cell_members(cell, count=3):
    return list(Member.objects.filter(cell=cell, active=True, card_number__isnull=False).select_related("cell")[:count])


@pytest.mark.django_db
def test_a_cells_list_with_known_and_new_members(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    known = cell_members(cell)
    assert all(m.attendances.exists() for m in known)  # members with a year of history
    renamed = known[1]
    rows = [
        flow.row_of(known[0]),
        flow.row_of(renamed, full_name=renamed.full_name.upper(), card_number=""),  # matched by national ID
        flow.row_of(known[2], residence="Tổ 7, khu phố 2"),
        flow.new_row(1, cell),
        flow.new_row(2, cell, official_on="", card_number=""),  # probationary: no card yet
    ]
    before = Member.objects.count()
    batch = flow.run(canbo, flow.commune(), rows)
    assert batch.status == Status.COMMITTED, batch.error
    assert flow.fates(batch) == ["unchanged", "unchanged", "update", "create", "create"]
    matched_by = [row.data.get("matched_by") for row in batch.rows.order_by("pk")]
    assert matched_by == ["card_number", "national_id", "card_number", None, None]
    assert batch.rows.get(row_number__gt=0, fate="update").data["changes"] == {
        "residence": [known[2].residence, "Tổ 7, khu phố 2"]
    }
    assert [batch.counts[fate] for fate in ("create", "update", "unchanged", "refused")] == [2, 1, 2, 0]
    assert Member.objects.count() == before + 2
    new = Member.objects.get(card_number="47000001")
    assert (new.cell, new.status, new.full_name_search) == (cell, "official", "le thi uoc 1")
    period = CellMembership.objects.get(member=new)
    assert (period.cell, period.joined_on, period.left_on) == (cell, new.admitted_on, None)
    probationary = Member.objects.get(full_name="Lê Thị Ước 2")
    assert probationary.status == "probationary" and probationary.card_number is None
    known[2].refresh_from_db()
    assert known[2].residence == "Tổ 7, khu phố 2"
    assert ImportChange.objects.filter(batch=batch).count() == 2 + 2 + 1  # two members and their periods, one update
    member_type = LogEntry.objects.filter(content_type__model="member")
    assert member_type.filter(object_id=new.pk, action=LogEntry.Action.CREATE).exists()
    assert member_type.filter(object_id=known[2].pk, action=LogEntry.Action.UPDATE).exists()


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    rows = [flow.row_of(m) for m in cell_members(cell, 4)] + [flow.new_row(n, cell) for n in range(3, 6)]
    first = flow.run(canbo, cell, rows)
    assert first.counts["create"] == 3 and first.counts["unchanged"] == 4
    last_entry, changes = LogEntry.objects.order_by("-pk").values_list("pk", flat=True)[0], ImportChange.objects.count()
    second = flow.run(canbo, cell, rows)
    assert second.status == Status.COMMITTED and set(flow.fates(second)) == {"unchanged"}
    assert second.counts["unchanged"] == 7 and not second.changes.exists()
    # Nothing but the second batch's own record (its upload and its moves through the statuses).
    written = LogEntry.objects.filter(pk__gt=last_entry).values_list("content_type__model", flat=True)
    assert set(written) == {"importbatch"}
    assert ImportChange.objects.count() == changes
    signature = first.sheets[0]["signature"]
    assert ImportMapping.objects.filter(organization=cell, kind="members", signature=signature).count() == 1


@pytest.mark.django_db
def test_legacy_fonts_are_repaired_and_the_conversion_shown(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    rows = [flow.new_row(10, cell, full_name="Nguyễn Văn Ước"), flow.new_row(11, cell, full_name="Trần Thị Ẩn")]
    for encoding, expected in (("tcvn3", "tcvn3"), ("vni", "vni")):
        batch = flow.run(canbo, cell, rows, committed=False, encoding=encoding)
        names = [row.data["full_name"] for row in batch.rows.order_by("pk")]
        assert names == ["Nguyễn Văn Ước", "Trần Thị Ẩn"]
        conversions = batch.rows.order_by("pk").first().conversions
        assert any(c["field"] == "full_name" and c["encoding"] == expected for c in conversions), conversions
        flow.batches.batch_cancel(batch=batch, user=canbo)
    batch = flow.run(canbo, cell, rows, encoding="nfd")
    assert set(Member.objects.filter(card_number__in=["47000010", "47000011"]).values_list("full_name", flat=True)) == {
        "Nguyễn Văn Ước",
        "Trần Thị Ẩn",
    }


@pytest.mark.django_db
def test_each_problem_refuses_or_warns_its_row(demo):
    canbo, cell = flow.user("canbo"), flow.home_cell()
    sibling = flow.sibling_cell()
    elsewhere = cell_members(sibling, 1)[0]
    rows = [
        flow.new_row(20, cell),  # 5: fine
        flow.new_row(21, cell, card_number="47000020"),  # 6: the card number of row 5
        flow.new_row(22, cell="Chi bộ Không Có"),  # 7: unknown cell
        flow.new_row(23, cell, date_of_birth="31/02/1970"),  # 8: not a date
        flow.new_row(24, cell, date_of_birth=flow.AS_OF.replace(year=2015)),  # 9: eleven years old
        flow.row_of(elsewhere, cell=cell.name),  # 10: active in the sibling cell
        flow.new_row(25, cell, official_on="", admitted_on=flow.AS_OF.replace(year=2024)),  # 11: probation overdue
        flow.new_row(26, cell, card_number=""),  # 12: official without card
        flow.new_row(27, cell, gender=""),  # 13: no gender for a new member
    ]
    batch = flow.run(canbo, flow.commune(), rows, committed=False, title_rows=False)
    found = flow.problems(batch)
    first = min(batch.rows.values_list("row_number", flat=True))
    at = {n - first: found.get(n, []) for n in range(first, first + len(rows))}
    assert at[0] == []
    assert at[1][0][:2] == ("error", "card_number") and f"row {first}" in at[1][0][2]
    assert at[2][0][:2] == ("error", "cell") and "Chi bộ Không Có" in at[2][0][2]
    assert at[3][0][:2] == ("error", "date_of_birth")
    assert ("error", "date_of_birth") in [p[:2] for p in at[4]]
    assert at[5][0][:2] == ("error", "cell") and sibling.name in at[5][0][2]
    assert at[6] == [("warning", "official_on", at[6][0][2])] and "overdue" in at[6][0][2]
    assert [p[:2] for p in at[7]] == [("warning", "card_number")]
    assert at[8][0][:2] == ("error", "gender")
    assert flow.fates(batch) == ["create", "refused", "refused", "refused", "refused", "refused", "create"] + [
        "create",
        "refused",
    ]
    assert batch.counts["refused"] == 6 and batch.counts["warnings"] == 2
    committed = flow.commit(canbo, batch)
    assert committed.status == Status.COMMITTED
    assert Member.objects.filter(card_number__in=["47000020", "47000025", "47000026"]).count() == 3 - 1  # 26: none
    assert Member.objects.filter(full_name="Lê Thị Ước 26").exists()


@pytest.mark.django_db
def test_a_member_active_elsewhere_is_named_only_to_who_may_see_that_cell(demo):
    bithu, canbo, cell = flow.user("bithu"), flow.user("canbo"), flow.home_cell()
    sibling = flow.sibling_cell()
    elsewhere = cell_members(sibling, 1)[0]
    row = [flow.row_of(elsewhere, cell="", national_id="")]
    for who, named in ((bithu, False), (canbo, True)):
        batch = flow.run(who, cell, row, committed=False)
        [(level, field, message)] = flow.problems(batch).popitem()[1]
        assert (level, field) == ("error", "card_number")
        assert (sibling.name in message) is named, message
        assert batch.rows.get().target_pk is None


@pytest.mark.django_db
def test_a_sheet_per_cell_and_the_cell_chosen_for_the_file(demo):
    canbo, cell, commune = flow.user("canbo"), flow.home_cell(), flow.commune()
    sibling = flow.sibling_cell()
    rows = [flow.new_row(30, cell), flow.new_row(31, sibling), flow.new_row(32, cell)]
    batch = flow.run(canbo, commune, rows, committed=False, sheet_per_cell=True, options={"sheet_per_cell": True})
    assert [(r.sheet, r.fate, r.data["cell_id"]) for r in batch.rows.order_by("pk")] == [
        (cell.name, "create", cell.pk),
        (cell.name, "create", cell.pk),
        (sibling.name, "create", sibling.pk),
    ]
    no_column = [flow.new_row(33), flow.new_row(34)]
    batch = flow.run(canbo, commune, no_column, committed=False)
    assert set(flow.fates(batch)) == {"refused"}  # a committee's file must say where each member goes
    batch = flow.preview(canbo, batch, options={"cell_id": sibling.pk})
    assert set(batch.rows.values_list("data__cell_id", flat=True)) == {sibling.pk}


@pytest.mark.django_db
def test_a_csv_files_rows_are_named_by_the_file_the_user_uploaded(demo):
    """A text file has no sheets: a problem naming another row calls its one sheet by the uploaded file's name, not by
    the random name the file is stored under."""
    canbo, cell = flow.user("canbo"), flow.home_cell()
    first = flow.new_row(31, cell)
    rows = [first, flow.new_row(32, cell, card_number=first["card_number"])]
    batch = flow.preview(canbo, flow.upload(canbo, flow.commune(), rows, name="dang-vien-xom-4.csv", fmt="csv"))
    assert batch.sheets[0]["name"] == "dang-vien-xom-4"
    messages = [message for found in flow.problems(batch).values() for _level, _field, message in found]
    assert any("“dang-vien-xom-4”" in message for message in messages), messages
