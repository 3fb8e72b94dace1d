"""The minutes text as a pure function of the record, and the tasks section of a draft resolution."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.rules import minutes as m
from apps.meetings.rules.live import AttendanceSummary, summarise_attendance
from apps.meetings.rules.votes import VoteResult

START = datetime(2026, 3, 5, 19, 30)
END = datetime(2026, 3, 5, 21, 5)


def record(**overrides) -> m.MinutesData:
    data = {
        "scheduled_at": START,
        "started_at": START,
        "ended_at": END,
        "place": "Nhà văn hóa khu 1",
        "presiding": "Trần Thị Bí Thư",
        "minute_taker": "Lê Văn Đảng Viên",
        "attendance": summarise_attendance(["present"] * 20 + ["late", "excused", "excused", "unexcused", "exempt"]),
        "official": 22,
        "probationary": 3,
        "exempt_names": ("Cụ Nguyễn Văn Già",),
        "late_names": ("Phạm Văn Muộn",),
        "absentees": (
            m.Absentee("Ngô Thị Ốm", "excused", "ốm nặng"),
            m.Absentee("Vũ Văn Xa", "excused", "đi công tác"),
            m.Absentee("Đỗ Văn Vắng", "unexcused"),
        ),
        "guests": (("Hoàng Văn Giám Sát", "Đảng ủy viên phụ trách chi bộ"),),
        "items": (
            m.ItemRecord("Thảo luận", (m.SpeechLine("Lê Văn Đảng Viên", "Đề nghị sửa đường liên thôn."),), "Nhất trí."),
            m.ItemRecord("Biểu quyết nghị quyết"),
        ),
        "votes": (
            m.VoteLine("Thông qua nghị quyết tháng 3", VoteResult(approving=20, against=1, abstain=0, eligible=23)),
        ),
        "tasks_text": "1. Vận động nhân dân làm đường.\n2. Thu đảng phí quý II.",
    }
    data.update(overrides)
    return m.MinutesData(**data)


def test_the_minutes_hold_what_the_domain_guide_lists():
    text = m.render_minutes(record())
    assert "bắt đầu lúc 19 giờ 30 phút, ngày 05/03/2026; kết thúc lúc 21 giờ 05 phút, ngày 05/03/2026\n" in text
    assert "- Địa điểm: Nhà văn hóa khu 1\n" in text
    assert "- Chủ trì: đồng chí Trần Thị Bí Thư\n" in text
    assert "- Thư ký: đồng chí Lê Văn Đảng Viên\n" in text
    assert "Tổng số đảng viên của chi bộ: 25 đồng chí (chính thức 22, dự bị 3)." in text
    assert "Miễn công tác và sinh hoạt đảng, vắng mặt: 1 đồng chí: Cụ Nguyễn Văn Già." in text
    assert "Có mặt 21/24 đồng chí (87,5%), trong đó đến muộn 1 đồng chí: Phạm Văn Muộn." in text
    assert "Vắng có lý do: 2 đồng chí: Ngô Thị Ốm (ốm nặng), Vũ Văn Xa (đi công tác)." in text
    assert "Vắng không lý do: 1 đồng chí: Đỗ Văn Vắng." in text
    assert "Khách mời: đồng chí Hoàng Văn Giám Sát (Đảng ủy viên phụ trách chi bộ)." in text
    assert "1. Thảo luận\n   - Đồng chí Lê Văn Đảng Viên: Đề nghị sửa đường liên thôn.\n   Kết luận: Nhất trí." in text
    assert "2. Biểu quyết nghị quyết" in text
    assert "III. KẾT QUẢ BIỂU QUYẾT" in text
    assert "20/23 tán thành (87,0%), 1 không tán thành, 0 không biểu quyết. Kết quả: được thông qua." in text
    assert "IV. NHIỆM VỤ\n1. Vận động nhân dân làm đường.\n2. Thu đảng phí quý II." in text


def test_sections_are_numbered_by_what_is_present():
    text = m.render_minutes(record(votes=(), tasks_text="Làm đường."))
    assert "III. NHIỆM VỤ" in text and "BIỂU QUYẾT" not in text


def test_a_meeting_not_yet_held_shows_the_planned_time_and_unknown_officers():
    text = m.render_minutes(
        record(started_at=None, ended_at=None, presiding="", minute_taker="", items=(), votes=(), tasks_text="")
    )
    assert "Thời gian: 19 giờ 30 phút, ngày 05/03/2026 (dự kiến)\n" in text
    assert "- Chủ trì: …\n" in text and "Cuộc họp kết thúc lúc … giờ … phút." in text
    assert "(Chưa có nội dung.)" in text


def test_nobody_absent_is_said_explicitly():
    text = m.render_minutes(record(absentees=(), attendance=summarise_attendance(["present"] * 3)))
    assert "Vắng có lý do: không." in text and "Vắng không lý do: không." in text
    assert "Có mặt 3/3 đồng chí (100,0%)" in text


@pytest.mark.parametrize(
    ("result", "closed", "ending"),
    [
        (VoteResult(approving=12, against=0, abstain=0, eligible=23), True, "Kết quả: được thông qua."),
        (VoteResult(approving=12, against=0, abstain=0, eligible=24), True, "Kết quả: không được thông qua"),
        (VoteResult(approving=13, against=0, abstain=0, eligible=24), True, "Kết quả: được thông qua."),
        (VoteResult(approving=5, against=0, abstain=0, eligible=24), False, "Đang biểu quyết."),
    ],
)
def test_vote_lines(result, closed, ending):
    """More than half of the eligible members, not of those present (DOMAIN.md §5)."""
    line = m.vote_line(m.VoteLine("Thông qua nghị quyết", result, secret=True, closed=closed))
    assert f"{result.approving}/{result.eligible} tán thành" in line and "bỏ phiếu kín" in line
    assert ending in line


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=200))
def test_the_vote_line_states_x_of_y_and_the_percentage(approving, eligible):
    approving = min(approving, eligible)
    result = VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
    line = m.vote_line(m.VoteLine("Q", result))
    assert f"{approving}/{eligible} tán thành ({m.percent(result.percent)})" in line
    assert ("Kết quả: được thông qua." in line) is (approving * 2 > eligible)


@pytest.mark.parametrize(
    ("draft", "tasks"),
    [
        (
            "I. Kết quả tháng 2\nĐã làm.\nII. Nhiệm vụ tháng 3\n1. Làm đường.\n2. Thu phí.\nIII. Tổ chức thực hiện\nX",
            "1. Làm đường.\n2. Thu phí.",
        ),
        ("NHIỆM VỤ TRỌNG TÂM:\n- Trồng cây.", "- Trồng cây."),
        ("2. Nhiệm vụ: vận động hiến đất.\n- Tổ 1 phụ trách.", "vận động hiến đất.\n- Tổ 1 phụ trách."),
        ("Nghị quyết không có phần ấy.\nThực hiện tốt.", ""),
        ("", ""),
    ],
)
def test_tasks_section_of_a_draft_resolution(draft, tasks):
    assert m.tasks_section(draft) == tasks


def test_percent_uses_the_decimal_comma():
    assert m.percent(66.66) == "66,7%" and m.percent(100) == "100,0%"


def test_summary_types_stay_plain():
    assert isinstance(record().attendance, AttendanceSummary)
