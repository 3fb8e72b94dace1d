"""The imports' pages per persona: the history and a batch's pages for every role that reads the subtree (no button
for the roles that only read), 404 outside the subtree and for a plain member, the verbs refused (404, nothing
changed) to the roles that only read; a bounded number of queries on the list and the batch's page; a file that is
not a spreadsheet refused in Vietnamese with nothing saved; and the whole way through, upload to undo, on a cell
with a year of history."""

from __future__ import annotations

import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.common.testing import snapshot
from apps.imports.models import ImportBatch, ImportChange, ImportRow
from apps.members.models import Member

state = snapshot(
    ImportBatch.objects.order_by("pk").values_list("pk", "status", "mapping", "options"),
    ImportRow.objects.order_by("pk").values_list("pk", "fate"),
    Member.objects.order_by("pk").values_list("pk", "full_name", "card_number"),
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = [{"name": "Danh sách", "header_row": 1, "columns": [[0, "Họ và tên"], [1, "Ngày sinh"], [2, "Số thẻ"]]}]


def url(name, *args):
    return reverse(name, args=args)


def make_batch(org, user, *, status="previewed", kind="members", rows=0, refused=0, name="ds-dang-vien.xlsx"):
    """A batch as the pipeline leaves it at ``status``, with ``rows`` good rows and ``refused`` bad ones."""
    batch = ImportBatch(
        organization=org,
        kind=kind,
        status=status,
        file_name=name,
        sha256="ab" * 32,
        size=5,
        uploaded_by=user,
        sheets=SHEETS,
        mapping={"full_name": 0, "date_of_birth": 1, "card_number": 2},
        counts={"create": rows, "update": 0, "unchanged": 0, "refused": refused, "warnings": 0},
        rows_total=rows + refused,
        rows_done=rows + refused,
        previewed_at=timezone.now(),
    )
    batch.file.save(name, ContentFile(b"PK fake workbook"), save=False)
    batch.save()
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                batch=batch,
                sheet="Danh sách",
                row_number=2 + i,
                fate="create",
                data={"full_name": f"Nguyễn Văn Mới {i}", "date_of_birth": "1970-02-01", "card_number": f"7{i:07d}"},
                conversions=[{"field": "full_name", "encoding": "tcvn3", "before": "NguyÔn", "after": "Nguyễn"}],
            )
            for i in range(rows)
        ]
        + [
            ImportRow(
                batch=batch,
                sheet="Danh sách",
                row_number=100 + i,
                fate="refused",
                data={"full_name": f"Lỗi {i}"},
                problems=[{"level": "error", "field": "date_of_birth", "message": f"Ngày sinh «31/02/19{i:02d}» sai"}],
            )
            for i in range(refused)
        ]
    )
    return batch


@pytest.fixture
def batches(history_world):
    w = history_world
    return {
        "a1": make_batch(w.cell_a1, w.secretary, rows=3, refused=2),
        "commune": make_batch(w.commune_a, w.staff, kind="tree", status="committed", rows=1, name="cay-to-chuc.xlsx"),
        "b1": make_batch(w.cell_b1, w.outsider, rows=1, name="khu-3.xlsx"),
    }


# -- the history ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "expected", "sees"),
    [
        ("secretary", 200, {"ds-dang-vien.xlsx"}),
        ("staff", 200, {"ds-dang-vien.xlsx", "cay-to-chuc.xlsx"}),
        ("inspector", 200, {"ds-dang-vien.xlsx", "cay-to-chuc.xlsx"}),
        ("supervisor", 200, set()),  # A2's supervisor: nothing was imported into A2
        ("outsider", 200, {"khu-3.xlsx"}),
        ("member_user", 404, set()),
    ],
)
@pytest.mark.django_db
def test_the_history_shows_the_subtree_imports(history_world, batches, client_for, persona, expected, sees):
    response = client_for(getattr(history_world, persona)).get(url("imports:list"))
    assert response.status_code == expected
    if expected == 200:
        shown = {b.file_name for b in response.context["page"].object_list}
        assert shown == sees


@pytest.mark.django_db
def test_the_upload_button_only_for_who_may_import(history_world, batches, client_for):
    assert url("imports:upload") in client_for(history_world.secretary).get(url("imports:list")).content.decode()
    assert url("imports:upload") not in client_for(history_world.inspector).get(url("imports:list")).content.decode()


