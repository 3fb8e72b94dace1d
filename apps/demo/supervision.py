"""The committees' side of the demo (issue 12): the thresholds the district and the demo commune set, the commune's
members who follow its cells ("cấp ủy viên phụ trách", the demo account ``giamsat`` and two colleagues, one of whom
handed a cell over during the year), their visits over the year (the meetings they attended, what they saw and
recommended, follow-ups done or still due; the weak cells' story, apps/demo/oversight.py), the inspection
commission's supervisions by ``kiemtra``, and the commune's monthly briefings with their focus.

Bulk-inserted; deterministic for a seed."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.common.scoping import Role
from apps.demo.span import history_start
from apps.meetings.models import Guest, Meeting
from apps.orgs.models import Organization, RoleGrant
from apps.oversight.models import Briefing, OversightRule, SupervisorAssignment, Visit
from apps.oversight.rules.periods import add_months, month_of

if TYPE_CHECKING:
    from apps.demo.oversight import Story

TERM = date(2025, 7, 1)  # the committees' term (apps/demo/accounts.py grants from this day too)
COLLEAGUES = [("nguyenthihong", "Nguyễn Thị Hồng"), ("dovanhai", "Đỗ Văn Hải")]  # accounts without a password
SUPERVISOR_POSITION = "Đảng ủy viên phụ trách chi bộ"
INSPECTOR_POSITION = "Ủy viên Ủy ban kiểm tra Huyện ủy"
OBSERVATIONS = [
    "Chi bộ chuẩn bị chu đáo báo cáo và dự thảo nghị quyết; sinh hoạt đúng giờ, đúng chương trình.",
    "Nội dung sinh hoạt bám sát nhiệm vụ chính trị của thôn; nhiều đảng viên phát biểu xây dựng.",
    "Đã kiểm điểm việc thực hiện nghị quyết tháng trước theo từng nhiệm vụ; còn hai nhiệm vụ chậm.",
    "Thảo luận còn ít ý kiến phê bình và tự phê bình; chủ trì kết luận chưa rõ người thực hiện.",
    "Sinh hoạt chuyên đề có tài liệu chuẩn bị trước, đảng viên liên hệ bản thân cụ thể.",
]
RECOMMENDATIONS = [
    "Phân công cụ thể người chủ trì, thời hạn cho từng nhiệm vụ trong nghị quyết.",
    "Gửi dự thảo nghị quyết cho đảng viên trước ít nhất hai ngày.",
    "Động viên đảng viên trẻ phát biểu; ghi biên bản đầy đủ ý kiến thảo luận.",
    "Đôn đốc thu đảng phí đúng hạn; báo cáo kết quả với Đảng ủy trước ngày giao ban.",
    "",
]
FOCUS = [
    "Tập trung thu hoạch vụ mùa, phòng chống thiên tai; các chi bộ sinh hoạt đúng lịch, kiểm điểm việc thực hiện "
    "nghị quyết tháng trước theo từng nhiệm vụ.",
    "Vận động nhân dân làm đường giao thông nông thôn theo Chỉ thị của Đảng ủy; chuẩn bị sinh hoạt chuyên đề quý.",
    "Rà soát đảng viên dự bị đến hạn chuyển chính thức; đôn đốc các chi bộ xác nhận kết quả chấm điểm sinh hoạt.",
    "Nâng cao tỷ lệ đảng viên dự sinh hoạt và phát biểu; các chi bộ có tỷ lệ dự họp dưới 85% báo cáo nguyên nhân.",
    "Tổng vệ sinh môi trường, bảo đảm an ninh trật tự; thu nộp đảng phí đầy đủ trước ngày 10.",
    "Chuẩn bị đánh giá, xếp loại chất lượng đảng viên và tổ chức đảng cuối năm theo Quy định 366.",
]


@dataclass
class SupervisionCounts:
    rules: int = 0
    assignments: int = 0
    visits: int = 0
    inspections: int = 0
    briefings: int = 0


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def rules_create(district: Organization, commune: Organization, users: dict[str, Any], as_of: date) -> int:
    """The district's thresholds (last year's, then stricter ones this year) and the demo commune's own."""
    admin, staff = users.get("quantri"), users.get("canbo")
    rows = [
        OversightRule(
            organization=district,
            effective_from=date(as_of.year - 1, 1, 1),
            attendance_min=Decimal(80),
            speaking_min=Decimal(85),
            briefing_day=3,
            created_by=admin,
        ),
        OversightRule(
            organization=district,
            effective_from=date(as_of.year, 1, 1),
            attendance_min=Decimal(85),
            speaking_min=Decimal(90),
            briefing_day=3,
            created_by=admin,
        ),
        OversightRule(
            organization=commune,
            effective_from=date(as_of.year, 3, 1),
            attendance_min=Decimal(85),
            speaking_min=Decimal(90),
            falling_months=3,
            score_confirm_days=7,
            calendar_due_month=1,
            probation_grace_days=30,
            briefing_day=3,
            created_by=staff,
        ),
    ]
    OversightRule.objects.bulk_create(rows)
    return len(rows)


