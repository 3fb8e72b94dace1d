"""Real files, written by apps.imports.tests.files in every format with the messy knobs, read back whole: every member
row comes back once, with its values (names repaired from legacy fonts, dates from date cells, text or serials)."""

import os
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from apps.common.vnlegacy import repair, tidy_name
from apps.imports.rules.layout import find_table, find_tables
from apps.imports.rules.mapping import ATTENDANCE, MEMBERS, TREE, suggest
from apps.imports.rules.sheets import UnreadableFile, open_workbook
from apps.imports.rules.values import join_name, parse_card_number, parse_date, parse_gender
from apps.imports.tests.files import (
    excel_serial,
    sample_members,
    write_attendance,
    write_members,
    write_tree,
)

LIMITS = {"max_rows": 200_000, "max_bytes": 40 * 1024 * 1024}


def text(value, hint=None) -> str:
    return repair(str(value), hint=hint).text if value is not None else ""


def read_members(path, **limits) -> list[dict]:
    """Every data row of every sheet, through the suggested mapping, parsed: what the preview will see."""
    found = []
    with open_workbook(path, **(limits or LIMITS)) as workbook:
        for table in find_tables(workbook, MEMBERS):
            mapping = suggest(MEMBERS, table.columns)
            for number, values in table.rows():

                def cell(name, values=values, mapping=mapping):
                    index = mapping.get(name)
                    return values[index] if index is not None and index < len(values) else None

                hint = table.encoding  # the sheet's legacy font, for the cells that alone read well both ways
                if "full_name" in mapping:
                    name = text(cell("full_name"), hint)
                else:
                    # joined before it is repaired: a one-letter given name ("Ỷ", TCVN3 "û") alone reads both ways
                    name = text(join_name(cell("surname"), cell("given_name")), hint)
                found.append(
                    {
                        "sheet": table.sheet,
                        "row": number,
                        "full_name": name,
                        "date_of_birth": parse_date(cell("date_of_birth")),
                        "gender": parse_gender(cell("gender")),
                        "card_number": parse_card_number(cell("card_number")),
                        "admitted_on": parse_date(cell("admitted_on")),
                        "official_on": parse_date(cell("official_on")),
                        "cell": text(cell("cell"), hint) if "cell" in mapping else text(table.sheet),
                    }
                )
    return found


def expected(rows) -> list[tuple]:
    """The rows as the preview should read them. TCVN3 has no capitals with a tone mark (the capitals' font draws the
    small letters' positions), so names are compared tidied, as the preview tidies them, and cells regardless of case.
    """
    return sorted(
        (
            tidy_name(row["full_name"]),
            row["date_of_birth"],
            "female" if row["gender"] == "Nữ" else "male",
            row["card_number"],
            row["admitted_on"],
            row["official_on"],
            row["cell"].casefold(),
        )
        for row in rows
    )


def seen(found) -> list[tuple]:
    return sorted(
        (
            tidy_name(row["full_name"]),
            row["date_of_birth"],
            row["gender"],
            row["card_number"],
            row["admitted_on"],
            row["official_on"],
            row["cell"].casefold(),
        )
        for row in found
    )


KNOBS = {
    "plain": {"title_rows": False},
    "messy": {"blank_rows": True, "repeated_header": True, "numbering_row": True, "footer": True},
    "two_rows": {"two_row_header": True, "blank_rows": True, "repeated_header": True},
    "per_cell": {"sheet_per_cell": True, "blank_rows": True},
}


@pytest.mark.parametrize("knobs", list(KNOBS))
@pytest.mark.parametrize("dates", ["date", "text", "serial"])
@pytest.mark.parametrize("encoding", [None, "tcvn3", "vni", "nfd"])
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_every_member_row_comes_back_once(tmp_path, fmt, encoding, dates, knobs):
    if fmt == "csv" and knobs == "per_cell":
        pytest.skip("a .csv file holds one sheet")
    rows = sample_members(23, seed=len(knobs) + len(dates))
    path = write_members(tmp_path / f"members.{fmt}", rows, fmt=fmt, encoding=encoding, dates=dates, **KNOBS[knobs])
    found = read_members(path)
    assert seen(found) == expected(rows)
    assert len({(row["sheet"], row["row"]) for row in found}) == len(rows)


def test_names_in_legacy_fonts_arrive_as_the_fonts_hold_them(tmp_path):
    rows = sample_members(3)
    for fmt in ("xlsx", "xls", "csv"):
        path = write_members(tmp_path / f"tcvn3.{fmt}", rows, fmt=fmt, encoding="tcvn3", title_rows=False)
        with open_workbook(path, **LIMITS) as workbook:
            table = find_table(workbook.sheets[0], MEMBERS)
            raw = [values[1] for _number, values in table.rows()]
        assert raw[0] != rows[0]["full_name"]  # not repaired by the reader: the preview shows the conversion
        assert [repair(name).text for name in raw] == [row["full_name"] for row in rows]
        assert [repair(name).encoding for name in raw] == ["tcvn3"] * 3


