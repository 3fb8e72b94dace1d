"""Minutes (biên bản) generated from the record, and the "Nhiệm vụ" section of a draft resolution.

Pure functions over plain data (no ORM, no request): ``queries.minutes.minutes_data`` gathers the facts. The wording
is the document's own (the minutes book is kept in Vietnamese, DOMAIN.md §5 and §10), so it lives here as
document-template constants rather than in the interface's message catalogue. Datetimes arrive in local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from apps.meetings.rules.live import EXCUSED, UNEXCUSED, AttendanceSummary
from apps.meetings.rules.votes import VoteResult

UNKNOWN = "…"
UNKNOWN_TIME = "… giờ … phút"
ROMAN = ("", "I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True)
class Absentee:
    name: str
    status: str  # rules.EXCUSED or rules.UNEXCUSED
    reason: str = ""


@dataclass(frozen=True)
class SpeechLine:
    speaker: str
    remark: str = ""


@dataclass(frozen=True)
class ItemRecord:
    title: str
    speeches: tuple[SpeechLine, ...] = ()
    conclusion: str = ""


@dataclass(frozen=True)
class VoteLine:
    question: str
    result: VoteResult
    secret: bool = False
    closed: bool = True


@dataclass(frozen=True)
class MinutesData:
    scheduled_at: datetime
    attendance: AttendanceSummary
    started_at: datetime | None = None
    ended_at: datetime | None = None
    place: str = ""
    presiding: str = ""
    minute_taker: str = ""
    official: int = 0
    probationary: int = 0
    exempt_names: tuple[str, ...] = ()
    attached_names: tuple[tuple[str, str], ...] = ()  # (name, host cell): meeting with another cell for a while
    visiting_names: tuple[tuple[str, str], ...] = ()  # (name, home cell): attached here, attending without a vote
    late_names: tuple[str, ...] = ()
    unmarked_names: tuple[str, ...] = ()
    absentees: tuple[Absentee, ...] = ()
    guests: tuple[tuple[str, str], ...] = ()  # (name, position)
    items: tuple[ItemRecord, ...] = ()
    votes: tuple[VoteLine, ...] = ()
    tasks_text: str = ""


# ---------------------------------------------------------------------------------------------- formatting


def percent(value: float) -> str:
    """87.5 → "87,5%" (Vietnamese decimal comma)."""
    return f"{value:.1f}".replace(".", ",") + "%"


def clock(moment: datetime) -> str:
    return f"{moment:%H} giờ {moment:%M} phút"


def day(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y}"


def comrade(name: str) -> str:
    return f"đồng chí {name}" if name else UNKNOWN


def _names(names) -> str:
    return ", ".join(names)


def _count(n: int) -> str:
    return f"{n} đồng chí"


# ---------------------------------------------------------------------------------------------- sections


def _time_and_place(data: MinutesData) -> list[str]:
    if data.started_at:
        time_line = f"- Thời gian: bắt đầu lúc {clock(data.started_at)}, ngày {day(data.started_at)}"
        if data.ended_at:
            time_line += f"; kết thúc lúc {clock(data.ended_at)}, ngày {day(data.ended_at)}"
        else:
            time_line += f"; kết thúc lúc {UNKNOWN_TIME}"
    else:
        time_line = f"- Thời gian: {clock(data.scheduled_at)}, ngày {day(data.scheduled_at)} (dự kiến)"
    return [
        time_line,
        f"- Địa điểm: {data.place or UNKNOWN}",
        f"- Chủ trì: {comrade(data.presiding)}",
        f"- Thư ký: {comrade(data.minute_taker)}",
    ]


def _attendance(data: MinutesData) -> list[str]:
    s = data.attendance
    total = f"- Tổng số đảng viên của chi bộ: {_count(s.total)}"
    if data.official or data.probationary:
        total += f" (chính thức {data.official}, dự bị {data.probationary})"
    lines = [total + "."]
    if data.exempt_names:
        lines.append(
            f"- Miễn công tác và sinh hoạt đảng, vắng mặt: {_count(len(data.exempt_names))}: "
            f"{_names(data.exempt_names)}."
        )
    if data.attached_names:
        listed = _names(f"{name} (tại {host})" for name, host in data.attached_names)
        lines.append(f"- Sinh hoạt đảng tạm thời ở chi bộ khác: {_count(len(data.attached_names))}: {listed}.")
    present = f"- Có mặt {s.present}/{s.expected} đồng chí"
    if s.rate_percent is not None:
        present += f" ({percent(s.rate_percent)})"
    if data.late_names:
        present += f", trong đó đến muộn {_count(len(data.late_names))}: {_names(data.late_names)}"
    lines.append(present + ".")
    for status, label in ((EXCUSED, "Vắng có lý do"), (UNEXCUSED, "Vắng không lý do")):
        people = [a for a in data.absentees if a.status == status]
        if people:
            listed = _names(f"{a.name} ({a.reason})" if a.reason else a.name for a in people)
            lines.append(f"- {label}: {_count(len(people))}: {listed}.")
        else:
            lines.append(f"- {label}: không.")
    if data.unmarked_names:
        lines.append(f"- Chưa điểm danh: {_count(len(data.unmarked_names))}: {_names(data.unmarked_names)}.")
    if data.visiting_names:
        listed = _names(f"{name} ({home})" for name, home in data.visiting_names)
        lines.append(
            f"- Đảng viên sinh hoạt tạm thời tại chi bộ (dự họp, không biểu quyết): "
            f"{_count(len(data.visiting_names))}: {listed}."
        )
    if data.guests:
        guests = _names(f"{comrade(name)} ({pos})" if pos else comrade(name) for name, pos in data.guests)
        lines.append(f"- Khách mời: {guests}.")
    return lines


def _items(data: MinutesData) -> list[str]:
    lines: list[str] = []
    for number, item in enumerate(data.items, start=1):
        lines.append(f"{number}. {item.title}")
        for speech in item.speeches:
            remark = speech.remark or "phát biểu ý kiến."
            lines.append(f"   - Đồng chí {speech.speaker}: {remark}")
        if item.conclusion:
            lines.append(f"   Kết luận: {item.conclusion}")
    return lines or ["(Chưa có nội dung.)"]


def _ballots(r: VoteResult) -> str:
    """How a secret vote was held: the board's count of paper ballots, the ballots cast on phones."""
    parts = []
    if r.paper:
        p = r.paper
        parts.append(f"phiếu giấy: phát ra {p.issued}, thu về {p.returned}, hợp lệ {p.valid}, không hợp lệ {p.invalid}")
    if r.electronic:
        parts.append(f"{r.electronic} phiếu bỏ trên điện thoại")
    return f" ({'; '.join(parts)})" if parts else ""