def briefings_create(commune: Organization, users: dict[str, Any], as_of: date) -> int:
    """The commune's briefing of every month of the history already held (on the 3rd, or the next working day),
    with the focus its committee set."""
    rows = []
    month = history_start(as_of)
    while month <= month_of(as_of):
        held_on = _weekday(month.replace(day=3))
        if held_on <= as_of:
            focus = FOCUS[(month.month - 1) % len(FOCUS)]
            rows.append(
                Briefing(committee=commune, month=month, held_on=held_on, focus=focus, updated_by=users.get("canbo"))
            )
        month = add_months(month, 1)
    Briefing.objects.bulk_create(rows)
    return len(rows)


def _colleagues() -> list[Any]:
    User = get_user_model()
    rows = []
    for username, full_name in COLLEAGUES:
        user = User(username=username, first_name=full_name, last_name="")
        user.set_unusable_password()  # committee members with an account, not demo logins
        rows.append(user)
    User.objects.bulk_create(rows)
    return list(User.objects.filter(username__in=[u for u, _ in COLLEAGUES]).order_by("username"))


def assignments_create(
    commune: Organization,
    commune_cells: list[Organization],
    supervised: list[Organization],
    users: dict[str, Any],
    story: Story,
    as_of: date,
) -> list[SupervisorAssignment]:
    """``giamsat`` follows the cells apps/demo/accounts.py granted them; Nguyễn Thị Hồng the others, one of which
    (the skipping cell) Đỗ Văn Hải followed until five months ago. Each assignment with its supervisor grant."""
    hai, hong = _colleagues()  # ordered by username: dovanhai, nguyenthihong
    staff = users.get("canbo")
    handover = add_months(month_of(as_of), -5)
    start = min(TERM, handover - timedelta(days=90))
    others = [c for c in commune_cells if c not in supervised]
    handed = story.skipping if story.skipping in others else (others[0] if others else None)
    rows = [SupervisorAssignment(supervisor=users["giamsat"], cell=c, starts_on=TERM) for c in supervised]
    rows += [SupervisorAssignment(supervisor=hong, cell=c, starts_on=start) for c in others if c != handed]
    if handed is not None:
        rows.append(SupervisorAssignment(supervisor=hai, cell=handed, starts_on=start, ends_on=handover - timedelta(1)))
        rows.append(SupervisorAssignment(supervisor=hong, cell=handed, starts_on=handover))
    for row in rows:
        row.committee, row.assigned_by = commune, staff
    SupervisorAssignment.objects.bulk_create(rows)
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(
                user=row.supervisor,
                organization=row.cell,
                role=Role.SUPERVISOR,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
            )
            for row in rows
            if row.supervisor != users["giamsat"]  # apps/demo/accounts.py granted theirs
        ]
    )
    return rows


def _held(cells: list[Organization], as_of: date) -> dict[int, list[tuple[Meeting, date]]]:
    """The cells' regular meetings held in the history, with their day, oldest first."""
    held: dict[int, list[tuple[Meeting, date]]] = defaultdict(list)
    meetings = Meeting.objects.filter(cell__in=cells, kind=Meeting.Kind.REGULAR, status=Meeting.Status.CLOSED).order_by(
        "scheduled_at", "pk"
    )
    for m in meetings:
        held[m.cell_id].append((m, timezone.localtime(m.scheduled_at).date()))
    return held


