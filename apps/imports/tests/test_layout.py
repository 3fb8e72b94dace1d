"""Finding the table in a sheet: past merged titles and blank rows, a header over two rows, a numbering row, the
header repeated in the body, totals and signatures at the end."""

from datetime import date, datetime

from apps.common.vnlegacy import Encoding, from_unicode
from apps.imports.rules.layout import find_table, header_label, is_month_label
from apps.imports.rules.mapping import ATTENDANCE, MEMBERS, TREE, suggest
from apps.imports.rules.sheets import Sheet


def sheet(*rows, name="Danh sách"):
    """A sheet whose rows are numbered from 1; an empty tuple is a blank row (skipped, as the readers do)."""

    def numbered():
        for number, values in enumerate(rows, start=1):
            if any(value not in (None, "") for value in values):
                yield number, tuple(values)

    return Sheet(name=name, rows=numbered)


TITLE = [("ĐẢNG BỘ XÃ HÒA BÌNH",), ("DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU PHỐ 1",), ()]
HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Chi bộ")
ROW_1 = (1, "Nguyễn Văn An", datetime(1975, 3, 5), "Nam", "48012345", "Chi bộ Khu phố 1")
ROW_2 = (2, "Trần Thị Bình", datetime(1980, 1, 2), "Nữ", "48012346", "Chi bộ Khu phố 1")


def labels(table):
    return [(column.index, column.label) for column in table.columns]


def test_the_header_is_found_below_merged_titles_and_blank_rows():
    table = find_table(sheet(*TITLE, HEADER, ROW_1, (), ROW_2), MEMBERS)
    assert table.sheet == "Danh sách"
    assert table.header_row == 4
    assert table.header_rows == (4,)
    assert labels(table) == list(enumerate(HEADER))
    assert list(table.rows()) == [(5, ROW_1), (7, ROW_2)]
    assert suggest(MEMBERS, table.columns) == {
        "full_name": 1,
        "date_of_birth": 2,
        "gender": 3,
        "card_number": 4,
        "cell": 5,
    }


def test_a_header_on_the_first_row():
    table = find_table(sheet(HEADER, ROW_1), MEMBERS)
    assert table.header_row == 1
    assert list(table.rows()) == [(2, ROW_1)]


def test_a_header_merged_over_two_rows_is_joined():
    upper = ("STT", "Họ và tên", None, "Ngày sinh", "Ngày vào Đảng", None, "Chi bộ")
    lower = (None, "Họ đệm", "Tên", None, "Dự bị", "Chính thức", None)
    row = (1, "Nguyễn Văn", "An", datetime(1975, 3, 5), "05/03/2000", "05/03/2001", "Chi bộ 1")
    table = find_table(sheet(*TITLE, upper, lower, row), MEMBERS)
    assert table.header_rows == (4, 5)
    assert table.header_row == 5
    assert labels(table) == [
        (0, "STT"),
        (1, "Họ và tên – Họ đệm"),
        (2, "Họ và tên – Tên"),
        (3, "Ngày sinh"),
        (4, "Ngày vào Đảng – Dự bị"),
        (5, "Ngày vào Đảng – Chính thức"),
        (6, "Chi bộ"),
    ]
    assert suggest(MEMBERS, table.columns) == {
        "surname": 1,
        "given_name": 2,
        "date_of_birth": 3,
        "admitted_on": 4,
        "official_on": 5,
        "cell": 6,
    }
    assert list(table.rows()) == [(6, row)]


def test_a_first_data_row_of_text_is_not_taken_for_a_second_header_row():
    first = ("1", "Nguyễn Văn An", "05/03/1975", "Nam", "48012345", "Chính thức")
    table = find_table(sheet(("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ", "Đảng viên"), first), MEMBERS)
    assert table.header_rows == (1,)
    assert list(table.rows()) == [(2, first)]


def test_a_numbering_row_and_repeated_headers_are_skipped():
    numbering = tuple(f"({number})" for number in range(1, 7))
    plain_numbers = (1, 2, 3, 4, 5, 6)
    table = find_table(sheet(HEADER, numbering, ROW_1, HEADER, plain_numbers, ROW_2), MEMBERS)
    assert list(table.rows()) == [(3, ROW_1), (6, ROW_2)]


def test_a_repeated_two_row_header_is_skipped():
    upper = ("STT", "Họ và tên", None, "Ngày sinh")
    lower = (None, "Họ đệm", "Tên", None)
    row_1 = (1, "Nguyễn Văn", "An", datetime(1975, 3, 5))
    row_2 = (2, "Lê Thị", "Hoa", datetime(1976, 3, 5))
    table = find_table(sheet(upper, lower, row_1, upper, lower, row_2), MEMBERS)
    assert list(table.rows()) == [(3, row_1), (6, row_2)]


