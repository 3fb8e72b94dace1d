"""Party documents as .docx, laid out per Hướng dẫn 36-HD/VPTW (DOMAIN.md §10). No ORM, no request.

The wording here ("ĐẢNG CỘNG SẢN VIỆT NAM", "NGHỊ QUYẾT", "T/M CHI BỘ", "Nơi nhận:", …) is the fixed vocabulary of
the official format, not interface text: it is the same whatever language the screen is in, so it is written in
Vietnamese here and never passed through the translation catalogue.

Layout: A4; a borderless two-column table holds the header blocks (superior body over the issuing cell, a "*"
line and the number on the left; the Party's name and the italic place and date on the right); the type in bold
capitals with the subject line; the body in 14 pt; a borderless table for the recipients and the signatures.
Times New Roman everywhere, the East Asian font attribute included so that Word renders Vietnamese in it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from apps.common.text import nfc
from apps.meetings.rules.docs import document_number

FONT = "Times New Roman"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
DRAFT = "DỰ THẢO"
RESOLUTION = "NGHỊ QUYẾT"
MINUTES = "BIÊN BẢN"
ON_BEHALF = "T/M CHI BỘ"
SECRETARY = "BÍ THƯ"
PRESIDING = "CHỦ TRÌ"
MINUTE_TAKER = "THƯ KÝ"
RECIPIENTS = "Nơi nhận:"
CELL_MEMBERS = "Đảng viên trong chi bộ"
CELL_FILE = "Lưu chi bộ"
TASKS_CAPTION = "NHIỆM VỤ VÀ PHÂN CÔNG"
TASKS_HEADER = ("STT", "Nhiệm vụ", "Người chủ trì", "Thời hạn", "Báo cáo tại")
TARGETS_CAPTION = "CHỈ TIÊU"
TARGETS_HEADER = ("STT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Thực hiện", "Tỷ lệ")
BOARD_LEAD = "Chi ủy"
HELPERS = "Phối hợp"

# Document types and the issuer's abbreviation in the number ("05-NQ/CB").
DOC_RESOLUTION = "NQ"
DOC_MINUTES = "BB"
ISSUER_ABBREV = "CB"

MEETING_SUBJECTS = {
    "regular": "Sinh hoạt chi bộ thường kỳ",
    "thematic": "Sinh hoạt chi bộ chuyên đề",
    "board": "Họp chi ủy",
}

# Prefixes of a commune-level organisation's name, longest first; what follows is the locality ("xã An" → "An").
_LOCALITY = re.compile(
    r"^(?:đảng bộ|chi bộ|đảng ủy)\s+(?:cơ sở\s+)?(?:xã|phường|thị trấn|đặc khu)\s+(?P<name>.+)$", re.IGNORECASE
)


# ---------------------------------------------------------------------------------------------- wording rules


def vietnamese_date(day: date) -> str:
    """ "ngày 05 tháng 3 năm 2026": days below 10 and the months January and February take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: date) -> str:
    place = nfc(place)
    return f"{place}, {vietnamese_date(day)}" if place else vietnamese_date(day).capitalize()


def locality(names: Iterable[str]) -> str:
    """The commune or ward an organisation sits in, from its own name and its ancestors' (nearest first).

    "Đảng bộ xã Thục Luyện" → "Thục Luyện"; "" when no name says which commune it is."""
    for name in names:
        match = _LOCALITY.match(nfc(name))
        if match:
            return match.group("name")
    return ""


def heading_name(name: str) -> str:
    """Organisation names in the header blocks are written in capitals."""
    return nfc(nfc(name).upper())


def committee_recipient(parent_name: str) -> str:
    """The recipient line for the committee above: "Đảng bộ xã An" → "Đảng ủy xã An"."""
    name = nfc(parent_name)
    lowered = name.lower()
    for prefix in ("đảng bộ ", "đảng ủy "):
        if lowered.startswith(prefix):
            return "Đảng ủy " + name[len(prefix) :]
    return f"Đảng ủy {name}" if name else "Đảng ủy"


