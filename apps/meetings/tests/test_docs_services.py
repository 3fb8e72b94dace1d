"""Documents of a meeting: the .docx minutes and resolution as Word opens them, numbering per type and term, and the
paper attendance sheet saved all or nothing."""

import io
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import Pt

from apps.meetings.models import Attendance, DocumentNumber, Meeting, MeetingDocument, Minutes
from apps.meetings.services import docs as services_docs
from apps.meetings.services import live as services_live
from apps.meetings.services import minutes as services_minutes
from apps.meetings.services import votes as services_votes
from apps.meetings.services.docs import PaperMark
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.services import member as member_services
from apps.members.testing import add_member
from apps.orgs.services import tree as org_services
from apps.resolutions.models import Resolution
from apps.resolutions.services import tasks as services_tasks

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DRAFT_TEXT = (
    "I. Kết quả tháng trước\nHoàn thành 9/10 nhiệm vụ.\n\nII. Nhiệm vụ tháng tới\nVận động đóng đảng phí đúng hạn."
)


def at(year, month, day):
    return datetime(year, month, day, 19, 30, tzinfo=HCM)


def with_draft(meeting, text=DRAFT_TEXT):
    MeetingDocument.objects.create(
        meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION, title="Dự thảo nghị quyết", text=text
    )
    return meeting