def _visit(rng: random.Random, meeting: Meeting, day: date, visitor, as_of: date, **given) -> Visit:
    """A visit to a meeting: what was seen and recommended, drawn unless given; a follow-up due a month later for
    half of them, mostly done once due."""
    due = day + timedelta(days=30) if rng.random() < 0.5 else None
    overdue = due is not None and due < as_of - timedelta(days=5)
    done = due - timedelta(days=rng.randint(0, 12)) if due and overdue and rng.random() < 0.8 else None
    visit = Visit(
        cell_id=meeting.cell_id,
        meeting=meeting,
        kind=Visit.Kind.SUPERVISOR,
        visitor=visitor,
        on=day,
        attended=True,
        observations=rng.choice(OBSERVATIONS),
        recommendations=rng.choice(RECOMMENDATIONS),
        follow_up_due=due,
        follow_up_done_on=done,
    )
    for name, value in given.items():
        setattr(visit, name, value)
    return visit


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def visits_create(
    rng: random.Random,
    assignments: list[SupervisorAssignment],
    story: Story,
    district: Organization,
    commune: Organization,
    users: dict[str, Any],
    as_of: date,
) -> tuple[int, int]:
    """The supervisors' visits over the year and the inspection commission's supervisions: (visits, of which
    the inspection's). ``giamsat`` goes every other month and has been to each of their cells this quarter; their
    colleagues every third month and not yet this quarter, so their cells show as not visited this quarter."""
    giamsat, inspector = users["giamsat"], users.get("kiemtra")
    quarter = _quarter_start(as_of)
    elsewhere = (
        Organization.objects.filter(path__startswith=district.path, kind=Organization.Kind.CELL)
        .exclude(path__startswith=commune.path)
        .order_by("path")
        .first()
    )
    cells = list({a.cell.pk: a.cell for a in assignments}.values()) + ([elsewhere] if elsewhere else [])
    held = _held(cells, as_of)
    visits: list[Visit] = []
    for index, a in enumerate(assignments):
        diligent = a.supervisor == giamsat
        meetings = [(m, d) for m, d in held[a.cell.pk] if a.starts_on <= d <= (a.ends_on or as_of)]
        for k, (m, day) in enumerate(meetings):
            latest = k == len(meetings) - 1
            if not diligent and day >= quarter:
                continue  # not been round this quarter yet
            if story.falling is not None and a.cell.pk == story.falling.pk and k >= len(meetings) - 2:
                visits.append(
                    _visit(
                        rng,
                        m,
                        day,
                        a.supervisor,
                        as_of,
                        observations="Số đảng viên dự sinh hoạt giảm tháng thứ ba liên tiếp; nhiều đồng chí vắng "
                        "không lý do, một đồng chí nhiều tháng không sinh hoạt. Thảo luận ít ý kiến.",
                        recommendations="Chi ủy gặp gỡ từng đảng viên vắng sinh hoạt, báo cáo Đảng ủy; xem xét "
                        "trường hợp đảng viên bỏ sinh hoạt theo Điều lệ.",
                        follow_up_due=as_of + timedelta(days=10) if latest else day + timedelta(days=20),
                        follow_up_done_on=None,
                    )
                )
            elif (k + index) % (2 if diligent else 3) == 0 or (diligent and latest and day >= quarter):
                visits.append(_visit(rng, m, day, a.supervisor, as_of))
        if story.skipping is not None and a.cell.pk == story.skipping.pk and not diligent and a.ends_on is None:
            missed = (
                Meeting.objects.filter(cell=a.cell, kind=Meeting.Kind.REGULAR, status=Meeting.Status.PLANNED)
                .filter(scheduled_at__date__gte=a.starts_on, scheduled_at__date__lt=quarter)
                .order_by("scheduled_at")
                .first()
            )
            if missed is not None:  # she came to the meeting of the calendar; the cell did not meet
                day = timezone.localtime(missed.scheduled_at).date()
                visits.append(
                    _visit(
                        rng,
                        missed,
                        day,
                        a.supervisor,
                        as_of,
                        attended=False,
                        observations="Đến dự theo lịch nhưng chi bộ không tổ chức sinh hoạt; bí thư chi bộ đi vắng.",
                        recommendations="Chi bộ tổ chức sinh hoạt bù trong tháng, báo cáo lý do với Đảng ủy.",
                        follow_up_due=day + timedelta(days=14),
                        follow_up_done_on=None,
                    )
                )
    inspections = []
    if inspector is not None:
        for cell in (story.skipping, story.falling, elsewhere):
            before = quarter if story.skipping is not None and cell == story.skipping else as_of + timedelta(1)
            meetings = [(m, d) for m, d in held.get(cell.pk, []) if d < before] if cell is not None else []
            if not meetings:
                continue
            m, day = meetings[-1]
            inspections.append(
                _visit(
                    rng,
                    m,
                    day,
                    inspector,
                    as_of,
                    kind=Visit.Kind.INSPECTION,
                    observations="Giám sát việc chấp hành chế độ sinh hoạt chi bộ: "
                    + (
                        "chi bộ chưa đăng ký lịch sinh hoạt năm, bỏ sinh hoạt chuyên đề quý."
                        if cell == story.skipping
                        else "sinh hoạt đúng lịch; biên bản ghi chưa đầy đủ ý kiến thảo luận."
                    ),
                    recommendations="Khắc phục trong 15 ngày, báo cáo Ủy ban kiểm tra bằng văn bản.",
                    follow_up_due=day + timedelta(days=15),
                    follow_up_done_on=None,
                )
            )
    Visit.objects.bulk_create(visits + inspections)
    Guest.objects.bulk_create(
        [
            Guest(
                meeting_id=v.meeting_id,
                name=v.visitor.get_full_name(),
                position=INSPECTOR_POSITION if v.kind == Visit.Kind.INSPECTION else SUPERVISOR_POSITION,
            )
            for v in visits + inspections
            if v.attended and v.meeting_id
        ]
    )
    return len(visits) + len(inspections), len(inspections)
