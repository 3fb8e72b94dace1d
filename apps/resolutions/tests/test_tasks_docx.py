"""The resolution .docx includes the tasks table and the targets table of the cell's resolution, as Word opens it."""

import io
from datetime import timedelta
from decimal import Decimal

import docx
import pytest
from django.utils import timezone
from docx.text.paragraph import Paragraph

from apps.meetings.models import MeetingDocument
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs
from apps.resolutions.models import Target, TargetActual
from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.tests.test_tasks_services import drafted, held, today


def export(meeting):
    draft = MeetingDocument.objects.filter(meeting=meeting, kind="draft_resolution").latest("pk")
    return docx.Document(io.BytesIO(services_docs.resolution_export(meeting=meeting, draft=draft)))


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def target(resolution, title, unit, value, direction="at_least", actuals=()):
    start = timezone.localdate(resolution.meeting.scheduled_at)
    row = Target.objects.create(
        resolution=resolution,
        organization=resolution.organization,
        title=title,
        unit=unit,
        value=Decimal(value),
        direction=direction,
        period_start=start,
        period_end=start + timedelta(days=30),
    )
    for days, actual in actuals:
        TargetActual.objects.create(target=row, on=start + timedelta(days=days), value=Decimal(actual))
    return row


@pytest.mark.django_db
def test_the_resolution_docx_has_the_tasks_and_targets_tables(world):
    resolution, this, following = drafted(world, tasks=0)
    first = services_tasks.task_add(
        resolution=resolution,
        title="Vận động đóng đảng phí",
        lead=world.plain_member,
        helpers=[world.secretary_member],
        deadline=today() + timedelta(days=10),
    )
    services_tasks.task_add(
        resolution=resolution, title="Kiện toàn tổ đảng", lead_is_board=True, deadline=today() + timedelta(days=20)
    )
    target(resolution, "Tỷ lệ đảng viên dự họp", "%", "90", actuals=[(5, "50"), (20, "95")])  # the latest counts
    target(resolution, "Đảng viên vắng không lý do", "người", "2", direction="at_most", actuals=[(20, "1")])
    target(resolution, "Quỹ khuyến học", "đồng", "1500000.50")  # no actual yet
    MeetingDocument.objects.create(
        meeting=this, kind="draft_resolution", title="Dự thảo", text="I. Kết quả\nTốt.\nII. Nhiệm vụ\nNhư bảng."
    )
    held(this, approving=2)
    services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)  # numbered, with its vote line

    document = export(this)

    assert len(document.tables) == 4  # header, tasks, targets, recipients and signature
    report = f"{timezone.localdate(following.scheduled_at):%d/%m/%Y}"
    assert rows(document.tables[1]) == [
        ["STT", "Nhiệm vụ", "Người chủ trì", "Thời hạn", "Báo cáo tại"],
        ["1", "Vận động đóng đảng phí", "Lê Văn Đảng Viên\nPhối hợp: Trần Thị Bí Thư", f"{first.deadline:%d/%m/%Y}",
         report],
        ["2", "Kiện toàn tổ đảng", "Chi ủy", f"{today() + timedelta(days=20):%d/%m/%Y}", report],
    ]  # fmt: skip
    assert rows(document.tables[2]) == [
        ["STT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Thực hiện", "Tỷ lệ"],
        ["1", "Tỷ lệ đảng viên dự họp", "%", "≥ 90", "95", "105,6%"],
        ["2", "Đảng viên vắng không lý do", "người", "≤ 2", "1", "200%"],
        ["3", "Quỹ khuyến học", "đồng", "≥ 1.500.000,5", "", ""],
    ]
    header = document.tables[1].rows[0].cells[1].paragraphs[0].runs[0]
    assert header.bold and header.font.name == "Times New Roman"
    assert document.tables[1].style.name == "Table Grid"

    # Order in the body: the draft's text, the two tables with their captions, then the vote line.
    body = document.element.body
    order = []
    for child in body.iterchildren():
        if child.tag.endswith("}tbl"):
            order.append("table")
        elif child.tag.endswith("}p") and Paragraph(child, document).text:
            order.append(Paragraph(child, document).text)
    start = order.index("Như bảng.")
    assert order[start + 1 : start + 6] == [
        documents.TASKS_CAPTION,
        "table",
        documents.TARGETS_CAPTION,
        "table",
        "Nghị quyết được 2/2 đảng viên tán thành (100%).",
    ]


@pytest.mark.django_db
def test_without_targets_only_the_tasks_table_and_without_a_resolution_none(world):
    resolution, this, _following = drafted(world, tasks=1)
    MeetingDocument.objects.create(meeting=this, kind="draft_resolution", title="Dự thảo", text="Nội dung")
    assert len(export(this).tables) == 3
    resolution.delete()
    assert len(export(this).tables) == 2  # as before this feature: header and signature


@pytest.mark.parametrize(
    ("value", "text"),
    [("90.00", "90"), ("12.50", "12,5"), ("1500000", "1.500.000"), ("0", "0"), ("0.25", "0,25"), ("1E+3", "1.000")],
)
def test_quantities_are_written_the_vietnamese_way(value, text):
    assert documents.number_text(Decimal(value)) == text


def test_targets_say_at_least_or_at_most():
    assert documents.target_text(direction="at_least", value=Decimal("90")) == "≥ 90"
    assert documents.target_text(direction="at_most", value=Decimal("2.5")) == "≤ 2,5"
