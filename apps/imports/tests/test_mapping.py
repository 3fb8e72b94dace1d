"""The Vietnamese headers committees write, and the fields they name: with and without diacritics, in any case and
spacing, in legacy fonts; the suggested mapping; the header's signature."""

import unicodedata

import pytest

from apps.common.vnlegacy import Encoding, from_unicode
from apps.imports.rules.layout import Column
from apps.imports.rules.mapping import (
    ATTENDANCE,
    FIELDS,
    MEMBERS,
    TREE,
    label_key,
    match,
    missing_fields,
    signature,
    suggest,
)

MEMBER_HEADERS = [
    ("Họ và tên", "full_name"),
    ("Họ tên", "full_name"),
    ("Họ đệm", "surname"),
    ("Tên", "given_name"),
    ("Ngày sinh", "date_of_birth"),
    ("Ngày tháng năm sinh", "date_of_birth"),
    ("Năm sinh", "date_of_birth"),
    ("Giới tính", "gender"),
    ("Nam/Nữ", "gender"),
    ("Ngày vào Đảng", "admitted_on"),
    ("Ngày kết nạp", "admitted_on"),
    ("Ngày chính thức", "official_on"),
    ("Ngày công nhận chính thức", "official_on"),
    ("Số thẻ đảng viên", "card_number"),
    ("Số thẻ", "card_number"),
    ("Số thẻ ĐV", "card_number"),
    ("CCCD", "national_id"),
    ("Số CCCD", "national_id"),
    ("Số định danh", "national_id"),
    ("Chi bộ", "cell"),
    ("Tên chi bộ", "cell"),
    ("Chức vụ", "office"),
    ("Chức vụ Đảng", "office"),
    ("Nơi cư trú", "residence"),
    ("Địa chỉ", "residence"),
    ("Nghề nghiệp", "occupation"),
    ("Điện thoại", "phone"),
    ("Email", "email"),
    ("E-mail", "email"),
]


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@pytest.mark.parametrize(("label", "field"), MEMBER_HEADERS)
def test_member_headers_with_and_without_diacritics_any_case_and_spacing(label, field):
    for variant in (
        label,
        label.upper(),
        label.lower(),
        strip_marks(label),
        strip_marks(label).upper(),
        "  " + label.replace(" ", "   ") + " ",
        label.replace(" ", "\n", 1),
        unicodedata.normalize("NFD", label),
        f"{label} (ghi rõ)",
        f"{label}:",
    ):
        assert match(MEMBERS, variant)[0] == field, variant


@pytest.mark.parametrize(("label", "field"), MEMBER_HEADERS)
@pytest.mark.parametrize("encoding", [Encoding.TCVN3, Encoding.VNI])
def test_member_headers_typed_with_legacy_fonts(label, field, encoding):
    assert match(MEMBERS, from_unicode(label, encoding))[0] == field


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Mã", "code"),
        ("Mã tổ chức", "code"),
        ("Tên tổ chức", "name"),
        ("Tên", "name"),
        ("Loại", "kind"),
        ("Mã cấp trên", "parent_code"),
        ("Trực thuộc", "parent_code"),
        ("MA CAP TREN", "parent_code"),
    ],
)
def test_tree_headers(label, field):
    assert match(TREE, label)[0] == field


def test_attendance_headers_name_the_member():
    assert match(ATTENDANCE, "Họ và tên")[0] == "full_name"
    assert match(ATTENDANCE, "Số thẻ ĐV")[0] == "card_number"
    assert match(ATTENDANCE, "Tháng 1") is None


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Họ và tên – Họ đệm", "surname"),  # joined from a header merged over two rows
        ("Họ và tên – Tên", "given_name"),
        ("Ngày vào Đảng – Dự bị", "admitted_on"),
        ("Ngày vào Đảng – Chính thức", "official_on"),
        ("Ngày sinh của đảng viên", "date_of_birth"),  # a known header, then more words
        ("Số thẻ đảng viên (8 chữ số)", "card_number"),
    ],
)
def test_longer_and_joined_headers(label, field):
    assert match(MEMBERS, label)[0] == field


