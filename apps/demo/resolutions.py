"""Demo follow-up for a year of meetings: each held meeting's resolution with tasks (leads, helpers, deadlines,
progress, outcomes), quarterly targets with monthly actuals, residents' feedback, committee directives assigned to
cells with the cells' follow-ups, and a few inspections. Bulk-inserted; deterministic for a seed."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.demo.span import TZ, history_start
from apps.meetings.models import Meeting
from apps.members.models import Member
from apps.orgs.models import Organization
from apps.resolutions.models import Feedback, Inspection, Resolution, Target, TargetActual, Task, TaskProgress

TASKS = [
    "Vận động nhân dân tham gia làm đường bê tông ngõ xóm",
    "Thu nộp đảng phí đầy đủ, đúng hạn",
    "Tổ chức tổng vệ sinh môi trường khu dân cư",
    "Thăm hỏi, tặng quà gia đình chính sách",
    "Tuyên truyền phòng chống cháy nổ mùa hanh khô",
    "Rà soát hộ nghèo, cận nghèo",
    "Vận động thanh niên nhập ngũ",
    "Hướng dẫn đảng viên cài đặt Sổ tay đảng viên điện tử",
    "Hòa giải mâu thuẫn đất đai giữa hai hộ",
    "Chuẩn bị nội dung sinh hoạt chuyên đề quý",
    "Phát triển đảng viên mới trong thanh niên ưu tú",
    "Vận động quyên góp Quỹ vì người nghèo",
]
TARGETS = [
    ("Tỷ lệ đảng viên dự sinh hoạt", "%", Decimal("90"), "at_least"),
    ("Tỷ lệ thu đảng phí", "%", Decimal("100"), "at_least"),
    ("Số hộ tham gia phân loại rác tại nguồn", "hộ", Decimal("40"), "at_least"),
    ("Số vụ vi phạm trật tự an toàn giao thông", "vụ", Decimal("2"), "at_most"),
    ("Quỹ vì người nghèo", "triệu đồng", Decimal("15"), "at_least"),
]
FEEDBACK = [
    (
        "residents_meeting",
        "Hội nghị nhân dân khu dân cư",
        "Đề nghị lắp đèn chiếu sáng đoạn đường ra đồng.",
        "Chi bộ đã đưa vào nhiệm vụ tháng tới, giao tổ trưởng khảo sát.",
    ),
    (
        "mass_organisation",
        "Hội Phụ nữ",
        "Cần hỗ trợ hội viên vay vốn phát triển chăn nuôi.",
        "Đã phối hợp Ngân hàng Chính sách lập danh sách.",
    ),
    ("mass_organisation", "Hội Cựu chiến binh", "Đề nghị sửa nhà văn hóa bị dột.", ""),
    ("individual", "Ông Nguyễn Văn Tư, khu 3", "Rác thải ứ đọng ở bờ kênh.", "Đã tổ chức tổng vệ sinh."),
]


def build_followup(*, rng: random.Random, as_of: date, diligence: dict[int, float] | None = None) -> dict[str, int]:
    """``diligence`` (0–1 by cell id, apps/demo/world.py): a diligent cell does nearly all its tasks on time."""
    today = as_of
    diligence = diligence or {}
    meetings = list(
        Meeting.objects.filter(
            kind__in=["regular", "thematic"], scheduled_at__gte=datetime.combine(history_start(as_of), time(), TZ)
        )
        .order_by("cell_id", "scheduled_at", "kind")
        .only("pk", "cell_id", "kind", "scheduled_at", "status")
    )
    by_cell: dict[int, list[Meeting]] = defaultdict(list)
    for m in meetings:
        by_cell[m.cell_id].append(m)
    members: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for pk, cell_id, user_id in Member.objects.filter(active=True, status="official").values_list(
        "pk", "cell_id", "user_id"
    ):
        members[cell_id].append((pk, user_id))

    resolutions, plans = [], []
    for cell_id, cell_meetings in by_cell.items():
        regular = [m for m in cell_meetings if m.kind == "regular"]
        for i, m in enumerate(regular):
            if m.status != "closed":
                continue
            day = timezone.localtime(m.scheduled_at).date()
            next_meeting = regular[i + 1] if i + 1 < len(regular) else None
            r = Resolution(
                organization_id=cell_id,
                meeting=m,
                kind="cell_monthly",
                status="adopted",
                adopted_on=day,
                title=f"Nghị quyết sinh hoạt chi bộ tháng {day.month}/{day.year}",
                summary="Lãnh đạo thực hiện nhiệm vụ chính trị tháng tới.",
                period_start=day,
                period_end=day + timedelta(days=30),
            )
            resolutions.append(r)
            plans.append((r, cell_id, day, next_meeting))
    Resolution.objects.bulk_create(resolutions, batch_size=2000)

    tasks, progress, targets, actuals, feedback = [], [], [], [], []
    for r, cell_id, day, next_meeting in plans:
        people = members.get(cell_id) or [(None, None)]
        for title in rng.sample(TASKS, k=rng.randint(2, 4)):
            lead, _user = rng.choice(people)
            deadline = (
                (timezone.localtime(next_meeting.scheduled_at).date() - timedelta(days=1))
                if next_meeting
                else day + timedelta(days=28)
            )
            roll = rng.random()
            trouble = max(0.0, 0.93 - diligence.get(cell_id, 0.85)) * 0.6  # share of tasks late, dropped or overdue
            completed = dropped = None
            if deadline < today:
                if roll >= trouble:
                    completed = deadline - timedelta(days=rng.randint(0, 12))
                elif roll < trouble * 0.5:
                    completed = deadline + timedelta(days=rng.randint(1, 10))
                elif roll < trouble * 0.65:
                    dropped = "Điều kiện thời tiết không cho phép, chuyển sang kế hoạch quý sau"
            t = Task(
                resolution=r,
                organization_id=cell_id,
                title=title,
                lead_id=lead,
                deadline=deadline,
                report_meeting=next_meeting,
                completed_on=completed if completed and completed <= today else None,
                dropped_reason=dropped or "",
                outcome="Hoàn thành" if completed else ("" if not dropped else "Không thực hiện"),
            )
            tasks.append(t)
            if deadline - timedelta(days=10) < today:
                progress.append(
                    TaskProgress(
                        task=t,
                        on=min(today, deadline - timedelta(days=rng.randint(3, 10))),
                        text="Đã triển khai, đang thực hiện theo kế hoạch.",
                        percent=rng.choice([30, 50, 70]),
                    )
                )
        if day.month in (1, 4, 7, 10):  # quarterly targets
            for title, unit, value, direction in rng.sample(TARGETS, k=2):
                tg = Target(
                    resolution=r,
                    organization_id=cell_id,
                    title=title,
                    unit=unit,
                    value=value,
                    direction=direction,
                    period_start=day,
                    period_end=day + timedelta(days=90),
                )
                targets.append(tg)
                for month in range(1, 4):
                    on = day + timedelta(days=30 * month)
                    if on > today:
                        break
                    q = diligence.get(cell_id, 0.85)
                    low = 0.97 if rng.random() < q else 0.7  # diligent cells mostly meet or beat their targets
                    factor = Decimal(str(round(rng.uniform(low, 1.22), 2)))
                    reached = (value * factor * month / 3).quantize(Decimal("0.1"))
                    if direction == "at_most":
                        reached = Decimal(rng.randint(0, 4))
                    actuals.append(TargetActual(target=tg, on=on, value=reached))
        if rng.random() < 0.15:
            source, detail, content, response = rng.choice(FEEDBACK)
            feedback.append(
                Feedback(
                    resolution=r,
                    organization_id=cell_id,
                    source=source,
                    source_detail=detail,
                    received_on=min(today, day + timedelta(days=rng.randint(3, 20))),
                    content=content,
                    response=response,
                    status="answered" if response else "open",
                )
            )
    Task.objects.bulk_create(tasks, batch_size=5000)
    TaskProgress.objects.bulk_create(progress, batch_size=5000)
    Target.objects.bulk_create(targets, batch_size=5000)
    TargetActual.objects.bulk_create(actuals, batch_size=5000)
    Feedback.objects.bulk_create(feedback, batch_size=5000)

    # Each grassroots committee issues a directive in the spring, assigned to its cells, which follow it up.
    directives, assigned, follow_ups, inspections = [], [], [], []
    committees = Organization.objects.filter(kind="committee", depth=3).order_by("path")
    cells_of: dict[str, list[Organization]] = defaultdict(list)
    for cell in Organization.objects.filter(kind="cell").order_by("path"):
        for committee in committees:
            if cell.path.startswith(committee.path):
                cells_of[committee.path].append(cell)
                break
    for committee in committees:
        if not cells_of[committee.path]:
            continue
        d = Resolution(
            organization=committee,
            kind="directive",
            status="adopted",
            adopted_on=date(as_of.year, 3, 2),
            title="Chỉ thị về ra quân làm đường giao thông nông thôn",
            summary="Các chi bộ lãnh đạo nhân dân làm đường bê tông, hoàn thành trước 30/6.",
            period_start=date(as_of.year, 3, 2),
            period_end=date(as_of.year, 6, 30),
        )
        directives.append((d, committee))
    Resolution.objects.bulk_create([d for d, _ in directives], batch_size=2000)
    done_on: dict[int, date | None] = {}
    for d, committee in directives:
        for cell in cells_of[committee.path]:
            # The cell reports the assigned task done when its own follow-up is done.
            finished = rng.random() < 0.5 + 0.5 * diligence.get(cell.pk, 0.85)
            done_on[cell.pk] = date(as_of.year, 6, rng.randint(1, 28)) if finished else None
            parent = Task(
                resolution=d,
                organization=cell,
                title="Làm đường bê tông ngõ xóm theo Chỉ thị",
                deadline=date(as_of.year, 6, 30),
                completed_on=done_on[cell.pk] if done_on[cell.pk] and done_on[cell.pk] <= today else None,
            )
            assigned.append((parent, cell))
        if rng.random() < 0.5:
            cell = rng.choice(cells_of[committee.path])
            inspections.append(
                Inspection(
                    organization=cell,
                    resolution=d,
                    kind=rng.choice(["regular", "periodic", "ad_hoc"]),
                    subject="Kiểm tra việc thực hiện nghị quyết tháng và Chỉ thị làm đường giao thông",
                    started_on=date(as_of.year, 7, 10),
                    ended_on=date(as_of.year, 7, 20),
                    inspectors="Ủy ban kiểm tra Đảng ủy",
                    findings="Chi bộ ban hành nghị quyết hằng tháng đầy đủ; một số nhiệm vụ chưa ghi rõ người chủ trì.",
                    conclusion="Cơ bản thực hiện tốt; cần phân công cụ thể người chủ trì, thời hạn.",
                )
            )
    Task.objects.bulk_create([t for t, _ in assigned], batch_size=5000)
    containers = {}
    for _parent, cell in assigned:
        if cell.pk not in containers:
            containers[cell.pk] = Resolution(
                organization=cell,
                kind="cell_monthly",
                status="adopted",
                adopted_on=date(as_of.year, 3, 8),
                title=f"Thực hiện chỉ đạo cấp trên năm {as_of.year}",
            )
    Resolution.objects.bulk_create(list(containers.values()), batch_size=2000)
    for parent, cell in assigned:
        follow_ups.append(
            Task(
                resolution=containers[cell.pk],
                organization=cell,
                parent=parent,
                title="Vận động nhân dân góp công, góp đất làm đường",
                deadline=parent.deadline,
                completed_on=parent.completed_on,
            )
        )
    Task.objects.bulk_create(follow_ups, batch_size=5000)
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    return {
        "resolutions": len(resolutions) + len(directives) + len(containers),
        "tasks": len(tasks) + len(assigned) + len(follow_ups),
        "targets": len(targets),
        "inspections": len(inspections),
    }