@pytest.mark.parametrize(
    ("csv_encoding", "delimiter"),
    [
        ("utf-8-sig", ","),
        ("utf-8-sig", ";"),
        ("utf-8", ","),
        ("utf-8", ";"),
        ("utf-8", "\t"),
        ("utf-16", "\t"),  # Excel's "Unicode text"
        ("utf-16", ","),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, csv_encoding, delimiter):
    rows = sample_members(12)
    path = write_members(tmp_path / "list.csv", rows, fmt="csv", csv_encoding=csv_encoding, delimiter=delimiter)
    with open_workbook(path, **LIMITS) as workbook:
        assert workbook.format == "csv"
    assert seen(read_members(path)) == expected(rows)


def test_an_8_bit_csv_keeps_every_legacy_byte(tmp_path):
    """TCVN3 and VNI text in a CSV is bytes: decoded as Windows-1252 (its five undefined bytes as Latin-1), the
    converter gets the glyph positions it expects."""
    rows = sample_members(40)
    for encoding in ("tcvn3", "vni"):
        path = write_members(tmp_path / f"{encoding}.csv", rows, fmt="csv", encoding=encoding, dates="text")
        assert seen(read_members(path)) == expected(rows)
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"STT;H\xe4 v\xb5 t\xaan;Ng\xb5y sinh\r\n1;\x81\x8d\x8f\x90\x9d;05/03/1975\r\n")
    with open_workbook(path, **LIMITS) as workbook:
        assert list(workbook.sheets[0].rows())[1] == (2, ("1", "\x81\x8d\x8f\x90\x9d", "05/03/1975"))


