"""Bad files are refused with a clear Vietnamese message, in bounded memory: not a spreadsheet, a zip bomb, a sheet
of formulas never calculated, a password-protected workbook, a million rows, a file too large.

The memory bound is Python's own allocations (tracemalloc's peak) while the file is opened and its rows streamed:
a bound on memory, not a time limit."""

import tracemalloc

import olefile
import pytest

from apps.imports.rules.sheets import UnreadableFile, open_workbook
from apps.imports.tests.files import (
    sample_members,
    write_cfb,
    write_encrypted_like,
    write_encrypted_xls,
    write_formulas_only,
    write_many_rows,
    write_members,
    write_not_a_spreadsheet,
    write_zip_bomb,
)

LIMITS = {"max_rows": 200_000, "max_bytes": 40 * 1024 * 1024}
MEMORY_BOUND = 100 * 1024 * 1024

NOT_A_SPREADSHEET = "Tệp không phải bảng tính Excel (.xlsx, .xls) hay .csv"
PASSWORD = (
    "Bảng tính được đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu (Tệp, Thông tin, Bảo vệ sổ làm việc), lưu lại "
    "rồi tải lên"
)
BOMB = "Tệp giải nén ra quá lớn, không phải bảng tính bình thường; hãy kiểm tra lại tệp"
DAMAGED = "Tệp bị hỏng hoặc chưa được lưu đầy đủ; hãy mở bằng Excel, lưu lại rồi tải lên"


def refusal(path, **limits) -> tuple[str, int]:
    """The message a file is refused with, opening it and reading every row of every sheet, and the peak of
    Python's allocations meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as refused, open_workbook(path, **(limits or LIMITS)) as workbook:
            for sheet in workbook.sheets:
                for _row in sheet.rows():
                    pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refused.value.message, peak


@pytest.mark.parametrize("kind", ["pdf", "png", "exe", "binary", "docx", "doc"])
def test_what_is_not_a_spreadsheet_is_refused(tmp_path, kind):
    for name in ("list.xlsx", "list.xls", "list.csv"):
        path = write_not_a_spreadsheet(tmp_path / name, kind)
        assert refusal(path)[0] == NOT_A_SPREADSHEET


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty", "Tệp trống, không có dữ liệu"),
        ("ods", "Đây là bảng tính OpenDocument (.ods); hãy mở bằng LibreOffice hoặc Excel rồi lưu lại dưới dạng .xlsx"),
        ("xlsb", "Đây là bảng tính Excel dạng nhị phân (.xlsb); hãy mở bằng Excel rồi lưu lại dưới dạng .xlsx"),
        (
            "html",
            "Tệp này là trang web (HTML hoặc XML) mang tên bảng tính; hãy mở bằng Excel rồi lưu lại dưới dạng .xlsx",
        ),
    ],
)
def test_near_misses_say_what_to_do(tmp_path, kind, message):
    path = write_not_a_spreadsheet(tmp_path / "list.xls", kind)
    assert refusal(path)[0] == message


def test_a_password_protected_workbook_is_refused(tmp_path):
    assert refusal(write_encrypted_like(tmp_path / "locked.xlsx"))[0] == PASSWORD
    assert refusal(write_encrypted_xls(tmp_path / "locked.xls"))[0] == PASSWORD


def test_the_hand_made_compound_files_are_real_ones(tmp_path):
    with olefile.OleFileIO(str(write_encrypted_like(tmp_path / "locked.xlsx"))) as ole:
        assert sorted("/".join(entry) for entry in ole.listdir()) == [
            "\x06DataSpaces",
            "EncryptedPackage",
            "EncryptionInfo",
        ]
        assert ole.openstream("EncryptedPackage").read(8) == (8192).to_bytes(8, "little")
    many = {f"Stream{number}": bytes([number]) * 5000 for number in range(9)}
    with olefile.OleFileIO(str(write_cfb(tmp_path / "many.bin", many))) as ole:
        for name, data in many.items():
            assert ole.openstream(name).read() == data


def test_a_sheet_of_formulas_never_calculated_is_refused(tmp_path):
    message, _peak = refusal(write_formulas_only(tmp_path / "formulas.xlsx"))
    assert message == (
        "Bảng tính «Danh sach» chỉ có công thức, chưa có giá trị; hãy mở bằng Excel, lưu lại rồi tải lên"
    )


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "ratio": write_zip_bomb(folder / "ratio.xlsx", inflated=1024 * 1024 * 1024),
        "declared": write_zip_bomb(folder / "declared.xlsx", kind="declared"),
        "understated": write_zip_bomb(folder / "understated.xlsx", inflated=64 * 1024 * 1024, kind="understated"),
    }


def test_a_zip_bomb_is_refused_before_it_is_inflated(bombs):
    assert bombs["ratio"].stat().st_size < 2 * 1024 * 1024  # a gigabyte of blanks, packed into a megabyte
    message, peak = refusal(bombs["ratio"])
    assert message == BOMB
    assert peak < MEMORY_BOUND
    assert refusal(bombs["declared"])[0] == BOMB


def test_a_zip_entry_that_understates_its_size_is_read_no_further_than_it_says(bombs):
    message, peak = refusal(bombs["understated"])
    assert message == DAMAGED
    assert peak < MEMORY_BOUND


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    folder = tmp_path_factory.mktemp("million")
    return {
        dimension: write_many_rows(folder / f"{dimension}.xlsx", 1_000_000, dimension=dimension)
        for dimension in ("honest", "missing", "lying")
    }


def test_a_million_rows_declared_are_refused_at_once(million):
    message, peak = refusal(million["honest"])
    assert message == "Tệp có hơn 200.000 dòng; hãy chia thành nhiều tệp nhỏ hơn"
    assert peak < 10 * 1024 * 1024  # nothing streamed


def resident_growth(action) -> int:
    """How far the process's resident memory rose above where it was while ``action`` ran, every allocation counted
    (C ones too) and at full speed: Linux's high-water mark, reset through /proc/self/clear_refs."""

    def status(key: str) -> int:
        with open("/proc/self/status") as lines:
            return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(key))

    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pytest.skip("no resettable high-water mark here")
    before = status("VmRSS:")
    action()
    return status("VmHWM:") - before


