"""Document pages: who may download and print what (outsider 404, anonymous → login, a plain member downloads
but does not enter marks), the exports logged, the paper sheet entered in one form, and query counts that do not
grow with the cell."""

import io

import docx
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.common.testing import snapshot
from apps.meetings.models import Attendance, DocumentNumber, Meeting, Minutes
from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting
from apps.meetings.tests.test_docs_services import adopt_minutes, at, hold_vote, passed_meeting, with_draft
from apps.members.models import Member
from apps.members.testing import add_member

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIEWS = ["docx_minutes", "docx_resolution", "print_attendance", "print_agenda", "paper_attendance"]


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def meeting(world):
    """A held meeting of cell A1 on 05/03/2026 with its draft resolution passed 2/2 and adopted minutes."""
    meeting = passed_meeting(world, at(2026, 3, 5))
    adopt_minutes(world, meeting, "Biên bản họp.")
    return meeting


state = snapshot(
    lambda meeting: Attendance.objects.filter(meeting=meeting).order_by("pk").values_list("member_id", "status", "via"),
    DocumentNumber.objects.values_list("meeting_id", "doc_type", "number"),
)


# ---------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("member_user", 200),  # members of the cell download their cell's documents
        ("staff", 200),
        ("inspector", 200),
        ("supervisor", 404),  # supervises A2, not A1
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["docx_minutes", "docx_resolution", "print_agenda"])
@pytest.mark.django_db
def test_documents_are_scoped(world, client_for, meeting, persona, expected, name):
    assert client_for(getattr(world, persona)).get(url(name, meeting.pk)).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 200),
        ("member_user", 404),  # everyone's attendance is not a plain member's to read
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_attendance_sheet_is_for_roles_that_see_the_cell(world, client_for, meeting, persona, expected):
    assert client_for(getattr(world, persona)).get(url("print_attendance", meeting.pk)).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("member_user", 404),
        ("inspector", 404),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_paper_entry_needs_manage_rights(world, client_for, meeting, persona, expected):
    assert client_for(getattr(world, persona)).get(url("paper_attendance", meeting.pk)).status_code == expected


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, meeting, name):
    response = client.get(url(name, meeting.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.django_db
def test_outsider_gets_404_everywhere(world, client_for, meeting, name):
    assert client_for(world.outsider).get(url(name, meeting.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "member_user", "inspector"])
@pytest.mark.django_db
def test_denied_paper_entry_changes_nothing(world, client_for, persona):
    meeting = make_meeting(world.cell_a1)
    before = state(meeting)
    data = {f"status_{world.plain_member.pk}": "present", f"status_{world.secretary_member.pk}": "unexcused"}
    response = client_for(getattr(world, persona)).post(url("paper_attendance", meeting.pk), data)
    assert response.status_code == 404 and state(meeting) == before


@pytest.mark.django_db
def test_outsider_download_issues_no_number(world, client_for):
    meeting = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5))), approving=2)
    assert client_for(world.outsider).get(url("docx_resolution", meeting.pk)).status_code == 404
    assert not DocumentNumber.objects.exists()


def writes_during(fn) -> list[str]:
    """The SQL statements other than reads run by ``fn``, leaving out the access log's own entries."""
    writes = []

    def catch(execute, sql, params, many, context):
        text = sql.lstrip().upper()
        if not text.startswith(("SELECT", "SAVEPOINT", "RELEASE")) and "AUDITLOG_LOGENTRY" not in text:
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(catch):
        fn()
    return writes


@pytest.mark.parametrize("persona", ["member_user", "secretary"])
@pytest.mark.parametrize("name", ["docx_minutes", "docx_resolution"])
@pytest.mark.django_db
def test_a_download_changes_nothing(world, client_for, persona, name):
    """Before: a member's first download of a passed resolution or of adopted minutes issued its number."""
    meeting = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5))), approving=2)
    Minutes.objects.create(meeting=meeting, text="Biên bản họp.", status="adopted", adopted_at=timezone.now())
    client = client_for(getattr(world, persona))
    before = (state(meeting), Minutes.objects.count())
    responses = []
    assert writes_during(lambda: responses.append(client.get(url(name, meeting.pk)))) == []
    assert responses[0].status_code == 200 and (state(meeting), Minutes.objects.count()) == before