def test_a_quoted_cell_with_line_breaks_is_one_row(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('STT,Họ và tên,Ghi chú\n1,Nguyễn Văn An,"dòng một\ndòng hai"\n2,Lê Thị Hoa,\n', encoding="utf-8")
    with open_workbook(path, **LIMITS) as workbook:
        assert list(workbook.sheets[0].rows()) == [
            (1, ("STT", "Họ và tên", "Ghi chú")),
            (2, ("1", "Nguyễn Văn An", "dòng một\ndòng hai")),
            (3, ("2", "Lê Thị Hoa")),
        ]


def test_values_keep_their_types(tmp_path):
    rows = sample_members(2)
    rows[0]["card_number"] = 48012345  # a number cell
    for fmt in ("xlsx", "xls"):
        path = write_members(
            tmp_path / f"types.{fmt}",
            rows,
            fmt=fmt,
            title_rows=False,
            fields=["full_name", "date_of_birth", "card_number"],
        )
        with open_workbook(path, **LIMITS) as workbook:
            assert workbook.format == fmt
            header, first, second = list(workbook.sheets[0].rows())
        assert header == (1, ("STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"))
        number, values = first
        assert number == 2
        assert values[0] == 1 and type(values[0]) is int
        assert values[1] == rows[0]["full_name"]
        assert isinstance(values[2], datetime) and values[2].date() == rows[0]["date_of_birth"]
        assert values[3] == 48012345 and type(values[3]) is int
        assert second[1][3] == rows[1]["card_number"]
    path = write_members(tmp_path / "serial.xlsx", rows, dates="serial", title_rows=False, fields=["date_of_birth"])
    with open_workbook(path, **LIMITS) as workbook:
        assert list(workbook.sheets[0].rows())[1][1][1] == excel_serial(rows[0]["date_of_birth"])


def test_type_by_content_not_by_name(tmp_path):
    rows = sample_members(4)
    for fmt, disguise in (("xlsx", "list.xls"), ("xls", "list.xlsx"), ("csv", "list.xlsx"), ("xlsx", "list.csv")):
        path = write_members(tmp_path / disguise, rows, fmt=fmt)
        with open_workbook(path, **LIMITS) as workbook:
            assert workbook.format == fmt
        assert len(read_members(path)) == 4


def test_rows_can_be_read_again_and_the_workbook_closes_its_files(tmp_path):
    rows = sample_members(10)
    for fmt in ("xlsx", "xls", "csv"):
        path = write_members(tmp_path / f"again.{fmt}", rows, fmt=fmt)
        open_files = len(os.listdir("/proc/self/fd"))
        workbook = open_workbook(path, **LIMITS)
        sheet = workbook.sheets[0]
        first_pass = list(sheet.rows())
        half = sheet.rows()
        next(half)
        half.close()
        assert list(sheet.rows()) == first_pass
        workbook.close()
        workbook.close()
        assert len(os.listdir("/proc/self/fd")) == open_files


def test_a_sheet_per_cell_names_its_cell(tmp_path):
    rows = sample_members(30)
    path = write_members(tmp_path / "cells.xlsx", rows, sheet_per_cell=True)
    with open_workbook(path, **LIMITS) as workbook:
        tables = find_tables(workbook, MEMBERS)
        assert sorted(table.sheet for table in tables) == sorted({row["cell"] for row in rows})
        assert all("cell" not in suggest(MEMBERS, table.columns) for table in tables)
    assert {row["cell"] for row in read_members(path)} == {row["cell"] for row in rows}


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_ten_thousand_rows_read_back_in_full(tmp_path, fmt):
    rows = sample_members(10_000, seed=7)
    path = write_members(tmp_path / f"big.{fmt}", rows, fmt=fmt, dates="text" if fmt == "csv" else "date")
    found = read_members(path)
    assert len(found) == 10_000
    assert found[0]["full_name"] == rows[0]["full_name"] and found[0]["card_number"] == rows[0]["card_number"]
    assert found[-1]["full_name"] == rows[-1]["full_name"] and found[-1]["card_number"] == rows[-1]["card_number"]
    assert seen(found) == expected(rows)
    assert len({row["card_number"] for row in found}) == 10_000


def test_ten_thousand_rows_in_a_legacy_font_under_a_two_row_header(tmp_path):
    rows = sample_members(10_000, seed=8)
    path = write_members(tmp_path / "big.xlsx", rows, encoding="vni", two_row_header=True, blank_rows=True)
    found = read_members(path)
    assert len(found) == 10_000
    assert seen(found) == expected(rows)


def test_a_tree_file(tmp_path):
    nodes = [
        {"code": "DB01", "name": "Đảng bộ xã Hòa Bình", "kind": "Đảng bộ", "parent_code": None},
        {"code": "CB01", "name": "Chi bộ Khu phố 1", "kind": "Chi bộ", "parent_code": "DB01"},
        {"code": "CB02", "name": "Chi bộ Thôn Đông", "kind": "Chi bộ", "parent_code": "DB01"},
    ]
    for fmt in ("xlsx", "xls", "csv"):
        for encoding in (None, "tcvn3"):
            path = write_tree(tmp_path / f"tree.{fmt}", nodes, fmt=fmt, encoding=encoding, blank_rows=True)
            with open_workbook(path, **LIMITS) as workbook:
                table = find_table(workbook.sheets[0], TREE)
                mapping = suggest(TREE, table.columns)
                assert mapping == {"code": 1, "name": 2, "kind": 3, "parent_code": 4}
                read = [(values[1], text(values[2], table.encoding)) for _n, values in table.rows()]
            assert read == [(node["code"], node["name"]) for node in nodes]


@pytest.mark.parametrize("months", ["thang", "t", "date", "two_row"])
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_an_attendance_register(tmp_path, fmt, months):
    if fmt == "csv" and months == "date":
        months = "thang"
    register = [
        {"full_name": "Nguyễn Văn An", "card_number": "48012345", "months": {1: "x", 2: "P", 3: "K"}},
        {"full_name": "Trần Thị Bình", "card_number": "48012346", "months": dict.fromkeys(range(1, 13), "x")},
    ]
    path = write_attendance(tmp_path / f"register.{fmt}", register, year=2025, fmt=fmt, months=months)
    with open_workbook(path, **LIMITS) as workbook:
        table = find_table(workbook.sheets[0], ATTENDANCE)
        assert table is not None
        assert suggest(ATTENDANCE, table.columns) == {"full_name": 1, "card_number": 2}
        month_columns = [column for column in table.columns if column.index >= 3]
        assert len(month_columns) == 12
        data = list(table.rows())
    assert [values[1] for _n, values in data] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert data[0][1][3:6] == ("x", "P", "K")


def test_an_unreadable_date_stays_text_for_the_preview_to_refuse(tmp_path):
    rows = sample_members(2)
    path = write_members(tmp_path / "bad-date.xlsx", rows, title_rows=False, fields=["full_name", "date_of_birth"])
    book = load_workbook(path)
    book.active["C2"] = "31/02/1970"
    book.save(path)
    with open_workbook(path, **LIMITS) as workbook:
        table = find_table(workbook.sheets[0], MEMBERS)
        values = [values for _n, values in table.rows()]
    assert values[0][2] == "31/02/1970"
    with pytest.raises(ValueError, match="31/02/1970"):
        parse_date(values[0][2])
    assert parse_date(values[1][2]) == rows[1]["date_of_birth"]


def test_rows_past_the_limit_are_refused_while_streaming(tmp_path):
    rows = sample_members(30)
    for fmt in ("xlsx", "xls", "csv"):
        path = write_members(tmp_path / f"limit.{fmt}", rows, fmt=fmt, title_rows=False)
        with open_workbook(path, max_rows=31, max_bytes=LIMITS["max_bytes"]) as workbook:
            assert len(list(workbook.sheets[0].rows())) == 31  # the header and 30 rows
        with (
            pytest.raises(UnreadableFile) as refused,
            open_workbook(path, max_rows=20, max_bytes=LIMITS["max_bytes"]) as workbook,
        ):
            list(workbook.sheets[0].rows())
        assert refused.value.message == "Tệp có hơn 20 dòng; hãy chia thành nhiều tệp nhỏ hơn"


def test_dates_of_the_sample_are_plausible():
    for row in sample_members(200):
        assert date(1935, 1, 1) <= row["date_of_birth"] < row["admitted_on"] < row["official_on"]