def hold_vote(world, meeting, *, approving: int, method="open"):
    """Start the meeting, everyone in the cell present, an open vote on the resolution with the given approvals,
    closed. The world's cell A1 has two official members; tests add a third official and a probationary one."""
    meeting = services_live.meeting_start(
        meeting=meeting, presiding=world.secretary_member, minute_taker=world.plain_member
    )
    for member in Member.objects.filter(cell=meeting.cell, active=True):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method=method)
    services_votes.vote_record_counts(vote=vote, approving=approving, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    return meeting


def adopt_resolution(world, meeting):
    """The cell's resolution of the meeting drafted and adopted on its passing vote: numbered then."""
    draft = services_tasks.resolution_for_meeting(meeting=meeting, by=world.secretary)
    services_tasks.resolution_adopt(resolution=draft, by=world.secretary)
    return meeting


def adopt_minutes(world, meeting, text="Biên bản."):
    """Minutes written and adopted at the (started) meeting: numbered then."""
    minutes = Minutes.objects.create(meeting=meeting, text=text)
    services_minutes.minutes_adopt(meeting=meeting, revision=minutes.revision, by=world.secretary)
    return Minutes.objects.get(pk=minutes.pk)


def minutes_of(meeting):
    return read(services_docs.minutes_export(meeting=meeting, minutes=Minutes.objects.get(meeting=meeting)))


def passed_meeting(world, when):
    """A meeting whose resolution passed its vote and was adopted."""
    return adopt_resolution(world, hold_vote(world, with_draft(make_meeting(world.cell_a1, when=when)), approving=2))


@pytest.fixture
def cell(world):
    """Cell A1 with three official members and one probationary: 3 eligible voters."""
    add_member(world.cell_a1, full_name="Vũ Văn Ba")
    add_member(world.cell_a1, full_name="Đinh Thị Dự Bị", status="probationary", official_on=None)
    return world.cell_a1


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def cell_texts(document, table: int, column: int) -> list[str]:
    return [p.text for p in document.tables[table].rows[0].cells[column].paragraphs if p.text]


def run_with(document, text: str):
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for c in table.rows[0].cells:
            paragraphs.extend(c.paragraphs)
    return next(r for p in paragraphs for r in p.runs if r.text == text)


def resolution(meeting):
    draft = MeetingDocument.objects.filter(meeting=meeting, kind="draft_resolution").latest("pk")
    return read(services_docs.resolution_export(meeting=meeting, draft=draft))


# ---------------------------------------------------------------------------------------------- resolution


@pytest.mark.django_db
def test_passed_resolution_is_laid_out_per_the_guidance(world, cell):
    member_services.cell_role_assign(member=world.secretary_member, office="secretary", starts_on=date(2025, 1, 1))
    meeting = passed_meeting(world, at(2026, 3, 5))
    document = resolution(meeting)

    party = run_with(document, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.bold and party.underline and party.font.size == Pt(15)
    assert cell_texts(document, 0, 0) == ["ĐẢNG BỘ XÃ AN", "CHI BỘ 21", "*", "Số 01-NQ/CB"]
    assert run_with(document, "CHI BỘ 21").bold and run_with(document, "CHI BỘ 21").font.size == Pt(14)
    assert run_with(document, "An, ngày 05 tháng 3 năm 2026").italic

    lines = texts(document)
    assert "DỰ THẢO" not in lines
    title = lines.index("NGHỊ QUYẾT")
    assert run_with(document, "NGHỊ QUYẾT").bold
    assert lines[title + 1] == "Sinh hoạt chi bộ thường kỳ tháng 3 năm 2026"
    body = [t for t in lines[title + 2 :] if t and t != "-----"]
    assert body[:4] == ["I. Kết quả tháng trước", "Hoàn thành 9/10 nhiệm vụ.", "II. Nhiệm vụ tháng tới",
                        "Vận động đóng đảng phí đúng hạn."]  # fmt: skip
    assert body[4] == "Nghị quyết được 2/3 đảng viên tán thành (66,7%)."
    assert run_with(document, body[0]).font.size == Pt(14)

    assert cell_texts(document, 1, 0) == ["Nơi nhận:", "- Đảng ủy xã An,", "- Đảng viên trong chi bộ,", "- Lưu chi bộ."]
    assert cell_texts(document, 1, 1) == ["T/M CHI BỘ", "BÍ THƯ", "Trần Thị Bí Thư"]

    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for c in t.rows[0].cells for p in c.paragraphs for r in p.runs]
    assert all(r.font.name == "Times New Roman" for r in runs)
    assert all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman" for r in runs)


@pytest.mark.django_db
def test_resolution_numbers_run_per_term(world, cell):
    first = passed_meeting(world, at(2026, 3, 5))
    assert cell_texts(resolution(first), 0, 0)[-1] == "Số 01-NQ/CB"
    second = passed_meeting(world, at(2026, 4, 6))
    assert cell_texts(resolution(second), 0, 0)[-1] == "Số 02-NQ/CB"
    # A meeting keeps its number, however often it is downloaded.
    assert cell_texts(resolution(first), 0, 0)[-1] == "Số 01-NQ/CB"
    # The 2030–2035 term starts again from 01.
    new_term = passed_meeting(world, at(2030, 11, 5))
    assert cell_texts(resolution(new_term), 0, 0)[-1] == "Số 01-NQ/CB"
    assert list(DocumentNumber.objects.order_by("pk").values_list("meeting_id", "term_start_year", "number")) == [
        (first.pk, 2025, 1),
        (second.pk, 2025, 2),
        (new_term.pk, 2030, 1),
    ]


@pytest.mark.django_db
def test_each_cell_and_each_type_has_its_own_series(world, cell):
    first = passed_meeting(world, at(2026, 3, 5))
    resolution(first)
    adopt_minutes(world, first)
    minutes = minutes_of(first)
    assert cell_texts(minutes, 0, 0)[-1] == "Số 01-BB/CB"
    other = with_draft(make_meeting(world.cell_a2, when=at(2026, 3, 6)))
    services_docs.document_number_issue(meeting=other, doc_type="NQ")
    assert DocumentNumber.objects.get(meeting=other).number == 1


@pytest.mark.django_db
def test_numbers_follow_the_order_of_adoption_not_of_download(world, cell):
    """Before: the number was issued on the first download, so the meeting downloaded first got 01."""
    march = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5))), approving=2)
    april = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 4, 6))), approving=2)
    adopt_minutes(world, march)
    adopt_resolution(world, march)
    assert cell_texts(resolution(april), 0, 0)[-1].replace(" ", "") == "Số-NQ/CB"  # not adopted yet: no number
    april_minutes = Minutes.objects.create(meeting=april, text="Biên bản tháng 4.")
    draft = read(services_docs.minutes_export(meeting=april, minutes=april_minutes))
    assert texts(draft)[0] == "DỰ THẢO" and cell_texts(draft, 0, 0)[-1].replace(" ", "") == "Số-BB/CB"
    services_minutes.minutes_adopt(meeting=april, revision=april_minutes.revision, by=world.secretary)
    adopt_resolution(world, april)
    # Downloaded the other way round: each keeps the number of its adoption.
    assert cell_texts(minutes_of(april), 0, 0)[-1] == "Số 02-BB/CB"
    assert cell_texts(resolution(april), 0, 0)[-1] == "Số 02-NQ/CB"
    assert cell_texts(minutes_of(march), 0, 0)[-1] == "Số 01-BB/CB"
    assert cell_texts(resolution(march), 0, 0)[-1] == "Số 01-NQ/CB"