def vote_line(vote: VoteLine) -> str:
    r = vote.result
    method = "bỏ phiếu kín" if vote.secret else "biểu quyết giơ tay"
    if vote.secret and r.withheld:
        if not vote.closed:
            return f"- {vote.question} ({method}): Đang biểu quyết."
        if not (r.paper.returned if r.paper else 0) + r.electronic:  # closed, after confirming, with nothing in
            return f"- {vote.question} ({method}){_ballots(r)}: không có phiếu nào. Kết quả: không được thông qua."
        return (
            f"- {vote.question} ({method}){_ballots(r)}: không công bố kết quả vì chưa đủ ba phiếu. "
            "Kết quả: không được thông qua."
        )
    line = (
        f"- {vote.question} ({method}){_ballots(r) if vote.secret else ''}: {r.approving}/{r.eligible} tán thành "
        f"({percent(r.percent)}), {r.against} không tán thành, {r.abstain} không biểu quyết."
    )
    if not vote.closed:
        return line + " Đang biểu quyết."
    if r.passed:
        return line + " Kết quả: được thông qua."
    return line + " Kết quả: không được thông qua (chưa quá nửa số đảng viên được quyền biểu quyết tán thành)."


def render_minutes(data: MinutesData) -> str:
    """The body of the minutes as plain text, in the order of DOMAIN.md §5 (time, place, officers, attendance,
    items with speakers and conclusions, votes, tasks). The letterhead, the title and the signatures are added
    by the document layout (services_docs.minutes_export), so they are not part of the text."""
    lines = _time_and_place(data)
    lines += ["", "I. THÀNH PHẦN"] + _attendance(data)
    lines += ["", "II. NỘI DUNG"] + _items(data)
    sections = []
    votes = [v for v in data.votes if not v.result.void]  # a vote voided as entered by mistake has no result
    if votes:
        sections.append(("KẾT QUẢ BIỂU QUYẾT", [vote_line(v) for v in votes]))
    if data.tasks_text:
        sections.append(("NHIỆM VỤ", data.tasks_text.splitlines()))
    for number, (title, body) in enumerate(sections, start=3):
        lines += ["", f"{ROMAN[number]}. {title}", *body]
    ending = (
        f"Cuộc họp kết thúc lúc {clock(data.ended_at)} cùng ngày."
        if data.ended_at
        else f"Cuộc họp kết thúc lúc {UNKNOWN_TIME}."
    )
    lines += ["", ending + " Biên bản đã được đọc lại cho chi bộ nghe và thông qua."]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------- tasks

_TASKS_HEADING = re.compile(r"^\s*(?:[IVXLC]+\s*[.)/-]|\d+\s*[.)/-]|[-*•])?\s*nhiệm\s+vụ\b", re.IGNORECASE)
_NEXT_HEADING = re.compile(r"^\s*[IVXLC]+\s*[.)/-]\s")


def tasks_section(text: str) -> str:
    """The "Nhiệm vụ" section of a draft resolution, up to the next roman-numbered heading ("" when absent).

    The draft is free text; the first line that starts with "Nhiệm vụ" (possibly numbered) opens the section,
    and what follows a colon on that line belongs to it."""
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        if _TASKS_HEADING.match(line):
            body = []
            _heading, colon, rest = line.partition(":")
            if colon and rest.strip():
                body.append(rest.strip())
            for following in lines[index + 1 :]:
                if _NEXT_HEADING.match(following):
                    break
                body.append(following.rstrip())
            return "\n".join(body).strip("\n")
    return ""