@pytest.mark.django_db
def test_anonymous_goes_to_login(batches, client):
    for name, args in [("imports:list", ()), ("imports:upload", ()), ("imports:detail", (batches["a1"].pk,))]:
        response = client.get(url(name, *args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# -- a batch's pages -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "batch", "expected"),
    [
        ("secretary", "a1", 200),
        ("secretary", "commune", 404),  # the commune's tree: above the cell
        ("staff", "a1", 200),
        ("staff", "commune", 200),
        ("inspector", "a1", 200),
        ("supervisor", "a1", 404),  # supervises A2 only
        ("outsider", "a1", 404),
        ("outsider", "b1", 200),
        ("member_user", "a1", 404),
    ],
)
@pytest.mark.parametrize("name", ["imports:detail", "imports:file"])
@pytest.mark.django_db
def test_a_batch_and_its_file_are_scoped(history_world, batches, client_for, persona, batch, expected, name):
    response = client_for(getattr(history_world, persona)).get(url(name, batches[batch].pk))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 404),
        ("supervisor", 404),
        ("outsider", 404),
        ("member_user", 404),
    ],
)
@pytest.mark.parametrize("name", ["imports:mapping", "imports:commit", "imports:undo"])
@pytest.mark.django_db
def test_the_verbs_pages_need_the_right_to_import(history_world, batches, client_for, persona, expected, name):
    assert client_for(getattr(history_world, persona)).get(url(name, batches["a1"].pk)).status_code == expected


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "outsider", "member_user"])
@pytest.mark.parametrize("name", ["imports:mapping", "imports:commit", "imports:undo", "imports:cancel"])
@pytest.mark.django_db
def test_read_only_and_outside_roles_post_nothing(history_world, batches, client_for, persona, name):
    before = state()
    data = {"col_full_name": "0", "col_date_of_birth": "1", "col_card_number": "2"}
    response = client_for(getattr(history_world, persona)).post(url(name, batches["a1"].pk), data)
    assert response.status_code == 404
    assert state() == before


@pytest.mark.django_db
def test_a_reader_sees_the_preview_without_buttons(history_world, batches, client_for):
    batch = batches["a1"]
    page = client_for(history_world.inspector).get(url("imports:detail", batch.pk)).content.decode()
    assert "Lỗi 0" in page and "Ngày sinh «31/02/1900» sai" in page  # the refused rows come first, with the reason
    assert "«NguyÔn» → «Nguyễn»" not in page  # the default filter shows the rows with problems
    for name in ("imports:commit", "imports:mapping", "imports:cancel", "imports:undo"):
        assert url(name, batch.pk) not in page
    page = client_for(history_world.secretary).get(url("imports:detail", batch.pk)).content.decode()
    for name in ("imports:commit", "imports:mapping", "imports:cancel"):
        assert url(name, batch.pk) in page


@pytest.mark.django_db
def test_the_rows_filter_by_fate_and_show_the_conversions(history_world, batches, client_for):
    client = client_for(history_world.secretary)
    response = client.get(url("imports:detail", batches["a1"].pk), {"fate": "create"})
    page = response.content.decode()
    assert [item["row"].fate for item in response.context["shown_rows"]] == ["create"] * 3
    assert "TCVN3 (ABC): «NguyÔn» → «Nguyễn»" in page and "01/02/1970" in page
    response = client.get(url("imports:detail", batches["a1"].pk), {"fate": "update"})
    assert response.context["shown_rows"] == [] and 'id="rows"' in response.content.decode()  # the filters stay
    response = client.get(url("imports:detail", batches["a1"].pk), {"fate": "nonsense"})
    assert [item["row"].fate for item in response.context["shown_rows"]] == ["refused"] * 2


@pytest.mark.django_db
def test_the_original_file_is_an_access_entry(history_world, batches, client_for):
    batch = batches["a1"]
    response = client_for(history_world.inspector).get(url("imports:file", batch.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK fake workbook"
    assert response["Content-Disposition"].startswith("attachment")
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ImportBatch),
        object_pk=str(batch.pk),
        action=LogEntry.Action.ACCESS,
        actor=history_world.inspector,
    ).exists()