@pytest.mark.django_db
def test_the_downloads_write_nothing(world, cell):
    """Exporting (what a GET of a .docx does) only reads, whatever the state of the documents."""
    meeting = passed_meeting(world, at(2026, 3, 5))
    adopt_minutes(world, meeting)
    unadopted = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 4, 6))), approving=2)
    Minutes.objects.create(meeting=unadopted, text="Nháp.")
    writes = []

    def catch(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(catch):
        for m in (meeting, unadopted):
            resolution(m)
            services_docs.minutes_export(meeting=m, minutes=Minutes.objects.get(meeting=m))
    assert writes == []


@pytest.mark.django_db
def test_legacy_adopted_documents_are_numbered_in_adoption_order(world, cell):
    """Documents adopted before numbers came with adoption (and the demo's rows, written in bulk) are numbered
    once, by the data migration's function, in the order they were adopted; numbers already issued stay."""
    march, april, may = (make_meeting(world.cell_a1, when=at(2026, m, 5)) for m in (3, 4, 5))
    Minutes.objects.create(meeting=may, text="x", status="adopted", adopted_at=at(2026, 5, 5))
    Minutes.objects.create(meeting=march, text="x", status="adopted", adopted_at=at(2026, 5, 6))  # adopted late
    Minutes.objects.create(meeting=april, text="x")  # a draft: no number
    services_docs.document_number_issue(meeting=april, doc_type="NQ")  # issued by a download in the old days
    for m in (may, march):
        Resolution.objects.create(
            organization=world.cell_a1, meeting=m, title="NQ", status="adopted", adopted_on=m.scheduled_at.date()
        )
    models = {"DocumentNumber": DocumentNumber, "Meeting": Meeting, "Minutes": Minutes, "Resolution": Resolution}
    assert services_docs.document_numbers_backfill(**models) == 4
    numbers = set(DocumentNumber.objects.values_list("meeting_id", "doc_type", "number"))
    assert numbers == {(may.pk, "BB", 1), (march.pk, "BB", 2), (april.pk, "NQ", 1), (march.pk, "NQ", 2),
                       (may.pk, "NQ", 3)}  # fmt: skip
    assert services_docs.document_numbers_backfill(**models) == 0  # once


@pytest.mark.django_db
def test_resolution_without_a_passing_vote_is_a_draft_without_a_number(world, cell):
    unvoted = with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5)))
    document = resolution(unvoted)
    assert texts(document)[0] == "DỰ THẢO"
    assert cell_texts(document, 0, 0)[-1].replace(" ", "") == "Số-NQ/CB"
    assert not any("tán thành" in t for t in texts(document))

    failed = hold_vote(world, with_draft(make_meeting(world.cell_a1, when=at(2026, 4, 6))), approving=1)
    assert texts(resolution(failed))[0] == "DỰ THẢO"  # 1 of 3 eligible is not more than half
    assert not DocumentNumber.objects.exists()


@pytest.mark.django_db
def test_secret_ballot_result_makes_the_vote_line(world, cell):
    meeting = services_live.meeting_start(meeting=with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5))))
    members = list(Member.objects.filter(cell=cell, active=True))
    for member in members:
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="secret")
    for member in members:
        if member.status == "official":
            services_votes.ballot_cast(vote=vote, member=member, choice="for")
    services_votes.vote_close(vote=vote)
    adopt_resolution(world, meeting)
    assert "Nghị quyết được 3/3 đảng viên tán thành (100%)." in texts(resolution(meeting))


@pytest.mark.django_db
def test_signature_falls_back_to_the_presiding_member(world, cell):
    meeting = passed_meeting(world, at(2026, 3, 5))
    add_member(world.cell_a1, full_name="Ngô Văn Cũ")  # no CellRole: the presiding member signs
    assert cell_texts(resolution(meeting), 1, 1) == ["T/M CHI BỘ", "BÍ THƯ", "Trần Thị Bí Thư"]
    member_services.cell_role_assign(
        member=Member.objects.get(full_name="Vũ Văn Ba"), office="secretary", starts_on=date(2026, 1, 1)
    )
    assert cell_texts(resolution(meeting), 1, 1)[-1] == "Vũ Văn Ba"


@pytest.mark.django_db
def test_text_is_written_in_nfc(world, cell):
    meeting = hold_vote(
        world,
        with_draft(make_meeting(world.cell_a1, when=at(2026, 3, 5)), text=unicodedata.normalize("NFD", "Đảng viên")),
        approving=2,
    )
    lines = texts(resolution(meeting))
    assert "Đảng viên" in lines and all(unicodedata.is_normalized("NFC", t) for t in lines)


