"""The text the loop writes: the "last month's results" table and how it is put at the head of a draft resolution
the secretary may already have written (pure functions, no database)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from apps.resolutions.rules import follow as rules
from apps.resolutions.rules import loop
from apps.resolutions.rules.loop import ResultRow

ROWS = [
    ResultRow("Vận động đóng đảng phí", "Lê Văn Đảng Viên", date(2026, 3, 31), rules.DONE, "Đạt 100%"),
    ResultRow("Sửa đường khu 3", "Chi ủy", date(2026, 3, 20), rules.LATE),
    ResultRow("Thăm hộ nghèo", "", date(2026, 4, 2), rules.IN_PROGRESS),
    ResultRow("Tổ chức văn nghệ", "Trần Thị Bí Thư", date(2026, 3, 25), rules.DROPPED, dropped_reason="Mưa bão"),
    ResultRow("Báo cáo quý", "Trần Thị Bí Thư", date(2026, 3, 10), rules.DONE, done_late=True),
]


def test_results_section_has_one_line_per_task():
    text = loop.results_section(ROWS)
    assert text.split("\n") == [
        "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC",
        "1. Vận động đóng đảng phí — Lê Văn Đảng Viên — hạn 31/03/2026 — hoàn thành — Đạt 100%",
        "2. Sửa đường khu 3 — Chi ủy — hạn 20/03/2026 — quá hạn",
        "3. Thăm hộ nghèo — chưa phân công — hạn 02/04/2026 — đang thực hiện",
        "4. Tổ chức văn nghệ — Trần Thị Bí Thư — hạn 25/03/2026 — dừng thực hiện (lý do: Mưa bão)",
        "5. Báo cáo quý — Trần Thị Bí Thư — hạn 10/03/2026 — hoàn thành (chậm so với thời hạn)",
    ]


def test_an_empty_review_says_so():
    assert loop.results_section([]) == f"{loop.SECTION_RESULTS}\n{loop.NO_TASKS}"


def test_a_multi_line_outcome_stays_on_its_task_line():
    row = ResultRow("Nhiệm vụ", "A", date(2026, 3, 31), rules.DONE, "Dòng một\nDòng hai")
    assert loop.result_line(1, row).endswith("— hoàn thành — Dòng một Dòng hai")


SECTION = loop.results_section(ROWS[:1])


def test_a_new_draft_has_both_sections():
    assert loop.with_results("", SECTION) == f"{SECTION}\n\n{loop.SECTION_NEXT}"


def test_the_secretarys_own_draft_gets_section_one_in_front():
    own = "Chi bộ thống nhất:\n1. Tiếp tục vận động."
    assert loop.with_results(own, SECTION) == f"{SECTION}\n\n{own}"


def test_refreshing_replaces_section_one_and_keeps_section_two():
    old = loop.results_section(ROWS)
    draft = f"{old}\n\n{loop.SECTION_NEXT}\n1. Nhiệm vụ mới do bí thư viết."
    refreshed = loop.with_results(draft, SECTION)
    assert refreshed == f"{SECTION}\n\n{loop.SECTION_NEXT}\n1. Nhiệm vụ mới do bí thư viết."


def test_section_two_written_right_under_the_table_is_kept():
    draft = f"{loop.results_section(ROWS)}\n{loop.SECTION_NEXT}\nViệc mới"
    assert loop.with_results(draft, SECTION) == f"{SECTION}\n\n{loop.SECTION_NEXT}\nViệc mới"


def test_without_section_two_the_first_block_is_section_one():
    draft = f"{loop.results_section(ROWS)}\n\nPhần bí thư viết thêm"
    assert loop.with_results(draft, SECTION) == f"{SECTION}\n\nPhần bí thư viết thêm"


def test_review_titles_fit_an_agenda_item():
    assert loop.review_title("Sửa đường") == "Kiểm điểm nhiệm vụ: Sửa đường"
    assert len(loop.review_title("x" * 400)) == 300


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(own=text)
def test_refreshing_twice_is_refreshing_once(own):
    once = loop.with_results(own, SECTION)
    assert once.startswith(loop.SECTION_RESULTS)
    assert loop.with_results(once, SECTION) == once
