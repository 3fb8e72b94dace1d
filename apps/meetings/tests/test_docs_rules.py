"""Wording rules of the party's documents (Hướng dẫn 36-HD/VPTW, DOMAIN.md §10) and the .docx builder, without
the database."""

import io
import re
import unicodedata
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.rules import documents
from apps.meetings.rules import votes as rules_votes


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),  # months below 3 take a leading zero
        (date(2026, 2, 1), "ngày 01 tháng 02 năm 2026"),
        (date(2026, 12, 25), "ngày 25 tháng 12 năm 2026"),
        (date(2030, 10, 9), "ngày 09 tháng 10 năm 2030"),
    ],
)
def test_vietnamese_date(day, expected):
    assert documents.vietnamese_date(day) == expected


@given(st.dates(min_value=date(1930, 2, 3), max_value=date(2200, 12, 31)))
def test_vietnamese_date_reads_back_as_the_same_day(day):
    match = re.fullmatch(r"ngày (\d{2}) tháng (\d{1,2}) năm (\d{4})", documents.vietnamese_date(day))
    assert match and date(int(match[3]), int(match[2]), int(match[1])) == day


def test_place_and_date():
    assert documents.place_and_date("Thục Luyện", date(2026, 3, 5)) == "Thục Luyện, ngày 05 tháng 3 năm 2026"
    assert documents.place_and_date("", date(2026, 3, 5)) == "Ngày 05 tháng 3 năm 2026"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Chi bộ 21", "Đảng bộ xã An", "Đảng bộ tỉnh Thử"], "An"),
        (["Chi bộ Khu 3", "Đảng bộ xã Thục Luyện", "Đảng bộ huyện Thanh Sơn"], "Thục Luyện"),
        (["Chi bộ 4", "Đảng bộ phường Ba Đình"], "Ba Đình"),
        (["Chi bộ xã Tân Lập"], "Tân Lập"),  # a grassroots cell named after its commune
        (["Chi bộ 1", "Đảng bộ cơ sở xã Hòa Bình"], "Hòa Bình"),
        (["Chi bộ Trường THCS", "Đảng bộ Khối cơ quan tỉnh"], ""),
        ([unicodedata.normalize("NFD", "Chi bộ 2"), unicodedata.normalize("NFD", "Đảng bộ xã Yên")], "Yên"),
    ],
)
def test_locality_is_the_commune_part_of_the_names(names, expected):
    assert documents.locality(names) == expected


@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        ("Đảng bộ xã An", "Đảng ủy xã An"),
        ("Đảng bộ phường Ba Đình", "Đảng ủy phường Ba Đình"),
        ("Đảng ủy xã An", "Đảng ủy xã An"),
        ("Khối cơ quan", "Đảng ủy Khối cơ quan"),
    ],
)
def test_committee_recipient(parent, expected):
    assert documents.committee_recipient(parent) == expected


def test_heading_names_are_capitals_in_nfc():
    assert documents.heading_name("Chi bộ 21") == "CHI BỘ 21"
    heading = documents.heading_name(unicodedata.normalize("NFD", "Đảng bộ xã Thục Luyện"))
    assert heading == "ĐẢNG BỘ XÃ THỤC LUYỆN" and unicodedata.is_normalized("NFC", heading)


def test_subject_lines():
    assert documents.subject_lines(kind="regular", day=date(2026, 3, 5)) == [
        "Sinh hoạt chi bộ thường kỳ tháng 3 năm 2026"
    ]
    assert documents.subject_lines(kind="thematic", day=date(2026, 5, 6), topic="Chuyển đổi số") == [
        "Sinh hoạt chi bộ chuyên đề tháng 5 năm 2026",
        "“Chuyển đổi số”",
    ]


@pytest.mark.parametrize(
    ("number", "doc_type", "expected"),
    [(5, "NQ", "Số 05-NQ/CB"), (1, "BB", "Số 01-BB/CB"), (12, "NQ", "Số 12-NQ/CB"), (None, "NQ", "Số      -NQ/CB")],
)
def test_number_line(number, doc_type, expected):
    assert documents.number_line(number=number, doc_type=doc_type) == expected


@pytest.mark.parametrize(
    ("approving", "eligible", "expected"),
    [
        (2, 3, "Nghị quyết được 2/3 đảng viên tán thành (66,7%)."),
        (18, 20, "Nghị quyết được 18/20 đảng viên tán thành (90%)."),
        (25, 25, "Nghị quyết được 25/25 đảng viên tán thành (100%)."),
    ],
)
def test_vote_line(approving, eligible, expected):
    result = rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
    assert documents.vote_line(approving=approving, eligible=eligible, percent=result.percent) == expected


@given(st.integers(min_value=1, max_value=300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_percent_text_is_the_rounded_share_with_a_decimal_comma(counts):
    approving, eligible = counts
    result = rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
    text = documents.percent_text(result.percent)
    shown = float(text.replace(",", "."))
    assert "." not in text and shown == result.percent
    assert shown == pytest.approx(approving * 100 / eligible, abs=0.051)


def test_body_paragraphs_one_per_non_empty_line():
    text = "Một.\r\n\r\n  Hai. \n" + unicodedata.normalize("NFD", "Ba tháng")
    assert documents.body_paragraphs(text) == ["Một.", "Hai.", "Ba tháng"]


def _spec(**changes):
    fields = {
        "superior": "Đảng bộ xã An",
        "issuer": "Chi bộ 21",
        "number": "Số 01-NQ/CB",
        "place_date": "An, ngày 05 tháng 3 năm 2026",
        "title": documents.RESOLUTION,
        "subject": ["Sinh hoạt chi bộ thường kỳ tháng 3 năm 2026"],
        "body": ["Thân bài."],
        "signatures": [documents.Signature((documents.ON_BEHALF, documents.SECRETARY), "Trần Thị Bí Thư")],
        "recipients": ["Đảng ủy xã An", documents.CELL_MEMBERS, documents.CELL_FILE],
    }
    return documents.DocumentSpec(**{**fields, **changes})


def test_builder_lays_out_a4_in_times_new_roman():
    document = docx.Document(io.BytesIO(documents.build_docx(_spec())))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for c in t.rows[0].cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.name == documents.FONT for r in runs)
    assert all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == documents.FONT for r in runs)
    assert document.styles["Normal"].font.name == documents.FONT
    assert document.styles["Normal"].font.size == Pt(14)
    # Header and signature tables have no borders.
    for table in document.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders is not None and {e.get(qn("w:val")) for e in borders} == {"nil"}


def test_builder_minutes_layout_has_two_signatures_and_the_draft_mark():
    spec = _spec(
        draft=True,
        title=documents.MINUTES,
        signatures=[
            documents.Signature((documents.MINUTE_TAKER,), "Lê Văn Ghi"),
            documents.Signature((documents.PRESIDING,), "Trần Thị Chủ Trì"),
        ],
        recipients=[documents.CELL_FILE],
    )
    document = docx.Document(io.BytesIO(documents.build_docx(spec)))
    assert document.paragraphs[0].text == "DỰ THẢO" and document.paragraphs[0].runs[0].bold
    left, right = document.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["THƯ KÝ", "Lê Văn Ghi"]
    assert [p.text for p in right.paragraphs if p.text] == ["CHỦ TRÌ", "Trần Thị Chủ Trì"]
    texts = [p.text for p in document.paragraphs]
    assert texts[-2:] == ["Nơi nhận:", "- Lưu chi bộ."]