# ---------------------------------------------------------------------------------------------- downloads


@pytest.mark.django_db
def test_member_downloads_the_minutes_and_the_export_is_logged(world, client_for, meeting):
    response = client_for(world.member_user).get(url("docx_minutes", meeting.pk))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-2026-03-05.docx"'
    document = docx.Document(io.BytesIO(response.content))
    assert "BIÊN BẢN" in [p.text for p in document.paragraphs]
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Meeting),
        object_pk=str(meeting.pk),
    )
    assert entry.actor == world.member_user


@pytest.mark.django_db
def test_secretary_downloads_the_resolution(world, client_for, meeting):
    response = client_for(world.secretary).get(url("docx_resolution", meeting.pk))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="nghi-quyet-2026-03-05.docx"'
    lines = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "NGHỊ QUYẾT" in lines and "Nghị quyết được 2/2 đảng viên tán thành (100%)." in lines
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(meeting.pk)).count() == 1


@pytest.mark.django_db
def test_nothing_to_download_is_404(world, client_for):
    meeting = make_meeting(world.cell_a1)
    client = client_for(world.secretary)
    assert client.get(url("docx_minutes", meeting.pk)).status_code == 404  # no minutes yet
    assert client.get(url("docx_resolution", meeting.pk)).status_code == 404  # no draft resolution
    with_draft(meeting)
    assert client.get(url("docx_resolution", meeting.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------- printing


@pytest.mark.django_db
def test_blank_attendance_sheet_before_the_meeting(world, client_for):
    meeting = make_meeting(world.cell_a1, when=at(2026, 3, 5))
    html = client_for(world.secretary).get(url("print_attendance", meeting.pk)).content.decode()
    assert "css/print.css" in html and "css/app.css" not in html  # the print stylesheet, no app navigation
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "ĐẢNG BỘ XÃ AN" in html and "CHI BỘ 21" in html
    assert "An, ngày 05 tháng 3 năm 2026" in html
    assert "Trần Thị Bí Thư" in html and "Lê Văn Đảng Viên" in html
    assert '<td class="mark">x</td>' not in html and 'class="doc-summary"' not in html


@pytest.mark.django_db
def test_filled_attendance_sheet(world, client_for):
    meeting = make_meeting(world.cell_a1, when=at(2026, 3, 5))
    services_live.attendance_mark(meeting=meeting, member=world.secretary_member, status="present")
    services_live.attendance_mark(meeting=meeting, member=world.plain_member, status="excused", reason="Đi công tác")
    html = client_for(world.secretary).get(url("print_attendance", meeting.pk)).content.decode()
    assert '<td class="mark">x</td>' in html and "x Đi công tác" in html and 'class="doc-summary"' in html


@pytest.mark.django_db
def test_agenda_prints_in_order_by_section(world, client_for):
    meeting = make_meeting(world.cell_a1, when=at(2026, 3, 5))
    html = client_for(world.member_user).get(url("print_agenda", meeting.pk)).content.decode()
    titles = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    positions = [html.index(f"{n}.</span> {escape(title)}") for n, title in enumerate(titles, start=1)]
    assert positions == sorted(positions) and "css/print.css" in html


def _extra_members(world, count):
    for i in range(count):
        add_member(world.cell_a1, full_name=f"Thành Viên Thêm {i}")


@pytest.mark.parametrize("extra", [1, 3])
@pytest.mark.parametrize("name", ["print_attendance", "print_agenda", "paper_attendance"])
@pytest.mark.django_db
def test_printed_pages_take_the_same_queries_whatever_the_cell_size(world, client_for, extra, name):
    _extra_members(world, extra)
    meeting = make_meeting(world.cell_a1)
    for member in Member.objects.filter(cell=world.cell_a1):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    client = client_for(world.secretary)
    client.get(url(name, meeting.pk))  # warm the caches (content types for the access log)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(name, meeting.pk)).status_code == 200
    # session, user, grants, meeting with cell and officers, the cell's ancestors (letterhead), then:
    # attendance sheet: roll call (marks, members, exemptions, suspensions, attachments), the access-log insert;
    # agenda: the agenda items;
    # paper entry: roll call (5), adopted-minutes check.
    expected = {"print_attendance": 11, "print_agenda": 6, "paper_attendance": 10}[name]
    assert len(queries) == expected, [q["sql"] for q in queries.captured_queries]


# ---------------------------------------------------------------------------------------------- paper entry


@pytest.mark.django_db
def test_paper_entry_form_lists_every_member_with_the_choices(world, client_for):
    meeting = make_meeting(world.cell_a1)
    html = client_for(world.secretary).get(url("paper_attendance", meeting.pk)).content.decode()
    for member in (world.secretary_member, world.plain_member):
        for status in ("present", "late", "excused", "unexcused", "exempt"):
            assert f'name="status_{member.pk}" value="{status}"' in html
        assert f'name="reason_{member.pk}"' in html


@pytest.mark.django_db
def test_paper_entry_saves_all_rows_after_the_meeting(world, client_for):
    meeting = services_live.meeting_end(meeting=services_live.meeting_start(meeting=make_meeting(world.cell_a1)))
    extra = add_member(world.cell_a1, full_name="Quách Văn Muộn")
    data = {
        f"status_{world.secretary_member.pk}": "present",
        f"status_{world.plain_member.pk}": "excused",
        f"reason_{world.plain_member.pk}": "Ốm nằm viện",
        f"status_{extra.pk}": "late",
    }
    response = client_for(world.secretary).post(url("paper_attendance", meeting.pk), data)
    assert response.status_code == 302 and response["Location"] == url("paper_attendance", meeting.pk)
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert {pk: (a.status, a.reason, a.via, a.marked_by) for pk, a in rows.items()} == {
        world.secretary_member.pk: ("present", "", "paper", world.secretary),
        world.plain_member.pk: ("excused", "Ốm nằm viện", "paper", world.secretary),
        extra.pk: ("late", "", "paper", world.secretary),
    }


@pytest.mark.django_db
def test_paper_entry_refuses_the_whole_form_with_per_row_errors(world, client_for):
    meeting = make_meeting(world.cell_a1)
    before = state(meeting)
    data = {
        f"status_{world.secretary_member.pk}": "present",
        f"status_{world.plain_member.pk}": "excused",  # the reason is missing
        f"reason_{world.plain_member.pk}": "  ",
    }
    response = client_for(world.secretary).post(url("paper_attendance", meeting.pk), data)
    assert response.status_code == 200 and state(meeting) == before
    form = response.context["form"]
    assert list(form.errors) == [f"reason_{world.plain_member.pk}"]
    html = response.content.decode()
    row = html[html.index(f'id="member-{world.plain_member.pk}"') :]
    assert 'role="alert"' in row[: row.index("</fieldset>")]


@pytest.mark.django_db
def test_paper_entry_is_closed_once_the_minutes_are_adopted(world, client_for, meeting):
    client = client_for(world.secretary)
    before = state(meeting)
    html = client.get(url("paper_attendance", meeting.pk)).content.decode()
    assert 'type="submit"' not in html.split('<form method="post" novalidate>', 1)[1]
    response = client.post(url("paper_attendance", meeting.pk), {f"status_{world.plain_member.pk}": "unexcused"})
    assert response.status_code == 200 and state(meeting) == before
    assert response.context["form"].non_field_errors()
