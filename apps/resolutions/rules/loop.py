"""The words the loop writes into the next meeting's record (services/loop.py), as plain functions over plain values.

The wording written into the record (agenda titles, the section headings and status words of the draft
resolution) is the vocabulary of the cell's documents, not interface text: it reads the same whatever language
the screen is in, so it is written in Vietnamese here, like apps/meetings/rules/documents.py, and never passes through
the translation catalogue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from apps.common.text import nfc
from apps.resolutions.rules import follow as rules

REVIEW_PREFIX = "Kiểm điểm nhiệm vụ: "
SECTION_RESULTS = "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC"
SECTION_NEXT = "II. NHIỆM VỤ THÁNG TỚI"
DRAFT_TITLE = "Dự thảo nghị quyết"
BOARD = "Chi ủy"
NOBODY = "chưa phân công"
NO_TASKS = "(Không có nhiệm vụ cần kiểm điểm.)"
STATUS_WORDS = {
    rules.OPEN: "chưa thực hiện",
    rules.IN_PROGRESS: "đang thực hiện",
    rules.DONE: "hoàn thành",
    rules.LATE: "quá hạn",
    rules.DROPPED: "dừng thực hiện",
}
AGENDA_TITLE_MAX = 300


@dataclass(frozen=True)
class ResultRow:
    """One line of the results table, as plain values."""

    title: str
    lead: str
    deadline: date
    status: str
    outcome: str = ""
    done_late: bool = False
    dropped_reason: str = ""


def status_words(row: ResultRow) -> str:
    words = STATUS_WORDS[row.status]
    if row.status == rules.DONE and row.done_late:
        words += " (chậm so với thời hạn)"
    if row.status == rules.DROPPED and row.dropped_reason:
        words += f" (lý do: {nfc(row.dropped_reason)})"
    return words


def result_line(number: int, row: ResultRow) -> str:
    """ "1. <title> — <lead> — hạn dd/mm/yyyy — <status> — <outcome>" (no outcome part until one is recorded)."""
    parts = [f"{number}. {nfc(row.title)}", nfc(row.lead) or NOBODY, f"hạn {row.deadline:%d/%m/%Y}", status_words(row)]
    outcome = " ".join(nfc(row.outcome).split())
    if outcome:
        parts.append(outcome)
    return " — ".join(parts)


def results_section(rows: Sequence[ResultRow]) -> str:
    lines = [SECTION_RESULTS]
    lines += [result_line(n, row) for n, row in enumerate(rows, start=1)] or [NO_TASKS]
    return "\n".join(lines)


def with_results(text: str, section: str) -> str:
    """The draft resolution with section I put first (or refreshed); what the secretary wrote after it is kept.

    The generated section I has no blank line, so it runs from its heading to the first blank line, or to the
    heading of section II when the secretary wrote that right under the table."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n")
    if not text.strip():
        return f"{section}\n\n{SECTION_NEXT}"
    if not text.startswith(SECTION_RESULTS):
        return f"{section}\n\n{text.lstrip()}"
    ends = [i for i in (text.find("\n\n"), text.find(f"\n{SECTION_NEXT}")) if i >= 0]
    rest = text[min(ends) :].lstrip("\n") if ends else ""
    return f"{section}\n\n{rest}" if rest.strip() else f"{section}\n\n{SECTION_NEXT}"


def review_title(task_title: str) -> str:
    return (REVIEW_PREFIX + nfc(task_title))[:AGENDA_TITLE_MAX]
