"""Cells read as the fields need them: dates in every form committees type, card numbers, national IDs, gender,
names in one column or two. The suite's clock is in 2026 (FROZEN_AT), which decides two-digit years."""

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.common.vnlegacy import Encoding, from_unicode
from apps.imports.rules.values import (
    ValueProblem,
    card_key,
    join_name,
    parse_card_number,
    parse_date,
    parse_gender,
    parse_national_id,
    split_name,
)
from apps.imports.tests.files import TEXT_DATE_FORMS, excel_serial


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(1975, 3, 5, 0, 0), date(1975, 3, 5)),
        (date(1975, 3, 5), date(1975, 3, 5)),
        ("05/03/1975", date(1975, 3, 5)),
        ("5/3/1975", date(1975, 3, 5)),
        ("05-03-1975", date(1975, 3, 5)),
        ("05.03.1975", date(1975, 3, 5)),
        (" 5 / 3 / 1975 ", date(1975, 3, 5)),
        ("1975-03-05", date(1975, 3, 5)),
        ("1975-03-05 00:00:00", date(1975, 3, 5)),
        ("1975/3/5", date(1975, 3, 5)),
        ("ngày 5 tháng 3 năm 1975", date(1975, 3, 5)),
        ("Ngày 05 tháng 03 năm 1975", date(1975, 3, 5)),
        ("ngay 5 thang 3 nam 1975", date(1975, 3, 5)),
        ("5 tháng 3 năm 1975", date(1975, 3, 5)),
        (from_unicode("ngày 5 tháng 3 năm 1975", Encoding.TCVN3), date(1975, 3, 5)),
        (from_unicode("ngày 5 tháng 3 năm 1975", Encoding.VNI), date(1975, 3, 5)),
        ("5/3/75", date(1975, 3, 5)),  # 75 > 26: the last century
        ("5/3/26", date(2026, 3, 5)),  # 26 ≤ 26 (this year): this century
        ("5/3/27", date(1927, 3, 5)),
        ("5/3/05", date(2005, 3, 5)),
        (27458, date(1975, 3, 5)),  # Excel serial
        (27458.75, date(1975, 3, 5)),  # a serial with a time of day
        ("27458", date(1975, 3, 5)),  # a serial that went through a CSV
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # after Excel's 29 February 1900
        (73415, date(2100, 12, 31)),
        (19750305, date(1975, 3, 5)),  # yyyymmdd typed as a number
        ("05031975", date(1975, 3, 5)),  # ddmmyyyy without separators
        (5031975, date(1975, 3, 5)),  # ddmmyyyy whose leading zero Excel dropped
    ],
)
def test_parse_date_reads_every_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/1970", ["«31/02/1970»", "2", "31"]),
        ("29/02/1971", ["«29/02/1971»"]),
        ("12/13/1970", ["«12/13/1970»", "13"]),
        ("1975", ["«1975»"]),  # a year alone
        (1975, ["«1975»"]),  # a year alone, typed as a number
        ("03/1975", ["«03/1975»"]),  # a month and a year
        ("hôm qua", ["«hôm qua»"]),
        ("05/03/1875", ["«05/03/1875»", "1875"]),
        (60, ["«60»"]),  # 29 February 1900, which never was
        (0, ["«0»"]),
        (-5, ["«-5»"]),
        (99999, ["«99999»"]),
        (None, []),
        ("", []),
        (True, []),
        (float("nan"), []),
    ],
)
def test_parse_date_refuses_with_a_message_naming_the_text(value, words):
    with pytest.raises(ValueProblem) as problem:
        parse_date(value)
    assert problem.value.message
    for word in words:
        assert word in problem.value.message


def test_a_year_alone_says_the_day_and_month_are_missing():
    with pytest.raises(ValueProblem) as problem:
        parse_date("1975")
    assert problem.value.message == "«1975» chỉ có năm, thiếu ngày và tháng"


