"""A year of meeting history for the demo data: calendars, held meetings with attendance, speakers, votes,
documents and adopted minutes, and the coming meetings planned. Bulk-inserted; deterministic for a seed.

The history covers the twelve months before the month of ``as_of`` (apps/demo/span.py), the rest of the year planned.
The weak cells of the demo commune (apps/demo/oversight.py, ``Story``) skip meetings and see attendance fall."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import holidays
from django.utils import translation

from apps.demo.span import TZ, history_start
from apps.meetings.models import (
    AgendaItem,
    AnnualCalendar,
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingRule,
    Minutes,
    MinutesVersion,
    Speech,
    Vote,
)
from apps.meetings.rules import agenda
from apps.meetings.rules import calendar as rules_calendar
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import votes as rules_votes
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.outbox.models import OutboundMessage
from apps.oversight.rules.periods import month_of

if TYPE_CHECKING:
    from apps.demo.oversight import Story

EXCUSES = [
    "Ốm",
    "Đi công tác",
    "Đi làm ăn xa",
    "Gia đình có việc hiếu",
    "Trực cơ quan",
    "Đưa con đi khám bệnh",
    "Tuổi cao, đi lại khó khăn",
    "Họp đột xuất ở cơ quan",
]
REMARKS = [
    "Đề nghị chi bộ đôn đốc hoàn thành làm đường bê tông ngõ xóm trước Tết.",
    "Nhất trí với báo cáo; đề nghị bổ sung chỉ tiêu vận động đảng phí đúng hạn.",
    "Cần phân công đảng viên trẻ phụ trách công tác tuyên truyền trên nhóm Zalo khu dân cư.",
    "Báo cáo còn chung chung, đề nghị nêu rõ tên đảng viên chưa hoàn thành nhiệm vụ.",
    "Đề nghị quan tâm vệ sinh môi trường, thu gom rác thải tại bờ kênh.",
    "Tình hình an ninh trật tự ổn định; cần duy trì tổ tự quản, nhất là dịp cuối năm.",
    "Đề nghị khen ngợi đồng chí tổ trưởng tổ dân phố đã vận động hộ dân hiến đất.",
    "Cần kiểm tra việc thực hiện nghị quyết tháng trước, còn 2 nhiệm vụ chậm tiến độ.",
    "Nhất trí dự thảo nghị quyết; đề nghị thêm nhiệm vụ chăm lo gia đình chính sách.",
    "Đề nghị tổ chức sinh hoạt chuyên đề về chuyển đổi số cho đảng viên cao tuổi.",
]
TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tinh thần đoàn kết",
    "Nâng cao vai trò của đảng viên trong xây dựng nông thôn mới kiểu mẫu",
    "Phát huy dân chủ ở cơ sở, giải quyết kiến nghị của nhân dân",
    "Chuyển đổi số và ứng dụng Sổ tay đảng viên điện tử trong sinh hoạt chi bộ",
]


@dataclass
class HistoryCounts:
    meetings: int = 0
    attendances: int = 0
    speeches: int = 0
    minutes: int = 0
    board_meetings: int = 0


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=TZ)


def _minutes_text(
    meeting: Meeting,
    cell: Organization,
    present: int,
    expected: int,
    absentees: list[str],
    speakers: list[tuple[str, str]],
    vote_line: str,
) -> str:
    lines = [
        f"Hồi {meeting.started_at.astimezone(TZ):%H giờ %M} ngày {meeting.scheduled_at.astimezone(TZ):%d/%m/%Y}, "
        f"tại {meeting.place}, {cell.name} tiến hành {meeting.get_kind_display().lower()}.",
        f"Có mặt: {present}/{expected} đồng chí.",
    ]
    if absentees:
        lines.append("Vắng: " + "; ".join(absentees) + ".")
    if meeting.topic:
        lines.append(f"Chuyên đề: {meeting.topic}.")
    lines.append("Ý kiến thảo luận:")
    lines += [f"- Đồng chí {name}: {remark}" for name, remark in speakers]
    lines.append(vote_line)
    lines.append(
        f"Cuộc họp kết thúc hồi {meeting.ended_at.astimezone(TZ):%H giờ %M} cùng ngày. "
        "Biên bản đã được đọc lại và thông qua."
    )
    return "\n".join(lines)


def _notice(meeting: Meeting, member: Member, at: datetime) -> OutboundMessage:
    """A member told of the meeting (in person or on the printed list, as most cells do)."""
    return OutboundMessage(
        organization_id=meeting.cell_id,
        meeting=meeting,
        member=member,
        recipient_id=member.user_id,
        channel=OutboundMessage.Channel.IN_PERSON,
        purpose=OutboundMessage.Purpose.NOTICE,
        status=OutboundMessage.Status.SENT,
        created_at=at,
        sent_at=at,
    )


def build_history(
    *,
    rng: random.Random,
    cells: list[Organization],
    by_cell: dict[int, list[Member]],
    exempt_ids: set[int],
    secretaries: dict[int, Member],
    as_of: date,
    diligence: dict[int, float] | None = None,
    today_cell: Organization | None = None,
    story: Story | None = None,
) -> HistoryCounts:
    """``diligence``: how well each cell keeps its meetings (0–1, by cell id; apps/demo/world.py) — documents out
    in time, board pre-meetings, full length, members who speak, few absences.

    ``today_cell`` (the demo accounts' cell) meets on ``as_of`` itself, whatever the day, so that a newcomer always
    finds a meeting ready to run; in December every cell's calendar of the next year is registered too, so next
    month's meetings are always planned. The calendar of last year holds the months of the history only.

    ``story`` (apps/demo/oversight.py): the meetings the weak cells did not hold, and their roll calls."""
    counts = HistoryCounts()
    diligence = diligence or {}
    year = as_of.year
    start = history_start(as_of)
    years = list(range(start.year, year + 1)) + ([year + 1] if as_of.month == 12 else [])
    vn = holidays.country_holidays("VN", years=[*years, year + 1])
    is_holiday = vn.__contains__
    now = _at(as_of, time(12, 0))
    with translation.override("vi"):
        templates = {kind: agenda.template_for(kind) for kind in ("regular", "thematic")}

    rules_rows, calendars = [], []
    for cell in cells:
        agency = any(w in cell.name for w in ("Cơ quan", "Trường", "Công an", "Ban Chỉ huy", "Bệnh viện", "Trung tâm"))
        day = rng.choice([3, 4, 5, 5, 5, 6, 10])
        rules_rows.append(
            MeetingRule(
                cell=cell,
                day_of_month=day,
                start_time=time(14, 0) if agency else time(19, 30),
                place="Hội trường cơ quan" if agency else "Nhà văn hóa " + cell.name.replace("Chi bộ ", ""),
            )
        )
        for y in years:  # next year's calendar: made and registered at the end of this one
            submitted = _at(date(y, 1, 8), time(9)) if y <= year else _at(as_of - timedelta(days=4), time(9))
            registered = _at(date(y, 1, 12), time(10)) if y <= year else _at(as_of - timedelta(days=2), time(10))
            calendars.append(
                AnnualCalendar(
                    cell=cell,
                    year=y,
                    status=AnnualCalendar.Status.REGISTERED,
                    submitted_at=submitted,
                    registered_at=registered,
                )
            )
    MeetingRule.objects.bulk_create(rules_rows, batch_size=2000)
    AnnualCalendar.objects.bulk_create(calendars, batch_size=2000)

    meetings: list[Meeting] = []
    plan: list[tuple[Meeting, Organization]] = []
    combined: set[int] = set()  # id() of the meetings sharing a session (regular + thematic): norm 120 minutes
    thematic = set(rules_calendar.thematic_months(2))
    cell_rules = [(cell, rule) for cell, rule in zip(cells, rules_rows, strict=True) for _y in years]
    for (cell, rule), calendar in zip(cell_rules, calendars, strict=True):
        dates = rules_calendar.monthly_dates(calendar.year, rule.day_of_month, is_holiday)
        for month, held_on in enumerate(dates, start=1):
            if date(calendar.year, month, 1) < start:
                continue  # before the history the demo keeps
            if today_cell is not None and cell.pk == today_cell.pk and (calendar.year, month) == (year, as_of.month):
                held_on = as_of  # the demo cell meets today
            kinds = ["regular", "thematic"] if month in thematic else ["regular"]
            for kind in kinds:
                scheduled = _at(held_on, rule.start_time)
                m = Meeting(
                    cell=cell,
                    calendar=calendar,
                    kind=kind,
                    scheduled_at=scheduled,
                    place=rule.place,
                    topic=TOPICS[(month - 1) // 3] if kind == "thematic" else "",
                )
                m.status = Meeting.Status.CLOSED if scheduled < now else Meeting.Status.PLANNED
                if story is not None and not story.held(cell.pk, month_of(held_on), kind):
                    m.status = Meeting.Status.PLANNED  # the cell did not meet: the date passed with nothing recorded
                meetings.append(m)
                plan.append((m, cell))
                if len(kinds) > 1:
                    combined.add(id(m))
    counts.meetings = len(meetings)
    items, discussion = [], {}
    for m in meetings:
        for i, (section, title) in enumerate(templates[m.kind], start=1):
            items.append(AgendaItem(meeting=m, position=i, section=section, title=title))
            if i == (8 if m.kind == "regular" else 6):
                discussion[id(m)] = items[-1]

    attendance, speeches, documents, votes, minutes = [], [], [], [], []
    notices: list[OutboundMessage] = []  # who received each meeting's notice (done means delivered)
    absence_habit = {m.pk: rng.random() for ms in by_cell.values() for m in ms}
    excused_p: dict[int, float] = {}  # per member and meeting: absent with a reason, absent without one
    unexcused_p: dict[int, float] = {}
    pending_minutes: list[tuple[Meeting, str]] = []
    board_before: list[tuple[Meeting, int]] = []
    for m, cell in plan:
        members = by_cell.get(cell.pk, [])
        secretary = secretaries.get(cell.pk)
        q = diligence.get(cell.pk, 0.85)
        lead_days = rng.choice([1, 2, 2, 3] if rng.random() < q else [0, 0, 1])
        month = month_of(m.scheduled_at.astimezone(TZ).date())
        planned = story.month(cell.pk, month) if story else None  # a month of the falling cell's decline
        if planned is not None:
            lead_days = planned.lead_days
        if m.scheduled_at - now > timedelta(days=40):
            continue  # months ahead: nothing drafted yet
        documents.append(
            MeetingDocument(
                meeting=m,
                kind=MeetingDocument.Kind.DRAFT_RESOLUTION,
                title=f"Dự thảo nghị quyết {m.scheduled_at:%m/%Y}",
                text="1. Lãnh đạo đảng viên thực hiện tốt nhiệm vụ chính trị tháng tới.\n"
                "2. Vận động nhân dân giữ gìn vệ sinh môi trường, an ninh trật tự.\n"
                "3. Thu nộp đảng phí đầy đủ, đúng hạn.",
                published_at=m.scheduled_at - timedelta(days=lead_days)
                if m.status == "closed" or m.scheduled_at - now < timedelta(days=5)
                else None,
            )
        )
        if m.status != Meeting.Status.CLOSED:
            if today_cell is not None and m.cell_id == today_cell.pk and m.scheduled_at.date() == as_of:
                m.preparer = secretary  # today's meeting is prepared: the secretary drafted its documents
                m.preparer_assigned_at = now - timedelta(days=6)
                told = now - timedelta(days=3)  # all but two members told; the checklist shows who is left
                notices += [_notice(m, member, told) for member in members[:-2]]
            continue
        m.started_at = m.scheduled_at + timedelta(minutes=rng.randint(-5, 12))
        norm = rules_live.duration_norm_minutes(members=len(members), combined_session=id(m) in combined)
        minutes_long = norm + rng.randint(0, 25) if rng.random() < q else norm - rng.choice([10, 20, 35, 50])
        board_met = rng.random() < q
        if planned is not None:
            minutes_long, board_met = round(norm * planned.duration), planned.board
        if m.kind == "regular" and board_met:  # the board (or secretary and deputy) met to prepare it
            board_before.append((m, rng.randint(2, 6)))
        m.ended_at = m.started_at + timedelta(minutes=minutes_long)
        m.presiding = secretary
        officials = [x for x in members if x.status == "official" and x.pk not in exempt_ids]
        m.minute_taker = rng.choice(officials) if officials else secretary
        m.preparer = secretary
        m.members_notified_at = m.scheduled_at - timedelta(days=rng.randint(2, 6))
        m.preparer_assigned_at = m.members_notified_at - timedelta(days=rng.randint(3, 10))
        m.supervisor_notified_at = m.members_notified_at if rng.random() < 0.85 else None
        notices += [_notice(m, member, m.members_notified_at) for member in members]
        present = expected = 0
        absentees, statuses = [], []
        forced = story.roll_call(rng, m.cell_id, month, members, exempt_ids) if story else None
        for member in members:
            if member.pk not in excused_p:
                habit = absence_habit[member.pk]
                excused_p[member.pk] = (0.02 + habit * 0.06) * (1.6 - q)
                unexcused_p[member.pk] = 0.06 * (1 - q) + 0.03 if habit > 0.85 else 0.0
        for member in members:
            exempt = member.pk in exempt_ids
            roll = rng.random()
            if forced is not None:
                status = forced[member.pk]
            elif exempt:
                status = "present" if roll < 0.15 else "exempt"
            elif roll < excused_p[member.pk]:
                status = "excused"
            elif roll < excused_p[member.pk] + unexcused_p[member.pk]:  # a few habitual absentees, more in weak cells
                status = "unexcused"
            elif roll > 0.96:
                status = "late"
            else:
                status = "present"
            reason = rng.choice(EXCUSES) if status == "excused" else ""
            statuses.append((member, status))
            attendance.append(
                Attendance(
                    meeting=m, member=member, status=status, reason=reason, via="secretary", marked_at=m.started_at
                )
            )
            if status in ("present", "late"):
                present += 1
            if status in ("excused", "unexcused"):
                absentees.append(f"{member.full_name} ({reason or 'không lý do'})")
            if status != "exempt":
                expected += 1
        attendees = [x for x, s in statuses if s in ("present", "late")]
        # Most meetings of a diligent cell: more than half the attendees speak; otherwise a quarter to a half.
        share = rng.uniform(0.52, 0.8) if rng.random() < q else rng.uniform(0.25, 0.5)
        if planned is not None:
            share = planned.speaking
        spoken = rng.sample(attendees, k=min(len(attendees), max(2, round(len(attendees) * share))))
        said = []
        for position, speaker in enumerate(spoken, start=1):
            remark = rng.choice(REMARKS)
            said.append((speaker.full_name, remark))
            speeches.append(
                Speech(
                    meeting=m,
                    agenda_item=discussion[id(m)],
                    member=speaker,
                    position=position,
                    spoken=True,
                    note=remark,
                )
            )
        voters = [
            rules_votes.Voter(
                official=x.status == "official",
                exempt=x.pk in exempt_ids,
                attended=s in ("present", "late"),
                excused_all_session=s == "excused",
            )
            for x, s in statuses
        ]
        eligible = rules_votes.eligible_count(voters)
        voting = sum(1 for v in voters if rules_votes.may_vote(v))
        against = 1 if voting > 10 and rng.random() < 0.1 else 0
        votes.append(
            Vote(
                meeting=m,
                question="Thông qua nghị quyết cuộc họp",
                method="open",
                purpose="resolution",
                status="closed",
                closed_at=m.ended_at - timedelta(minutes=10),
                votes_for=voting - against,
                votes_against=against,
                eligible=eligible,
            )
        )
        result = rules_votes.VoteResult(approving=voting - against, against=against, abstain=0, eligible=eligible)
        vote_line = (
            f"Biểu quyết thông qua nghị quyết: {result.approving}/{result.eligible} đồng chí tán thành "
            f"({str(result.percent).replace('.', ',')}%)."
        )
        pending_minutes.append((m, _minutes_text(m, cell, present, expected, absentees, said, vote_line)))
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    boards = []
    for m, days in board_before:
        start = m.scheduled_at - timedelta(days=days)
        boards.append(
            Meeting(
                cell_id=m.cell_id,
                calendar_id=m.calendar_id,
                kind=Meeting.Kind.BOARD,
                prepares=m,
                scheduled_at=start,
                place=m.place,
                status=Meeting.Status.CLOSED,
                started_at=start,
                ended_at=start + timedelta(minutes=rng.choice([45, 60, 60, 75])),
                presiding=m.presiding,
            )
        )
    Meeting.objects.bulk_create(boards, batch_size=2000)
    counts.board_meetings = len(boards)
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    OutboundMessage.objects.bulk_create(notices, batch_size=5000)
    Speech.objects.bulk_create(speeches, batch_size=5000)
    MeetingDocument.objects.bulk_create(documents, batch_size=5000)
    Vote.objects.bulk_create(votes, batch_size=5000)
    minutes = [Minutes(meeting=m, text=text, status="adopted", adopted_at=m.ended_at) for m, text in pending_minutes]
    Minutes.objects.bulk_create(minutes, batch_size=5000)
    MinutesVersion.objects.bulk_create(
        [MinutesVersion(minutes=mn, number=1, text=mn.text) for mn in minutes], batch_size=5000
    )
    counts.attendances, counts.speeches, counts.minutes = len(attendance), len(speeches), len(minutes)
    return counts