def subject_lines(*, kind: str, day: date, topic: str = "") -> list[str]:
    """ "Sinh hoạt chi bộ thường kỳ tháng 3 năm 2026", and the topic of a thematic meeting on its own line."""
    lines = [f"{MEETING_SUBJECTS.get(kind, MEETING_SUBJECTS['regular'])} tháng {day.month} năm {day.year}"]
    if kind == "thematic" and nfc(topic):
        lines.append(f"“{nfc(topic)}”")
    return lines


def percent_text(value: float) -> str:
    """85.7 → "85,7"; 100.0 → "100" (Vietnamese decimal comma)."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")


def number_text(value) -> str:
    """A quantity as Vietnamese documents write it: 90.00 → "90"; 1234.5 → "1.234,5" (dot for thousands, comma
    for decimals)."""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    sign, text = ("-", str(abs(number))) if number < 0 else ("", str(number))
    whole, _dot, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def target_text(*, direction: str, value) -> str:
    """ "≥ 90" for an "at least" target, "≤ 2" for a ceiling."""
    return f"{'≤' if direction == 'at_most' else '≥'} {number_text(value)}"


def vote_line(*, approving: int, eligible: int, percent: float) -> str:
    """The closing line of a resolution (DOMAIN.md §6)."""
    return f"Nghị quyết được {approving}/{eligible} đảng viên tán thành ({percent_text(percent)}%)."


def number_line(*, number: int | None, doc_type: str, issuer_abbrev: str = ISSUER_ABBREV) -> str:
    """ "Số 05-NQ/CB"; a draft has no number yet, so the place is left blank to be filled in on issue."""
    if number is None:
        return f"Số      -{doc_type}/{issuer_abbrev}"
    return f"Số {document_number(number=number, doc_type=doc_type, issuer_abbrev=issuer_abbrev)}"


def body_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line of a stored text."""
    return [line for line in (nfc(line) for line in nfc(text).replace("\r\n", "\n").split("\n")) if line]