def test_an_impossible_day_is_named():
    with pytest.raises(ValueProblem) as problem:
        parse_date("31/02/1970")
    assert problem.value.message == "«31/02/1970» không phải ngày có thật: tháng 2 không có ngày 31"


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_every_written_form_and_the_serial_read_back(day):
    for form in TEXT_DATE_FORMS:
        assert parse_date(form(day)) == day
    if day.year > 1905:  # the serials 1900-2100 (1905's days) are read as a year alone: see above
        assert parse_date(excel_serial(day)) == day
    assert parse_date(datetime(day.year, day.month, day.day, 12, 30)) == day


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("48012345", "48012345"),
        ("48 012 345", "48012345"),
        ("48.012.345", "48012345"),
        ("48-012-345", "48012345"),
        ("\u00a048\u00a0012\u00a0345 ", "48012345"),
        ("01234567", "01234567"),
        (48012345, "48012345"),
        (48012345.0, "48012345"),
    ],
)
def test_card_numbers_lose_their_separators(value, expected):
    assert parse_card_number(value) == expected


@pytest.mark.parametrize(
    "value", ["48A12345", "số 4801", "123", "1234567890123", 4.8e7 + 0.5, "4.8012345E+07", "", None]
)
def test_implausible_card_numbers_are_refused(value):
    with pytest.raises(ValueProblem):
        parse_card_number(value)


def test_card_key_forgets_the_zeros_excel_drops():
    assert card_key(parse_card_number("01234567")) == card_key(parse_card_number(1234567))
    assert card_key("0000") == "0000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001085012345", "001085012345"),
        ("001 085 012 345", "001085012345"),
        (1085012345, "001085012345"),  # stored as a number: the province code's zeros are back
        (31085012345, "031085012345"),
        (31085012345.0, "031085012345"),
        ("31085012345", "031085012345"),  # a number that went through a CSV
    ],
)
def test_national_ids(value, expected):
    assert parse_national_id(value) == expected


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("025123456", "9"),  # an old identity card
        ("0251234567890", "13"),
        ("1.08501E+11", "Excel"),
        ("0010850123AB", "«0010850123AB»"),
        ("01234567890", "11"),  # eleven digits that start with 0: a digit is missing, not a zero
    ],
)
def test_implausible_national_ids_are_refused(value, word):
    with pytest.raises(ValueProblem) as problem:
        parse_national_id(value)
    assert word in problem.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nam", "male"),
        ("nam", "male"),
        ("NAM", "male"),
        (" Nam ", "male"),
        ("Nữ", "female"),
        ("nữ", "female"),
        ("NỮ", "female"),
        ("Nu", "female"),
        (unicodedata.normalize("NFD", "Nữ"), "female"),
        (from_unicode("Nữ", Encoding.TCVN3), "female"),
        (from_unicode("Nữ", Encoding.VNI), "female"),
        ("male", "male"),
        ("Female", "female"),
        ("M", "male"),
        ("F", "female"),
    ],
)
def test_gender(value, expected):
    assert parse_gender(value) == expected


@pytest.mark.parametrize("value", ["x", "Khác", "1", "", None])
def test_unknown_gender_is_refused(value):
    with pytest.raises(ValueProblem):
        parse_gender(value)


def test_names_in_two_columns():
    assert join_name("Nguyễn Văn", "An") == "Nguyễn Văn An"
    assert join_name("  Nguyễn  Thị Thu ", " Hà ") == "Nguyễn Thị Thu Hà"
    assert join_name(None, "An") == "An"
    assert join_name("Nguyễn Văn", None) == "Nguyễn Văn"
    assert split_name("Nguyễn Thị Thu Hà") == ("Nguyễn Thị Thu", "Hà")
    assert split_name("An") == ("", "An")
    assert split_name("  ") == ("", "")


@given(st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ", min_size=1, max_size=8), min_size=1, max_size=5))
def test_split_then_join_gives_the_name_back(words):
    name = " ".join(words)
    assert join_name(*split_name(name)) == name
