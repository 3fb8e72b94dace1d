"""The export pages and jobs, on the members' table: the confirm page changes nothing, a small table downloads at
once, a large one runs as a job whose progress reaches its total, every export is an access entry, and an export is
its owner's alone."""

from __future__ import annotations

import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from apps.common.scoping import forget_grants
from apps.common.testing import snapshot
from apps.exports.models import Export
from apps.exports.rules.tables import names
from apps.exports.services import exports as services
from apps.members.testing import add_member
from apps.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db

state = snapshot(
    Export.objects.order_by("pk").values_list("pk", "status", "rows_done"),
    LogEntry.objects.order_by("pk").values_list("pk", "action"),
)


def start_url(table="members", **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("exports:start", args=[table]) + (f"?{query}" if query else "")


def sheet(response):
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def names_in(ws) -> list[str]:
    return [row[1] for row in ws.iter_rows(min_row=7, values_only=True) if isinstance(row[0], int)]


def access_entries(export: Export):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Export),
        object_pk=str(export.pk),
    )


def test_every_list_registers_its_table():
    assert {"members", "attendance", "register", "meetings", "tasks", "scores", "grades"} <= set(names())


def test_the_confirm_page_changes_nothing(world, client_for):
    client = client_for(world.staff)
    before = state()
    response = client.get(start_url(org=world.commune_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Danh sách đảng viên" in page and "Đảng bộ xã An" in page and "Số dòng: 3" in page
    assert state() == before


def test_unknown_table_and_out_of_scope_parameters_are_404(world, client_for):
    client = client_for(world.outsider)
    before = state()
    assert client.get(start_url("nothing")).status_code == 404
    assert client.get(start_url(org=world.commune_a.pk)).status_code == 404
    assert client.post(start_url(org=world.commune_a.pk)).status_code == 404
    assert client.get(start_url(org="abc")).status_code == 404
    assert state() == before


def test_a_small_table_downloads_at_once_and_is_recorded(world, client_for):
    client = client_for(world.staff)
    response = client.post(start_url(org=world.commune_a.pk))
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:download", args=[export.pk])
    assert (export.user, export.table, export.params) == (world.staff, "members", {"org": str(world.commune_a.pk)})
    assert (export.status, export.rows_done, export.rows_total) == ("done", 3, 3)
    entry = access_entries(export).get()
    assert entry.actor == world.staff  # who exported what and when
    response = client.get(response["Location"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="danh-sach-dang-vien-2026-12-01.xlsx"' in response["Content-Disposition"]
    ws = sheet(response)
    assert names_in(ws) == ["Lê Văn Đảng Viên", "Phạm Thị Thôn Đông", "Trần Thị Bí Thư"]  # the page's order


def test_nobody_else_sees_or_downloads_an_export(world, client_for):
    services.export_start(user=world.staff, name="members", params={})
    export = Export.objects.get()
    for other in (world.secretary, world.outsider, world.inspector):
        client = client_for(other)
        for name in ("exports:detail", "exports:download"):
            assert client.get(reverse(name, args=[export.pk])).status_code == 404
        assert export.title not in client.get(reverse("exports:list")).content.decode()


@override_settings(CHIBO_EXPORT_INLINE_ROWS=2, CHIBO_EXPORT_PROGRESS_EVERY=1)
def test_a_large_table_runs_as_a_job_whose_progress_reaches_its_total(
    world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    seen: list[int] = []
    monkeypatch.setattr(services, "_progress", lambda pk, rows: seen.append(rows))
    client = client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(org=world.commune_a.pk))
    export = Export.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[export.pk])
    assert seen == [1, 2, 3, 3]  # every row, then once at the end
    export.refresh_from_db()
    assert (export.status, export.rows_done, export.rows_total, export.error) == ("done", 3, 3, "")
    assert export.finished_at is not None
    assert access_entries(export).count() == 1  # a job is recorded like any export
    page = client.get(response["Location"]).content.decode()
    assert reverse("exports:download", args=[export.pk]) in page and "every 1s" not in page
    assert len(names_in(sheet(client.get(reverse("exports:download", args=[export.pk]))))) == 3


@override_settings(CHIBO_EXPORT_INLINE_ROWS=0)
def test_the_progress_fragment_polls_until_the_job_is_done(world, client_for):
    export = services.export_start(user=world.staff, name="members", params={})  # queued: on_commit never fires
    client = client_for(world.staff)
    url = reverse("exports:detail", args=[export.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment and "<h1>" not in fragment
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404  # not written yet
    assert services.export_run(export.pk) == "done"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in fragment and reverse("exports:download", args=[export.pk]) in fragment
    assert services.export_run(export.pk) == "skipped"  # a second run of the same job writes nothing


@override_settings(CHIBO_EXPORT_INLINE_ROWS=0)
def test_a_job_whose_owner_lost_the_right_fails_and_says_why(world):
    export = services.export_start(user=world.supervisor, name="members", params={"org": str(world.cell_a2.pk)})
    RoleGrant.objects.filter(user=world.supervisor).delete()
    forget_grants(world.supervisor)
    assert services.export_run(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == "failed" and export.error == "Bạn không còn quyền xem bảng này."
    assert not export.file


def test_a_plain_member_exports_only_their_own_record(world, client_for):
    add_member(world.cell_a1, full_name="Đỗ Văn Khác")
    client = client_for(world.member_user)
    client.post(start_url())
    export = Export.objects.get()
    assert names_in(sheet(client.get(reverse("exports:download", args=[export.pk])))) == ["Lê Văn Đảng Viên"]


def test_list_and_detail_pages_read_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        services.export_start(user=world.staff, name="members", params={})
    client = client_for(world.staff)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("exports:list")).content.decode()
    assert page.count(reverse("exports:download", args=[Export.objects.first().pk])) == 1
    with django_assert_max_num_queries(5):
        assert client.get(reverse("exports:detail", args=[Export.objects.first().pk])).status_code == 200
