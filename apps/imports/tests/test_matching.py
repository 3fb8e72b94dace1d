"""The matching rules (plain values, no database): a person by card number, then national ID, then name and birth
date, with the conflicts that refuse a row; a cell by code or name; a member row's phone, dates and warnings."""

from datetime import date

import pytest
from django.utils import translation

from apps.common.text import search_key
from apps.imports.rules import matching
from apps.imports.rules import members as rules_members
from apps.imports.rules.plan import CREATE, Planned

BORN = date(1970, 3, 12)


def candidate(pk, card=None, national_id=None, name="Nguyễn Văn An", born=BORN, cell=1, active=True):
    return matching.Candidate(pk, cell, card, national_id, search_key(name), born, active)


INDEX = matching.build_index(
    [
        candidate(1, card="48012345", national_id="025070001234"),
        candidate(2, national_id="025070009999", name="Trần Thị Bình"),
        candidate(3, name="Lê Văn Cường"),
        candidate(4, name="Phạm Thị Dung", card="00123456"),
        candidate(5, name="Hoàng Văn Em"),
        candidate(6, name="Hoàng Văn Em"),  # the same name and birth date twice
    ]
)


def match(card=None, national_id=None, name="", born=BORN):
    return matching.match(
        INDEX,
        card_number=card,
        national_id=national_id,
        name_key=search_key(name),
        date_of_birth=born,
    )


@pytest.mark.parametrize(
    ("keys", "pk", "rule"),
    [
        ({"card": "48012345"}, 1, matching.CARD_NUMBER),
        # The card wins whatever else the row says: a new national ID or name is an update of member 1.
        ({"card": "48012345", "national_id": "025070005555", "name": "Nguyễn Văn Ân"}, 1, matching.CARD_NUMBER),
        ({"national_id": "025070001234"}, 1, matching.NATIONAL_ID),
        ({"national_id": "025070009999", "card": "47000001"}, 2, matching.NATIONAL_ID),  # member 2 has no card yet
        ({"name": "NGUYEN van an"}, 1, matching.NAME_BIRTH),  # folded: case and diacritics aside
        ({"name": "Lê Văn Cường", "card": "47000002"}, 3, matching.NAME_BIRTH),
        ({"card": "123456", "name": "x"}, 4, matching.CARD_NUMBER),  # Excel dropped the card's leading zeros
        ({"card": "47000003", "name": "Ngô Văn Mới"}, None, ""),
        ({"name": "Lê Văn Cường", "born": date(1971, 3, 12)}, None, ""),  # another birth date: someone else
    ],
)
def test_a_person_is_found_by_card_then_national_id_then_name_and_birth(keys, pk, rule):
    found = match(**keys)
    assert (found.candidate.pk if found.candidate else None, found.rule, found.conflict) == (pk, rule, "")


@pytest.mark.parametrize(
    ("keys", "conflict", "others"),
    [
        ({"national_id": "025070001234", "card": "47000009"}, matching.CARD_DIFFERS, [1]),
        ({"name": "Nguyễn Văn An", "card": "47000009"}, matching.CARD_DIFFERS, [1]),
        ({"name": "Nguyễn Văn An", "national_id": "025070007777"}, matching.NATIONAL_ID_DIFFERS, [1]),
        ({"name": "Hoàng Văn Em"}, matching.AMBIGUOUS, [5, 6]),
    ],
)
def test_a_key_that_finds_someone_who_cannot_be_the_row_is_a_conflict(keys, conflict, others):
    found = match(**keys)
    assert found.candidate is None and found.conflict == conflict and [c.pk for c in found.others] == others


CELLS = matching.Cells(
    [
        matching.Cell(10, "CB-T1", "Chi bộ Thôn 1", "0001000100010001"),
        matching.Cell(11, "CB-T2", "Chi bộ Thôn Đông", "0001000100010002"),
        matching.Cell(12, "X-T1", "Chi bộ Thôn 1", "0001000100020001"),  # the same name in another commune
        matching.Cell(13, "CB-CU", "Chi bộ Trường Cũ", "0001000100010003", active=False),
    ]
)


@pytest.mark.parametrize(
    ("text", "pk", "problem"),
    [
        ("CB-T2", 11, ""),
        ("cb-t2", 11, ""),
        ("Chi bộ Thôn Đông", 11, ""),
        ("thôn  đông", 11, ""),
        ("CB Thon Dong", 11, ""),
        ("Chi bộ Thôn 1", None, matching.AMBIGUOUS_CELL),
        ("X-T1", 12, ""),  # the code tells them apart
        ("Chi bộ Thôn 9", None, matching.UNKNOWN_CELL),
        ("Chi bộ Trường Cũ", None, matching.UNKNOWN_CELL),  # closed cells take no members
    ],
)
def test_a_cell_is_named_by_its_code_or_its_name(text, pk, problem):
    cell, found_problem = CELLS.find(text)
    assert (cell.pk if cell else None, found_problem) == (pk, problem)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0912 345 678", "0912345678"), (912345678, "0912345678"), ("091.234.5678", "0912345678"), (None, "")],
)
def test_phone_numbers_as_excel_leaves_them(value, expected):
    assert rules_members.phone(value) == expected


def planned() -> Planned:
    return Planned(sheet="Danh sách", row_number=5, fate=CREATE)


def test_text_is_repaired_and_names_tidied_with_each_change_noted():
    row = planned()
    assert rules_members.repaired(row, "full_name", "  NGUYỄN  văn   an ", person=True) == "Nguyễn Văn An"
    assert [(c.field, c.encoding) for c in row.conversions] == [("full_name", "spacing")]
    assert rules_members.repaired(row, "residence", "Tổ  5") == "Tổ 5" and len(row.conversions) == 1


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("dates", "fields"),
    [
        ({"date_of_birth": date(1960, 1, 1), "admitted_on": date(1985, 1, 1), "official_on": date(1986, 1, 1)}, []),
        ({"date_of_birth": date(1899, 12, 31)}, ["date_of_birth"]),
        ({"date_of_birth": date(2015, 1, 1)}, ["date_of_birth"]),  # younger than 16
        ({"date_of_birth": date(1960, 1, 1), "admitted_on": date(1972, 1, 1)}, ["admitted_on"]),  # at 12
        ({"admitted_on": date(1925, 1, 1)}, ["admitted_on"]),  # before the Party was founded
        ({"admitted_on": date(2027, 1, 1)}, ["admitted_on"]),  # in the future
        ({"admitted_on": date(2000, 1, 1), "official_on": date(1999, 1, 1)}, ["official_on"]),
    ],
)
def test_dates_that_cannot_be_true(dates, fields):
    assert sorted(rules_members.date_problems(dates, TODAY)) == fields


def test_warnings_a_probation_past_due_and_an_official_without_card():
    with translation.override("en"):
        overdue, fresh, official = planned(), planned(), planned()
        rules_members.warnings(overdue, {"admitted_on": date(2025, 11, 1)}, TODAY)
        rules_members.warnings(fresh, {"admitted_on": date(2026, 1, 1)}, TODAY)
        rules_members.warnings(official, {"admitted_on": date(2000, 1, 1), "official_on": date(2001, 1, 1)}, TODAY)
    assert [p.field for p in overdue.problems] == ["official_on"] and "overdue" in overdue.problems[0].message
    assert fresh.problems == [] and [p.field for p in official.problems] == ["card_number"]
    assert all(p.level == "warning" for p in overdue.problems + official.problems) and overdue.fate == CREATE