def test_totals_are_skipped_and_the_signatures_end_the_table():
    rows = [
        HEADER,
        ROW_1,
        ROW_2,
        (None, "Tổng cộng: 2 đảng viên"),
        (None, "Cộng", None, None, 2),
        (),
        (None, "Hòa Bình, ngày 05 tháng 01 năm 2026"),
        (None, "T/M CHI BỘ", None, None, "NGƯỜI LẬP BIỂU"),
        (None, "BÍ THƯ"),
        (None, "Nguyễn Văn Ký", None, None, "Trần Thị Lập"),
    ]
    assert list(find_table(sheet(*rows), MEMBERS).rows()) == [(2, ROW_1), (3, ROW_2)]


def test_a_member_whose_name_starts_like_a_total_is_kept():
    row = (3, "Công Văn Tổng")
    assert list(find_table(sheet(HEADER, row), MEMBERS).rows()) == [(2, row)]


def test_a_row_of_few_cells_is_kept_for_the_preview_to_list():
    sparse = (None, "Nguyễn Văn Thiếu")
    section = ("I. CHI BỘ KHU PHỐ 2",)
    table = find_table(sheet(HEADER, section, sparse), MEMBERS)
    assert list(table.rows()) == [(2, section), (3, sparse)]


def test_no_header_in_the_first_thirty_rows():
    rows = [(f"Dòng {number}", number) for number in range(40)] + [HEADER, ROW_1]
    assert find_table(sheet(*rows), MEMBERS) is None
    assert find_table(sheet(), MEMBERS) is None
    assert find_table(sheet(("Họ và tên",), ("Nguyễn Văn An",)), MEMBERS) is None  # one field is not a header


def test_a_header_in_a_legacy_font_is_repaired():
    for encoding in (Encoding.TCVN3, Encoding.VNI):
        header = tuple(from_unicode(label, encoding) for label in HEADER)
        title = from_unicode("DANH SÁCH ĐẢNG VIÊN", encoding)
        table = find_table(sheet((title,), header, ROW_1), MEMBERS)
        assert table.header_row == 2
        assert labels(table) == list(enumerate(HEADER))


def test_attendance_months_as_text_dates_and_under_a_merged_tháng():
    for months in (
        [f"Tháng {month}" for month in range(1, 13)],
        [f"T{month}" for month in range(1, 13)],
        [datetime(2025, month, 1) for month in range(1, 13)],
    ):
        header = ("STT", "Họ và tên", *months)
        row = (1, "Nguyễn Văn An", *(["x"] * 12))
        table = find_table(sheet(("SỔ THEO DÕI SINH HOẠT NĂM 2025",), header, row), ATTENDANCE)
        assert table.header_row == 2
        assert all(is_month_label(column.label) for column in table.columns[2:])
        assert list(table.rows()) == [(3, row)]

    upper = ("STT", "Họ và tên", "Tháng", *([None] * 11))
    lower = (None, None, *range(1, 13))
    row = (1, "Nguyễn Văn An", *(["x"] * 12))
    table = find_table(sheet(upper, lower, row), ATTENDANCE)
    assert table.header_rows == (1, 2)
    assert [column.label for column in table.columns[2:4]] == ["Tháng – 1", "Tháng – 2"]
    assert all(is_month_label(column.label) for column in table.columns[2:])
    assert list(table.rows()) == [(3, row)]


def test_a_tree_sheet():
    header = ("STT", "Mã tổ chức", "Tên tổ chức", "Loại", "Mã cấp trên")
    row = (1, "CB01", "Chi bộ Khu phố 1", "Chi bộ", "DB01")
    table = find_table(sheet(("DANH SÁCH TỔ CHỨC ĐẢNG",), header, row), TREE)
    assert suggest(TREE, table.columns) == {"code": 1, "name": 2, "kind": 3, "parent_code": 4}


def test_header_labels():
    assert header_label(None) == ""
    assert header_label(" Họ  và\ntên ") == "Họ và tên"
    assert header_label(datetime(2025, 3, 1)) == "03/2025"
    assert header_label(date(2025, 3, 5)) == "05/03/2025"
    assert header_label(2025.0) == "2025"
    assert header_label(from_unicode("Họ và tên", Encoding.TCVN3)) == "Họ và tên"