@pytest.mark.parametrize("dimension", ["missing", "lying"])
def test_a_million_rows_undeclared_are_counted_and_refused_while_streaming(million, dimension):
    """Two hundred thousand rows streamed, counted and refused; openpyxl keeps a cleared element per row read, so
    memory grows by some 80 bytes a row: about 16 MB here."""
    messages = []

    def read() -> None:
        with pytest.raises(UnreadableFile) as refused, open_workbook(million[dimension], **LIMITS) as workbook:
            for _row in workbook.sheets[0].rows():
                pass
        messages.append(refused.value.message)

    growth = resident_growth(read)
    assert messages == ["Tệp có hơn 200.000 dòng; hãy chia thành nhiều tệp nhỏ hơn"]
    assert growth < MEMORY_BOUND


def test_the_streamed_rows_hold_little_memory(million):
    """tracemalloc's view of the same (ten times slower under it, so over twenty thousand rows)."""
    message, peak = refusal(million["missing"], max_rows=20_000, max_bytes=LIMITS["max_bytes"])
    assert message == "Tệp có hơn 20.000 dòng; hãy chia thành nhiều tệp nhỏ hơn"
    assert peak < 10 * 1024 * 1024


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = write_members(tmp_path / "list.xlsx", sample_members(50))
    assert refusal(path, max_rows=1000, max_bytes=1024)[0] == "Tệp quá lớn: tối đa 1 MB"


def test_a_truncated_workbook_is_damaged(tmp_path):
    path = write_members(tmp_path / "list.xlsx", sample_members(300))
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 100):
        truncated = tmp_path / f"cut-{cut}.xlsx"
        truncated.write_bytes(data[:cut])
        assert refusal(truncated)[0] in (DAMAGED, NOT_A_SPREADSHEET)
    xls = write_members(tmp_path / "list.xls", sample_members(300), fmt="xls")
    cut = tmp_path / "cut.xls"
    cut.write_bytes(xls.read_bytes()[:3000])
    assert refusal(cut)[0] == DAMAGED


def test_a_csv_with_a_cell_beyond_reason_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("STT,Họ và tên\n1," + "a" * 200_000 + "\n", encoding="utf-8")
    assert refusal(path)[0] == NOT_A_SPREADSHEET