# ---------------------------------------------------------------------------------------------- minutes


@pytest.mark.django_db
def test_adopted_minutes(world, cell):
    meeting = passed_meeting(world, at(2026, 3, 5))
    adopt_minutes(world, meeting, "Thời gian: 19 giờ 30.\nĐịa điểm: Nhà văn hóa khu 1.")
    document = minutes_of(meeting)
    lines = texts(document)
    assert "DỰ THẢO" not in lines and "BIÊN BẢN" in lines
    assert cell_texts(document, 0, 0)[-1] == "Số 01-BB/CB"
    assert "Thời gian: 19 giờ 30." in lines and "Địa điểm: Nhà văn hóa khu 1." in lines
    assert cell_texts(document, 1, 0) == ["THƯ KÝ", "Lê Văn Đảng Viên"]
    assert cell_texts(document, 1, 1) == ["CHỦ TRÌ", "Trần Thị Bí Thư"]


@pytest.mark.django_db
def test_draft_minutes_are_marked_and_not_numbered(world, cell):
    meeting = make_meeting(world.cell_a1, when=at(2026, 3, 5))
    Minutes.objects.create(meeting=meeting, text="Nháp.")
    document = read(services_docs.minutes_export(meeting=meeting, minutes=meeting.minutes))
    assert texts(document)[0] == "DỰ THẢO" and "Nháp." in texts(document)
    assert not DocumentNumber.objects.exists()


# ---------------------------------------------------------------------------------------------- paper sheet


@pytest.mark.django_db
def test_paper_sheet_saves_every_mark_after_the_meeting(world, cell):
    meeting = services_live.meeting_end(meeting=services_live.meeting_start(meeting=make_meeting(world.cell_a1)))
    members = list(Member.objects.filter(cell=cell).order_by("pk"))
    marks = [
        PaperMark(members[0], "present"),
        PaperMark(members[1], "excused", "Ốm"),
        PaperMark(members[2], "unexcused"),
        PaperMark(members[3], "late"),
    ]
    assert services_docs.attendance_paper_save(meeting=meeting, marks=marks, by=world.secretary) == 4
    rows = Attendance.objects.filter(meeting=meeting).order_by("member_id")
    assert [(r.status, r.reason, r.via) for r in rows] == [
        ("present", "", "paper"),
        ("excused", "Ốm", "paper"),
        ("unexcused", "", "paper"),
        ("late", "", "paper"),
    ]
    # Entering the same sheet again changes nothing.
    assert services_docs.attendance_paper_save(meeting=meeting, marks=marks, by=world.secretary) == 0


@pytest.mark.django_db
def test_paper_sheet_saves_nothing_when_one_row_is_refused(world, cell):
    meeting = make_meeting(world.cell_a1)
    members = list(Member.objects.filter(cell=cell).order_by("pk"))
    marks = [
        PaperMark(members[0], "present"),
        PaperMark(world.b1_member, "present"),  # not a member of this cell
        PaperMark(members[1], "excused", ""),  # no reason
    ]
    with pytest.raises(ValidationError) as refused:
        services_docs.attendance_paper_save(meeting=meeting, marks=marks, by=world.secretary)
    assert set(refused.value.message_dict) == {f"status_{world.b1_member.pk}", f"reason_{members[1].pk}"}
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_paper_sheet_refused_once_the_minutes_are_adopted(world, cell):
    meeting = make_meeting(world.cell_a1)
    Minutes.objects.create(meeting=meeting, text="x", status=Minutes.Status.ADOPTED, adopted_at=timezone.now())
    with pytest.raises(ValidationError):
        services_docs.attendance_paper_save(
            meeting=meeting, marks=[PaperMark(world.plain_member, "present")], by=world.secretary
        )
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_letterhead_uses_the_meeting_place_when_no_commune_is_named(world):
    bloc = org_services.organization_create(
        parent=world.province, kind="committee", code="KCQ", name="Đảng bộ Khối cơ quan"
    )
    school = org_services.organization_create(parent=bloc, kind="cell", code="KCQ1", name="Chi bộ Trường THPT")
    meeting = make_meeting(school, when=at(2026, 3, 5), place="Việt Trì")
    meeting.cell.refresh_from_db()
    head = services_docs.letterhead(meeting)
    assert (head.superior_caps, head.issuer_caps) == ("ĐẢNG BỘ KHỐI CƠ QUAN", "CHI BỘ TRƯỜNG THPT")
    assert head.place_date == "Việt Trì, ngày 05 tháng 3 năm 2026"