@pytest.mark.django_db
def test_a_busy_batch_is_polled_until_its_job_is_done(history_world, batches, client_for):
    batch = batches["a1"]
    ImportBatch.objects.filter(pk=batch.pk).update(status="previewing", rows_done=2, rows_total=5)
    client = client_for(history_world.secretary)
    page = client.get(url("imports:detail", batch.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    fragment = client.get(url("imports:detail", batch.pk), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode() and "HX-Refresh" not in fragment
    assert "<html" not in fragment.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status="previewed")
    fragment = client.get(url("imports:detail", batch.pk), headers={"HX-Request": "true"})
    assert "every 1s" not in fragment.content.decode() and fragment["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_a_committed_batch_links_what_it_wrote(history_world, batches, client_for):
    batch = batches["commune"]
    ImportChange.objects.create(
        batch=batch,
        model="members.member",
        object_pk=history_world.a2_member.pk,
        action="updated",
        before={"phone": ""},
        after={"phone": "0912"},
    )
    page = client_for(history_world.staff).get(url("imports:detail", batch.pk)).content.decode()
    assert url("members:detail", history_world.a2_member.pk) in page and history_world.a2_member.full_name in page
    assert url("imports:undo", batch.pk) in page


# -- queries -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries(world, client_for, django_assert_num_queries, count):
    for i in range(count):
        make_batch(world.cell_a1, world.secretary, rows=1, name=f"tep-{i}.xlsx")
    client = client_for(world.staff)
    # session, user, grants, the count, the page (organisation and uploader joined)
    with django_assert_num_queries(5):
        assert client.get(url("imports:list")).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.django_db
def test_the_batch_page_reads_a_fixed_number_of_queries(world, client_for, django_assert_num_queries, count):
    batch = make_batch(world.cell_a1, world.secretary, rows=count, refused=count)
    client = client_for(world.secretary)
    # session, user, grants, the batch (organisation and uploader joined), the rows' count and page
    with django_assert_num_queries(6):
        assert client.get(url("imports:detail", batch.pk), {"fate": "all"}).status_code == 200
    ImportBatch.objects.filter(pk=batch.pk).update(status="committed")
    for member in Member.objects.all()[:count]:
        ImportChange.objects.create(batch=batch, model="members.member", object_pk=member.pk, action="created")
    # … and the changes with their members
    with django_assert_num_queries(8):
        assert client.get(url("imports:detail", batch.pk)).status_code == 200


# -- the upload ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "expected", "tree"),
    [("secretary", 200, False), ("staff", 200, True), ("inspector", 404, False), ("member_user", 404, False)],
)
@pytest.mark.django_db
def test_the_upload_page_offers_what_the_user_may_import(world, client_for, persona, expected, tree):
    response = client_for(getattr(world, persona)).get(url("imports:upload"))
    assert response.status_code == expected
    if expected == 200:
        form = response.context["form"]
        assert ("tree" in dict(form.fields["kind"].choices)) is tree
        assert world.cell_b1 not in form.fields["organization"].queryset
        assert 'accept=".xlsx,.xls,.csv"' in response.content.decode()


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(
    world, client_for, django_capture_on_commit_callbacks
):
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.secretary).post(
            url("imports:upload"),
            {
                "kind": "members",
                "organization": world.cell_a1.pk,
                "file": SimpleUploadedFile("danh-sach.xlsx", PDF, content_type=XLSX),  # a PDF named .xlsx
            },
            headers={"Accept-Language": "vi"},
        )
    assert response.status_code == 200
    with translation.override("vi"):
        expected = gettext("This file is not a spreadsheet: upload an Excel file (.xlsx, .xls) or a .csv file.")
    assert expected in response.content.decode()
    assert response.context["form"].non_field_errors() == [expected]
    assert state() == before and not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_attendance_needs_its_year(world, client_for):
    response = client_for(world.secretary).post(
        url("imports:upload"),
        {"kind": "attendance", "organization": world.cell_a1.pk, "year": "", "file": xlsx_file([["Họ và tên"]])},
    )
    assert response.status_code == 200 and "year" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def xlsx_file(rows: list[list], name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


# -- the whole way through the pages ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_upload_map_commit_and_undo_through_the_pages(history_world, client_for, django_capture_on_commit_callbacks):
    """On a cell with a year of meetings: two new members, one known member's phone, one row refused; the forms
    posted as the pages render them; the jobs run when each request's transaction commits."""
    w = history_world
    known = w.plain_member
    client = client_for(w.secretary)
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng", "Điện thoại"]
    rows = [
        header,
        [1, "Đỗ Thị Mới", "02/03/1984", "Nữ", "47100001", "19/05/2012", None],
        [2, "Vũ Văn Mới", "04/05/1986", "Nam", "47100002", "19/05/2013", None],
        [3, known.full_name, known.date_of_birth.strftime("%d/%m/%Y"), "Nam", known.card_number, None, "0912345678"],
        [4, "Bùi Văn Sai", "31/02/1980", "Nam", "47100004", "19/05/2013", None],
    ]
    members = Member.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("imports:upload"),
            {"kind": "members", "organization": w.cell_a1.pk, "file": xlsx_file(rows), "submission_token": "t" * 24},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == url("imports:detail", batch.pk)
    assert batch.status == "mapping", batch.error

    response = client.get(url("imports:detail", batch.pk))
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", False)}
    assert data["col_full_name"] == "1" and data["col_phone"] == "6"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("imports:mapping", batch.pk), {k: str(v) for k, v in data.items()})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "previewed", batch.error
    assert [batch.counts.get(fate, 0) for fate in ("create", "update", "unchanged", "refused")] == [2, 1, 0, 1]
    page = client.get(url("imports:detail", batch.pk), {"fate": "update"}).content.decode()
    assert "«—» → «0912345678»" in page  # the known member's new phone, found by the card number

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url("imports:commit", batch.pk)).status_code == 200
        response = client.post(url("imports:commit", batch.pk))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed", batch.error
    assert Member.objects.count() == members + 2
    known.refresh_from_db()
    assert known.phone == "0912345678"
    page = client.get(url("imports:detail", batch.pk)).content.decode()
    new = Member.objects.get(full_name="Đỗ Thị Mới")
    assert url("members:detail", new.pk) in page and url("members:detail", known.pk) in page

    assert client.get(url("imports:undo", batch.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the undo job runs once the request commits
        response = client.post(url("imports:undo", batch.pk))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "undone"
    assert Member.objects.count() == members
    known.refresh_from_db()
    assert not known.phone
