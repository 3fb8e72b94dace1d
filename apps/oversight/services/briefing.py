"""The monthly briefing (giao ban): the committee writes the month's focus and the day it is held (``Briefing``:
audited by auditlog), and the pack is downloaded as a .docx in the party format (DOMAIN.md §10, reusing
apps.meetings.rules.documents for the letterhead, the tables and the signature).

The wording of the document ("BÁO CÁO", "T/M ĐẢNG ỦY", the table headers…) is the fixed vocabulary of the official
format, the same whatever language the screen is in: written in Vietnamese here, as apps.meetings.rules.documents
does, never through the catalogue."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.rules import documents
from apps.orgs.models import Organization
from apps.oversight.models import Briefing
from apps.oversight.queries.briefing import DUES_CODE, RESULT_CODES, Pack, ResultRow
from apps.oversight.rules.periods import add_months

FOCUS_MAX = 10_000  # characters

# --- the month's focus ------------------------------------------------------------------------------------------------


def held_on_bounds(month: date) -> tuple[date, date]:
    """A briefing is held in its month, or in the last days of the month before (cells meeting on the 1st)."""
    return add_months(month, -1), date.fromordinal(add_months(month, 1).toordinal() - 1)


@transaction.atomic
def briefing_focus_set(
    *, committee: Organization, month: date, focus: str, held_on: date | None = None, by=None
) -> Briefing:
    """Write the month's focus (and the day the briefing is held) of a committee's briefing: the row is created the
    first time, changed after (one row per committee and month)."""
    if committee.is_cell:
        raise ValidationError(_("A briefing is a committee's: a cell has none."))
    if month.day != 1:
        raise ValueError(month)
    focus = nfc(focus or "").strip()
    if len(focus) > FOCUS_MAX:
        raise ValidationError({"focus": _("The focus is too long (at most %(max)s characters).") % {"max": FOCUS_MAX}})
    if held_on is not None:
        first, last = held_on_bounds(month)
        if not first <= held_on <= last:
            message = _("The briefing is held from %(first)s to %(last)s.") % {
                "first": f"{first:%d/%m/%Y}",
                "last": f"{last:%d/%m/%Y}",
            }
            raise ValidationError({"held_on": message})
    briefing = Briefing.objects.select_for_update().filter(committee=committee, month=month).first()
    if briefing is None:
        briefing = Briefing(committee=committee, month=month)
    briefing.focus, briefing.held_on, briefing.updated_by = focus, held_on, by
    try:
        with transaction.atomic():  # one save, one audit entry: created the first time, changed after
            briefing.save()
    except IntegrityError:  # written at the same moment by another request: change that row
        briefing = Briefing.objects.select_for_update().get(committee=committee, month=month)
        briefing.focus, briefing.held_on, briefing.updated_by = focus, held_on, by
        briefing.save()
    return briefing


# --- the .docx ------------------------------------------------------------------------------------------------------

ON_BEHALF = "T/M ĐẢNG ỦY"
SECRETARY = "BÍ THƯ"
REPORT = "BÁO CÁO"
DOC_TYPE, ISSUER_ABBREV = "BC", "ĐU"
RESULTS_CAPTION = "I. KẾT QUẢ SINH HOẠT THÁNG {month}"
RESULTS_HEADER = (
    "STT",
    "Tổ chức đảng",
    "Số buổi sinh hoạt",
    "Tỷ lệ dự (%)",
    "Tỷ lệ phát biểu (%)",
    "Vắng không lý do",
    "Chất lượng (Tốt/Khá/TB/Kém)",
    "Nhiệm vụ (xong/chậm)",
    "Đóng đảng phí (%)",
)
RESULTS_WIDTHS = (1.0, 3.5, 1.6, 1.6, 1.7, 1.6, 2.1, 1.7, 1.7)
TOTAL = "Toàn đảng bộ"
EXCEPTIONS_CAPTION = "II. NHỮNG VẤN ĐỀ CẦN LƯU Ý"
EXCEPTIONS_HEADER = ("STT", "Tổ chức đảng", "Vấn đề")
EXCEPTIONS_WIDTHS = (1.0, 4.0, 11.5)
NO_EXCEPTION = "Không có vấn đề cần lưu ý."
FOCUS_HEADING = "III. TRỌNG TÂM THÁNG {month}"
FOCUS_EMPTY = "…………………………………………………………………………………………"
SUB_UNITS = "Các tổ chức đảng trực thuộc"
COMMITTEE_FILE = "Lưu Văn phòng Đảng ủy"


def _number(value) -> str:
    if value is None:
        return "–"
    return documents.percent_text(value) if isinstance(value, float) else documents.number_text(value)


def _result_cells(row: ResultRow) -> list[str]:
    return [
        *(_number(row.figures.get(code)) for code in RESULT_CODES),
        row.quality,
        row.tasks,
        _number(row.figures.get(DUES_CODE)),
    ]


def _month_text(month: date) -> str:
    return f"{month.month}/{month.year}"


def briefing_document(pack: Pack, *, ancestors: list[Organization]) -> bytes:
    """The pack as a .docx (reads only): the letterhead of the committee (the committee above it as the superior
    body; ``ancestors`` nearest first), the results table with the committee's total, the exceptions, and the
    month's focus (dotted lines to fill in when none is written), signed on behalf of the committee."""
    committee = pack.committee
    superior = ancestors[0].name if ancestors else ""
    issuer = documents.committee_recipient(committee.name)
    place = documents.locality([committee.name, *(o.name for o in ancestors)])
    reviewed = pack.reviewed.first_month
    results = [[str(i), row.org.name, *_result_cells(row)] for i, row in enumerate(pack.rows, start=1)]
    if pack.total is not None:
        results.append(["", TOTAL, *_result_cells(pack.total)])
    exceptions = [[str(i), w.org.name, w.reason] for i, w in enumerate(pack.exceptions, start=1)]
    focus = documents.body_paragraphs(pack.focus) or [FOCUS_EMPTY, FOCUS_EMPTY]
    tables = [
        documents.TableSpec(
            RESULTS_CAPTION.format(month=_month_text(reviewed)), RESULTS_HEADER, results, RESULTS_WIDTHS
        ),
    ]
    if exceptions:
        tables.append(documents.TableSpec(EXCEPTIONS_CAPTION, EXCEPTIONS_HEADER, exceptions, EXCEPTIONS_WIDTHS))
    closing = [] if exceptions else [EXCEPTIONS_CAPTION, NO_EXCEPTION]
    spec = documents.DocumentSpec(
        superior=superior,
        issuer=issuer,
        number=documents.number_line(number=None, doc_type=DOC_TYPE, issuer_abbrev=ISSUER_ABBREV),
        place_date=documents.place_and_date(place, pack.day),
        title=REPORT,
        subject=[
            f"Kết quả sinh hoạt của các tổ chức đảng trực thuộc tháng {_month_text(reviewed)}",
            f"(phục vụ giao ban ngày {pack.day:%d/%m/%Y})",
        ],
        body=[
            f"{issuer} tổng hợp kết quả sinh hoạt tháng {_month_text(reviewed)} của {len(pack.rows)} tổ chức đảng "
            "trực thuộc, những vấn đề cần lưu ý và trọng tâm công tác tháng tới như sau:"
        ],
        tables=tables,
        closing=[*closing, FOCUS_HEADING.format(month=_month_text(pack.month)), *focus],
        signatures=[documents.Signature((ON_BEHALF, SECRETARY))],
        recipients=[SUB_UNITS, COMMITTEE_FILE],
        file_title=f"{REPORT} giao ban {issuer} {pack.day:%d/%m/%Y}",
        author=issuer,
    )
    return documents.build_docx(spec)
