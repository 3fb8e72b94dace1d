"""The fields each kind of import fills, the Vietnamese headers that name them, and the suggested column mapping.

Headers are compared by their key: the label repaired (legacy fonts, decomposed Unicode), folded to lower-case ASCII
without diacritics (``apps.common.text.search_key``), with anything in parentheses and all punctuation dropped, so
"SỐ THẺ ĐẢNG VIÊN (8 số)", "so the dang vien" and "Số  thẻ\\nđảng viên" are one header. A header joined from two rows
("Họ và tên – Họ đệm") is matched by its lower part first, then as a whole, then by its upper part.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from apps.common.text import search_key
from apps.common.vnlegacy import Encoding, repair, to_unicode

if TYPE_CHECKING:  # the stubs' helper types are not installed in production
    from django_stubs_ext import StrOrPromise

MEMBERS, TREE, ATTENDANCE = "members", "tree", "attendance"
# Joins the labels of a header merged over two rows (layout.find_table), and splits them again here.
PART_SEPARATOR = " – "


@dataclass(frozen=True)
class Field:
    name: str
    label_vi: StrOrPromise  # a lazy translation (English msgid): the field's name on the mapping page
    required: bool
    synonyms: tuple[str, ...]


def repaired(text: str, hint: Encoding | None = None) -> str:
    """Text as Unicode NFC, legacy fonts (TCVN3, VNI) converted (apps.common.vnlegacy); ``hint``: the encoding the
    rest of the sheet was found in, which settles a short cell that alone reads well both ways ("Chi bé")."""
    return repair(text, hint=hint).text


# Every character a legacy cell can hold: the bytes 0x00-0xFF read as Latin-1 or as Windows-1252.
LEGACY_ALPHABET = frozenset(map(chr, range(256))) | frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore"))


def readings(label: str) -> list[str]:
    """A header as detected, then as each legacy font would read it: a short header is often ambiguous alone, and
    one that names a field when read as TCVN3 is TCVN3."""
    if label.isascii() or not set(label) <= LEGACY_ALPHABET:
        return [label]
    return [label, to_unicode(label, Encoding.TCVN3), to_unicode(label, Encoding.VNI)]


_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def label_key(text) -> str:
    """The comparable form of a header: repaired, ASCII lower-case, no parentheses, no punctuation."""
    if text is None:
        return ""
    text = repaired(str(text))
    text = _PARENTHESES.sub(" ", text)
    return " ".join(_PUNCTUATION.sub(" ", search_key(text)).split())


_NAME = ("Họ và tên", "Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên", "Họ và tên khai sinh", "Tên đảng viên")
_CARD = ("Số thẻ đảng viên", "Số thẻ", "Số thẻ ĐV", "Số thẻ Đảng", "Thẻ đảng viên", "Số TĐV", "Số thẻ đảng")
_BIRTH = (
    "Ngày sinh",
    "Ngày tháng năm sinh",
    "Ngày, tháng, năm sinh",
    "Ngày/tháng/năm sinh",
    "Năm sinh",
    "Sinh ngày",
    "NTNS",
)
_CELL = ("Chi bộ", "Tên chi bộ", "Chi bộ sinh hoạt", "Sinh hoạt tại chi bộ", "Chi bộ đang sinh hoạt")

FIELDS: dict[str, list[Field]] = {
    MEMBERS: [
        Field("full_name", _("Full name"), False, _NAME),
        Field("surname", _("Surname and middle name"), False, ("Họ đệm", "Họ và tên đệm", "Họ và đệm", "Họ, tên đệm")),
        Field("given_name", _("Given name"), False, ("Tên", "Tên gọi")),
        Field("date_of_birth", _("Date of birth"), False, _BIRTH),
        Field("gender", _("Gender"), False, ("Giới tính", "Nam/Nữ", "Nam, Nữ", "Phái", "GT")),
        Field("card_number", _("Party card number"), False, _CARD),
        Field(
            "national_id",
            _("National ID"),
            False,
            (
                "CCCD",
                "Số CCCD",
                "Số định danh",
                "Số định danh cá nhân",
                "Căn cước công dân",
                "Số căn cước",
                "Số căn cước công dân",
                "CMND/CCCD",
                "Số CMND/CCCD",
                "CMND",
                "Số CMND",
            ),
        ),
        Field(
            "admitted_on",
            _("Date admitted"),
            False,
            ("Ngày vào Đảng", "Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày vào Đảng dự bị", "Kết nạp", "Vào Đảng"),
        ),
        Field(
            "official_on",
            _("Date made official"),
            False,
            (
                "Ngày chính thức",
                "Ngày công nhận chính thức",
                "Ngày vào Đảng chính thức",
                "Ngày chuyển chính thức",
                "Chính thức",
            ),
        ),
        Field("cell", _("Cell"), False, _CELL),
        Field("office", _("Office in the cell"), False, ("Chức vụ", "Chức vụ Đảng", "Chức vụ trong chi bộ")),
        Field(
            "residence",
            _("Residence"),
            False,
            ("Nơi cư trú", "Địa chỉ", "Nơi ở", "Nơi ở hiện nay", "Địa chỉ thường trú", "Thôn, tổ dân phố"),
        ),
        Field("occupation", _("Occupation"), False, ("Nghề nghiệp", "Nghề nghiệp hiện nay", "Công việc")),
        Field("phone", _("Phone"), False, ("Điện thoại", "Số điện thoại", "SĐT", "ĐT", "Di động", "ĐT di động")),
        Field("email", _("Email"), False, ("Email", "E-mail", "Thư điện tử")),
    ],
    TREE: [
        Field("code", _("Code"), True, ("Mã", "Mã tổ chức", "Mã đơn vị", "Mã số", "Mã tổ chức đảng")),
        Field("name", _("Name"), True, ("Tên tổ chức", "Tên", "Tên đơn vị", "Tên tổ chức đảng", "Tổ chức đảng")),
        Field("kind", _("Kind of organisation"), False, ("Loại", "Loại tổ chức", "Loại tổ chức đảng")),
        Field(
            "parent_code",
            _("Parent's code"),
            False,
            ("Mã cấp trên", "Trực thuộc", "Mã trực thuộc", "Cấp trên", "Mã đơn vị cấp trên", "Mã tổ chức cấp trên"),
        ),
        Field("sector", _("Kind of unit"), False, ("Loại hình", "Loại hình đơn vị", "Lĩnh vực", "Khối")),
        Field("level_label", _("Level of the organisation"), False, ("Cấp", "Cấp tổ chức")),
    ],
    ATTENDANCE: [
        Field("card_number", _("Party card number"), False, _CARD),
        Field("full_name", _("Full name"), False, _NAME),
        Field("date_of_birth", _("Date of birth"), False, _BIRTH),
        Field("cell", _("Cell"), False, _CELL),
    ],
}

# A row-number column: recognised as part of a header, never mapped.
NUMBER_LABELS = frozenset(label_key(label) for label in ("STT", "TT", "Số TT", "Số thứ tự", "No"))
# Lower labels of a two-row header that name no field by themselves ("Giới tính" over "Nam" | "Nữ").
SUBHEADER_WORDS = frozenset(label_key(word) for word in ("Nam", "Nữ", "Dự bị", "Họ", "Ngày", "Tháng", "Năm", "Số"))

EXACT_WHOLE, EXACT_PART, PREFIX = 3, 2, 1


def _index() -> dict[str, dict[str, str]]:
    return {
        kind: {label_key(synonym): f.name for f in fields for synonym in f.synonyms} for kind, fields in FIELDS.items()
    }


_SYNONYMS = _index()


def _prefix_match(key: str, synonyms: dict[str, str]) -> str | None:
    """The field of the longest synonym that starts ``key`` at a word boundary ("ngay sinh cua dang vien"); single
    short words ("ten", "ma") only match exactly."""
    best: tuple[int, str] | None = None
    for synonym, name in synonyms.items():
        long_enough = " " in synonym or len(synonym) >= 4
        if long_enough and key.startswith(synonym + " ") and (best is None or len(synonym) > best[0]):
            best = (len(synonym), name)
    return best[1] if best else None


def match(kind: str, label: str) -> tuple[str, int] | None:
    """(field name, strength) that a header names for this kind, or None. Strength: EXACT_WHOLE, EXACT_PART (the
    lower or upper part of a two-row header), PREFIX. A header in a legacy font is read every way it can be."""
    best = None
    for reading in readings(str(label)):
        found = _match(kind, reading)
        if found and (best is None or found[1] > best[1]):
            best = found
    return best


def _match(kind: str, label: str) -> tuple[str, int] | None:
    synonyms = _SYNONYMS.get(kind, {})
    parts = [label_key(part) for part in str(label).split(PART_SEPARATOR)]
    whole = " ".join(part for part in parts if part)
    if not whole or whole in NUMBER_LABELS:
        return None
    if whole in synonyms:
        return synonyms[whole], EXACT_WHOLE
    if len(parts) > 1:
        for part in (parts[-1], parts[0]):
            if part in synonyms:
                return synonyms[part], EXACT_PART
    for candidate in (whole, parts[-1], parts[0]) if len(parts) > 1 else (whole,):
        name = _prefix_match(candidate, synonyms)
        if name:
            return name, PREFIX
    return None


def is_number_label(label) -> bool:
    return label_key(label) in NUMBER_LABELS


def suggest(kind: str, columns) -> dict[str, int]:
    """Field name → column index, each field and each column taken once, the strongest match first, then the
    leftmost column. The row-number column ("STT") is never mapped."""
    candidates = []
    for column in columns:
        found = match(kind, column.label)
        if found:
            name, strength = found
            candidates.append((-strength, column.index, name))
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for _strength, index, name in sorted(candidates):
        if name not in mapping and index not in taken:
            mapping[name] = index
            taken.add(index)
    return mapping


def signature(columns) -> str:
    """A stable hash of the header: each column's position and key, so a file with the same header (whatever its
    case, spacing, diacritics or legacy font) finds the mapping saved for the last one."""
    header = [[column.index, label_key(column.label)] for column in sorted(columns, key=lambda column: column.index)]
    return hashlib.sha256(json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode()).hexdigest()


def field_names(kind: str) -> list[str]:
    return [f.name for f in FIELDS[kind]]


def missing_fields(kind: str, mapping: dict[str, int]) -> list[Field]:
    """The fields a mapping must still name: the required ones, and a name for members (the full name, or the given
    name with or without the surname) and for attendance (a card number or a name)."""
    missing = [f for f in FIELDS[kind] if f.required and f.name not in mapping]
    by_name = {f.name: f for f in FIELDS[kind]}
    if kind == MEMBERS and "full_name" not in mapping and "given_name" not in mapping:
        missing.append(by_name["full_name"])
    if kind == ATTENDANCE and "full_name" not in mapping and "card_number" not in mapping:
        missing.append(by_name["full_name"])
    return missing
