"""Preparation pages: who sees and changes what (outsider 404 with nothing changed, anonymous to login, plain
members read published documents only), htmx agenda edits, scoped file downloads, bounded queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes, MinutesVersion
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import prep as services_prep
from apps.meetings.testing import make_meeting
from tests.samples import docx_bytes


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


# Everything the preparation and minutes views can change.
state = snapshot(
    Meeting.objects.order_by("pk").values_list(
        "pk", "preparer_id", "members_notified_at", "supervisor_notified_at", "prepares_id"
    ),
    MeetingDocument.objects.order_by("pk").values_list("pk", "title", "text", "published_at", "approved_at"),
    AgendaItem.objects.order_by("pk").values_list("pk", "position", "section", "title"),
    Minutes.objects.order_by("pk").values_list("pk", "text", "status", "revision"),
    MinutesVersion.objects.order_by("pk").values_list("pk", "number", "text"),
)


@pytest.fixture
def prepared(world):
    """A thematic meeting of cell A1 in three days with a published draft report, an unpublished lead paper
    carrying a file, and draft minutes."""
    meeting = make_meeting(world.cell_a1, kind="thematic", when=timezone.now() + timedelta(days=3))
    report = services_prep.document_add(
        meeting=meeting, kind="draft_report", title="Báo cáo tháng 3", text="Nội dung báo cáo", by=world.secretary
    )
    services_prep.document_publish(document=report)
    paper = services_prep.document_add(
        meeting=meeting,
        kind="lead_paper",
        title="Đề dẫn chuyên đề",
        text="Bản thảo",
        file=SimpleUploadedFile("de-dan.pdf", b"%PDF-1.4 de dan", content_type="application/pdf"),
        by=world.secretary,
    )
    services_minutes.minutes_generate(meeting=meeting)
    return meeting, report, paper


# ---------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 200),
        ("member_user", 200),  # reads the agenda and published documents
        ("supervisor", 404),  # supervises another cell
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_prepare_page_is_scoped(world, client_for, prepared, persona, expected):
    meeting, _report, _paper = prepared
    assert client_for(getattr(world, persona)).get(url("prepare", meeting.pk)).status_code == expected


@pytest.mark.django_db
def test_the_secretary_sees_drafts_and_every_tool(world, client_for, prepared):
    meeting, _report, paper = prepared
    page = client_for(world.secretary).get(url("prepare", meeting.pk)).content.decode()
    assert "Đề dẫn chuyên đề" in page and "Báo cáo tháng 3" in page
    for name, arg in [
        ("notify", meeting.pk),
        ("document_add", meeting.pk),
        ("agenda_item_add", meeting.pk),
        ("prepare_preparer", meeting.pk),
        ("board_meeting", meeting.pk),
        ("document_approve", paper.pk),
        ("document_publish", paper.pk),
    ]:
        assert url(name, arg) in page


@pytest.mark.django_db
def test_a_plain_member_reads_published_documents_only_and_gets_no_tools(world, client_for, prepared):
    meeting, report, paper = prepared
    page = client_for(world.member_user).get(url("prepare", meeting.pk)).content.decode()
    assert "Báo cáo tháng 3" in page and "Đề dẫn chuyên đề" not in page
    assert url("notify", meeting.pk) not in page and url("agenda_item_add", meeting.pk) not in page
    assert url("board_meeting", meeting.pk) not in page
    assert meeting.agenda_items.first().title in page


@pytest.mark.django_db
def test_an_inspector_reads_drafts_but_gets_no_tools(world, client_for, prepared):
    meeting, _report, paper = prepared
    page = client_for(world.inspector).get(url("prepare", meeting.pk)).content.decode()
    assert "Đề dẫn chuyên đề" in page and url("document_file", paper.pk) in page
    assert url("notify", meeting.pk) not in page and url("document_publish", paper.pk) not in page


@pytest.mark.parametrize("name", ["prepare", "document_add", "board_meeting", "minutes", "minutes_history"])
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, prepared, name):
    meeting, _report, _paper = prepared
    response = client.get(url(name, meeting.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_anonymous_cannot_download(world, client, prepared):
    _meeting, report, paper = prepared
    response = client.get(url("document_file", paper.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "published", "expected"),
    [
        ("secretary", False, 200),
        ("inspector", False, 200),
        ("member_user", False, 404),  # not yet available to members
        ("member_user", True, 200),
        ("supervisor", True, 404),
        ("outsider", True, 404),
    ],
)
@pytest.mark.django_db
def test_document_downloads_are_scoped(world, client_for, prepared, persona, published, expected):
    _meeting, _report, paper = prepared
    if published:
        services_prep.document_publish(document=paper)
    response = client_for(getattr(world, persona)).get(url("document_file", paper.pk))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 de dan"
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_document_without_a_file_has_no_download(world, client_for, prepared):
    _meeting, report, _paper = prepared
    assert client_for(world.secretary).get(url("document_file", report.pk)).status_code == 404


@pytest.mark.parametrize(("persona", "expected"), [("inspector", 200), ("member_user", 404), ("outsider", 404)])
@pytest.mark.django_db
def test_board_pre_meeting_page_is_for_the_leaders_and_the_committee(world, client_for, prepared, persona, expected):
    meeting, _report, _paper = prepared
    assert client_for(getattr(world, persona)).get(url("board_meeting", meeting.pk)).status_code == expected


# ---------------------------------------------------------------------------------------------- denied changes


def denied_posts(meeting, report, paper):
    item = meeting.agenda_items.order_by("position").first()
    return [
        ("prepare_preparer", meeting.pk, {"preparer": ""}),
        ("document_add", meeting.pk, {"kind": "other", "title": "Chen vào", "text": "x"}),
        ("document_publish", paper.pk, {}),
        ("document_approve", paper.pk, {}),
        ("board_meeting", meeting.pk, {"scheduled_at": "01/01/2020 08:00", "place": "x"}),
        ("notify", meeting.pk, {}),
        ("agenda_item_add", meeting.pk, {"section": "body", "title": "Chen vào"}),
        ("agenda_item_edit", item.pk, {"title": "Bị sửa"}),
        ("agenda_item_move", item.pk, {"direction": "down"}),
        ("agenda_item_delete", item.pk, {}),
        ("minutes_generate", meeting.pk, {"revision": "1"}),
        ("minutes_save", meeting.pk, {"text": "Sửa lén", "revision": "1"}),
        ("minutes_adopt", meeting.pk, {"revision": "1"}),
        ("minutes_correct", meeting.pk, {"text": "Sửa lén", "reason": "x"}),
    ]


@pytest.mark.parametrize("persona", ["outsider", "supervisor", "inspector", "member_user"])
@pytest.mark.django_db
def test_denied_changes_answer_404_and_change_nothing(world, client_for, prepared, persona):
    meeting, report, paper = prepared
    client = client_for(getattr(world, persona))
    before = state()
    for name, arg, data in denied_posts(meeting, report, paper):
        response = client.post(url(name, arg), data)
        assert response.status_code == 404, name
    assert state() == before


@pytest.mark.django_db
def test_anonymous_posts_go_to_login_and_change_nothing(world, client, prepared):
    meeting, report, paper = prepared
    before = state()
    for name, arg, data in denied_posts(meeting, report, paper):
        response = client.post(url(name, arg), data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert state() == before


# ---------------------------------------------------------------------------------------------- the secretary's work


@pytest.mark.django_db
def test_the_secretary_prepares_the_meeting_through_the_pages(
    world, client_for, prepared, django_capture_on_commit_callbacks
):
    meeting, report, paper = prepared
    client = client_for(world.secretary)
    response = client.post(url("prepare_preparer", meeting.pk), {"preparer": world.plain_member.pk})
    assert response.status_code == 302 and response["Location"].endswith("#preparer")
    response = client.post(
        url("document_add", meeting.pk),
        {
            "kind": "draft_resolution",
            "title": "Dự thảo nghị quyết",
            "text": "",
            "file": SimpleUploadedFile("du-thao.docx", docx_bytes(), content_type="application/octet-stream"),
        },
    )
    assert response.status_code == 302
    draft = MeetingDocument.objects.get(meeting=meeting, kind="draft_resolution")
    assert client.post(url("document_publish", draft.pk)).status_code == 302
    assert client.post(url("document_approve", paper.pk)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("notify", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    draft.refresh_from_db()
    paper.refresh_from_db()
    assert meeting.preparer == world.plain_member and meeting.members_notified_at is not None
    assert draft.published_at is not None and paper.approved_at is not None
    page = client.get(url("prepare", meeting.pk)).content.decode()
    assert timezone.localtime(meeting.members_notified_at).strftime("%d/%m/%Y %H:%M") in page


@pytest.mark.django_db
def test_document_form_refuses_a_wrong_file_and_an_empty_document(world, client_for, prepared):
    meeting, _report, _paper = prepared
    client = client_for(world.secretary)
    before = MeetingDocument.objects.count()
    response = client.post(url("document_add", meeting.pk), {"kind": "other", "title": "Trống", "text": ""})
    assert response.status_code == 200 and MeetingDocument.objects.count() == before
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url("document_add", meeting.pk), {"kind": "other", "title": "X", "file": exe})
    assert response.status_code == 200 and MeetingDocument.objects.count() == before
    assert response.context["form"].errors["file"]


@pytest.mark.django_db
def test_the_board_pre_meeting_through_its_page(world, client_for, prepared):
    meeting, _report, _paper = prepared
    client = client_for(world.secretary)
    late = timezone.localtime(meeting.scheduled_at + timedelta(days=1)).strftime("%d/%m/%Y %H:%M")
    response = client.post(url("board_meeting", meeting.pk), {"scheduled_at": late, "place": "Nhà bí thư"})
    assert response.status_code == 200 and not Meeting.objects.filter(prepares=meeting).exists()
    assert response.context["form"].errors["scheduled_at"]
    earlier = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    response = client.post(url("board_meeting", meeting.pk), {"scheduled_at": earlier, "place": "Nhà bí thư"})
    assert response.status_code == 302
    board = Meeting.objects.get(prepares=meeting)
    assert board.kind == "board" and timezone.localtime(board.scheduled_at).strftime("%d/%m/%Y %H:%M") == earlier
    response = client.post(url("board_meeting", meeting.pk), {"text": "Chi ủy thống nhất nội dung."})
    assert response.status_code == 302
    assert MeetingDocument.objects.get(meeting=board, kind="board_minutes").text == "Chi ủy thống nhất nội dung."
    page = client.get(url("board_meeting", meeting.pk)).content.decode()
    assert "Chi ủy thống nhất nội dung." in page


# ---------------------------------------------------------------------------------------------- agenda with htmx


@pytest.mark.django_db
def test_agenda_edits_with_htmx_return_the_fragment(world, client_for, prepared):
    meeting, _report, _paper = prepared
    client = client_for(world.secretary)
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        url("agenda_item_add", meeting.pk), {"section": "body", "title": "Kết nạp đảng viên"}, **htmx
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="agenda">') and "<html" not in fragment
    assert "Kết nạp đảng viên" in fragment
    item = AgendaItem.objects.get(meeting=meeting, title="Kết nạp đảng viên")
    response = client.post(url("agenda_item_edit", item.pk), {"title": "Kết nạp đảng viên mới"}, **htmx)
    assert "Kết nạp đảng viên mới" in response.content.decode()
    position = AgendaItem.objects.get(pk=item.pk).position
    client.post(url("agenda_item_move", item.pk), {"direction": "up"}, **htmx)
    assert AgendaItem.objects.get(pk=item.pk).position == position - 1
    response = client.post(url("agenda_item_edit", item.pk), {"title": ""}, **htmx)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post(url("agenda_item_delete", item.pk), **htmx)
    assert not AgendaItem.objects.filter(pk=item.pk).exists() and "Kết nạp" not in response.content.decode()
    positions = list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


@pytest.mark.django_db
def test_agenda_edits_without_javascript_redirect_to_the_page(world, client_for, prepared):
    meeting, _report, _paper = prepared
    response = client_for(world.secretary).post(
        url("agenda_item_add", meeting.pk), {"section": "closing", "title": "Bế mạc"}
    )
    assert response.status_code == 302 and response["Location"] == url("prepare", meeting.pk) + "#agenda"
    assert meeting.agenda_items.order_by("position").last().title == "Bế mạc"


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_prepare_page_queries_do_not_grow_with_documents_and_items(world, client_for, rows):
    meeting = make_meeting(world.cell_a1, kind="thematic")
    AgendaItem.objects.filter(meeting=meeting, position__gt=rows).delete()
    for n in range(rows):
        services_prep.document_add(meeting=meeting, kind="other", title=f"Tài liệu {n}", text="…", by=world.secretary)
    client = client_for(world.secretary)
    client.get(url("prepare", meeting.pk))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("prepare", meeting.pk)).status_code == 200
    # session, user, grants, meeting (+cell, preparer), documents (+uploader), board meeting, board minutes,
    # agenda items, members for the preparer choice, members to notify and their notices
    assert len(ctx.captured_queries) == 11