# ---------------------------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class Signature:
    captions: Sequence[str]  # e.g. ("T/M CHI BỘ", "BÍ THƯ")
    name: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A bordered table in the body (a resolution's tasks, its targets): a caption line, a bold header row, then
    one row per item. A cell holding several lines gets one paragraph per line."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] = ()  # cm, one per column; even split when empty


@dataclass(frozen=True)
class DocumentSpec:
    superior: str  # "ĐẢNG BỘ XÃ AN"
    issuer: str  # "CHI BỘ 21"
    number: str  # "Số 05-NQ/CB"
    place_date: str  # "Thục Luyện, ngày 05 tháng 3 năm 2026"
    title: str  # "NGHỊ QUYẾT"
    subject: Sequence[str]
    body: Sequence[str]
    signatures: Sequence[Signature]
    recipients: Sequence[str] = ()
    closing: Sequence[str] = ()  # e.g. the vote line, after the body
    tables: Sequence[TableSpec] = ()  # after the body, before the closing
    draft: bool = False
    file_title: str = ""
    author: str = ""


def _fonts(rpr) -> None:
    """Times New Roman for every script, with no theme font that would take precedence in Word."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _run(paragraph, text: str, *, size: float = 14, bold=False, italic=False, underline=False):
    run = paragraph.add_run(nfc(text))
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    _fonts(run._element.get_or_add_rPr())
    return run


def _paragraph(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.CENTER, after: float = 0, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _trim(table) -> None:
    """Drop the empty paragraph every new cell starts with, once the cell has content of its own."""
    for cell in table.rows[0].cells:
        first = cell.paragraphs[0]
        if len(cell.paragraphs) > 1 and not first.runs:
            first._element.getparent().remove(first._element)


def _borderless_table(document, columns: Sequence[float]):
    table = document.add_table(rows=1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)
    for cell, width in zip(table.rows[0].cells, columns, strict=True):
        cell.width = Cm(width)
    return table


def _setup(document, spec: DocumentSpec) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    rpr.append(language)
    properties = document.core_properties
    properties.title = nfc(spec.file_title)
    properties.author = nfc(spec.author)
    properties.last_modified_by = nfc(spec.author)
    properties.comments = ""


TEXT_WIDTH = 16.5  # A4 minus the 3 cm and 1.5 cm margins


def build_docx(spec: DocumentSpec) -> bytes:
    document = Document()
    _setup(document, spec)
    if spec.draft:
        _paragraph(document, DRAFT, align=WD_ALIGN_PARAGRAPH.RIGHT, after=6, bold=True)

    header = _borderless_table(document, (7.0, TEXT_WIDTH - 7.0))
    left, right = header.rows[0].cells
    _paragraph(left, heading_name(spec.superior))
    _paragraph(left, heading_name(spec.issuer), bold=True)
    _paragraph(left, "*")
    _paragraph(left, spec.number)
    _paragraph(right, PARTY, size=15, bold=True, underline=True)
    _paragraph(right, "")
    _paragraph(right, spec.place_date, italic=True)
    _trim(header)

    _paragraph(document, "", after=6)
    _paragraph(document, spec.title, size=15, bold=True)
    for line in spec.subject:
        _paragraph(document, line, bold=True)
    _paragraph(document, "-----", after=12)

    for text in spec.body:
        _body_paragraph(document, text)
    for table in spec.tables:
        _table(document, table)
    for text in spec.closing:
        _body_paragraph(document, text)

    _paragraph(document, "", after=6)
    signatures = list(spec.signatures)
    if len(signatures) == 1:
        # Recipients on the left, the signature on the right: the usual resolution layout.
        table = _borderless_table(document, (7.5, TEXT_WIDTH - 7.5))
        _recipients(table.rows[0].cells[0], spec.recipients)
        _signature(table.rows[0].cells[1], signatures[0])
    else:
        width = TEXT_WIDTH / max(len(signatures), 1)
        table = _borderless_table(document, [width] * max(len(signatures), 1))
        for cell, signature in zip(table.rows[0].cells, signatures, strict=False):
            _signature(cell, signature)
        if spec.recipients:
            _paragraph(document, "", after=6)
            _recipients(document, spec.recipients)
    _trim(table)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _body_paragraph(document, text: str) -> None:
    paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    lines = nfc(text).split("\n") if text else [""]
    for line in lines:
        _paragraph(cell, line, align=align, size=13, bold=bold)
    first = cell.paragraphs[0]
    if len(cell.paragraphs) > 1 and not first.runs:  # the empty paragraph a new cell starts with
        first._element.getparent().remove(first._element)


def _table(document, spec: TableSpec) -> None:
    _paragraph(document, spec.caption, align=WD_ALIGN_PARAGRAPH.LEFT, after=6, bold=True)
    columns = len(spec.header)
    widths = list(spec.widths) or [TEXT_WIDTH / columns] * columns
    table = document.add_table(rows=1 + len(spec.rows), cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row_index, values in enumerate([spec.header, *spec.rows]):
        for cell, value, width in zip(table.rows[row_index].cells, values, widths, strict=True):
            cell.width = Cm(width)
            header = row_index == 0
            _cell_text(cell, value, bold=header, align=WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(document, "", after=6)


def _recipients(container, recipients: Sequence[str]) -> None:
    if not recipients:
        return
    _paragraph(container, RECIPIENTS, align=WD_ALIGN_PARAGRAPH.LEFT, size=12, bold=True, italic=True)
    for line in recipients:
        _paragraph(container, f"- {line},", align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    # The last recipient closes with a full stop, as the format has it.
    last = container.paragraphs[-1]
    last.runs[-1].text = last.runs[-1].text.removesuffix(",") + "."


def _signature(cell, signature: Signature) -> None:
    for caption in signature.captions:
        _paragraph(cell, caption, bold=True)
    for _blank in range(4):  # room to sign and stamp
        _paragraph(cell, "")
    if signature.name:
        _paragraph(cell, signature.name, bold=True)