@pytest.mark.parametrize("label", ["STT", "TT", "Số TT", "", "Ghi chú", "Tên cơ quan", "DANH SÁCH ĐẢNG VIÊN CHI BỘ 1"])
def test_other_headers_name_no_member_field(label):
    assert match(MEMBERS, label) is None


def test_every_field_has_a_label_and_synonyms_and_no_synonym_names_two_fields():
    for kind, fields in FIELDS.items():
        owner: dict[str, str] = {}
        for field in fields:
            assert str(field.label_vi) and field.synonyms, field.name
            for synonym in field.synonyms:
                key = label_key(synonym)
                assert owner.setdefault(key, field.name) == field.name, (kind, synonym)
                assert match(kind, synonym)[0] == field.name, (kind, synonym)


def test_member_field_names_are_the_designs():
    assert [f.name for f in FIELDS[MEMBERS]] == [
        "full_name",
        "surname",
        "given_name",
        "date_of_birth",
        "gender",
        "card_number",
        "national_id",
        "admitted_on",
        "official_on",
        "cell",
        "office",
        "residence",
        "occupation",
        "phone",
        "email",
    ]
    assert [f.name for f in FIELDS[TREE]] == ["code", "name", "kind", "parent_code", "sector", "level_label"]
    assert [f.name for f in FIELDS[ATTENDANCE]] == ["card_number", "full_name", "date_of_birth", "cell"]


def columns(*labels):
    return [Column(index, label) for index, label in enumerate(labels) if label]


def test_suggest_maps_each_field_once_and_never_the_number_column():
    header = columns("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ ĐV", "Số CCCD", "Chi bộ", "Ghi chú")
    assert suggest(MEMBERS, header) == {
        "full_name": 1,
        "date_of_birth": 2,
        "gender": 3,
        "card_number": 4,
        "national_id": 5,
        "cell": 6,
    }


def test_suggest_prefers_the_exact_header_then_the_leftmost():
    header = columns("Ngày sinh của đảng viên", "Ngày sinh", "Số thẻ", "Số thẻ đảng viên")
    assert suggest(MEMBERS, header) == {"date_of_birth": 1, "card_number": 2}


def test_suggest_on_a_two_row_header():
    header = columns(
        "STT", "Họ và tên – Họ đệm", "Họ và tên – Tên", "Ngày vào Đảng – Dự bị", "Ngày vào Đảng – Chính thức"
    )
    assert suggest(MEMBERS, header) == {"surname": 1, "given_name": 2, "admitted_on": 3, "official_on": 4}


def test_signature_ignores_case_spacing_diacritics_and_fonts_but_not_order():
    base = signature(columns("STT", "Họ và tên", "Ngày sinh"))
    assert len(base) == 64
    assert signature(columns("stt", "HỌ  VÀ TÊN", "Ngay sinh")) == base
    assert signature(columns("STT", from_unicode("Họ và tên", Encoding.TCVN3), "Ngày sinh")) == base
    assert signature(columns("STT", unicodedata.normalize("NFD", "Họ và tên"), "Ngày sinh")) == base
    assert signature(columns("STT", "Ngày sinh", "Họ và tên")) != base
    assert signature(columns("STT", "Họ và tên", "Ngày sinh", "Chi bộ")) != base


def test_missing_fields():
    assert [f.name for f in missing_fields(MEMBERS, {"date_of_birth": 2})] == ["full_name"]
    assert missing_fields(MEMBERS, {"given_name": 2}) == []
    assert missing_fields(MEMBERS, {"full_name": 1}) == []
    assert [f.name for f in missing_fields(TREE, {"code": 0})] == ["name"]
    assert missing_fields(ATTENDANCE, {"card_number": 1}) == []
    assert [f.name for f in missing_fields(ATTENDANCE, {"cell": 1})] == ["full_name"]
