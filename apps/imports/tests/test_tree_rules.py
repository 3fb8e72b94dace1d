"""Validating an organisation tree read from a sheet, as a whole: kinds from their Vietnamese names, the nesting read
from the layout, and every refusal (duplicate, orphan, cycle, a kind out of place, a move)."""

import pytest

from apps.imports.rules import tree as rules
from apps.imports.rules import tree_rows as rows
from apps.imports.rules.plan import CREATE, REFUSED, UNCHANGED, UPDATE
from apps.imports.rules.tree import Existing
from apps.imports.rules.tree_rows import TreeRow
from apps.orgs.models import Organization


@pytest.mark.parametrize(
    ("label", "kind", "level"),
    [
        ("Chi bộ", "cell", ""),
        ("chi bo", "cell", ""),
        ("Chi bộ cơ sở", "cell", "Chi bộ cơ sở"),
        ("chi bộ trực thuộc", "cell", "Chi bộ trực thuộc"),
        ("Đảng bộ", "committee", ""),
        ("ĐẢNG BỘ BỘ PHẬN", "committee", "ĐẢNG BỘ BỘ PHẬN"),
        ("Đảng bộ cơ sở", "committee", "Đảng bộ cơ sở"),
        ("Đảng bộ xã", "committee", "Đảng bộ xã"),
        ("Đảng ủy", "committee", ""),
        ("Tổ đảng", "party_group", ""),
        ("cell", "cell", ""),
        ("party_group", "party_group", ""),
    ],
)
def test_kinds_from_their_vietnamese_names(label, kind, level):
    assert rows.kind_of(label) == kind
    assert rows.level_label_of(label) == level


@pytest.mark.parametrize("label", ["Chi đoàn", "Công đoàn", "Tổ dân phố", "Đảng", "", "chibo"])
def test_other_words_are_no_kind(label):
    assert rows.kind_of(label) is None


def test_a_name_tells_its_kind():
    assert rows.kind_of("Chi bộ Thôn 3") == "cell"
    assert rows.kind_of("Đảng bộ xã Hòa Bình") == "committee"
    assert rows.kind_of("Tổ đảng số 2") == "party_group"


@pytest.mark.parametrize(
    ("label", "sector"),
    [
        ("Khu dân cư", "residential"),
        ("Thôn, xóm", "residential"),
        ("Cơ quan", "agency"),
        ("Trường học", "school"),
        ("Đơn vị sự nghiệp", "school"),
        ("Doanh nghiệp", "enterprise"),
        ("Lực lượng vũ trang", "armed"),
        ("Công an", "armed"),
        ("Khác", "other"),
        ("agency", "agency"),
        ("", ""),
        ("Hợp tác xã nông nghiệp", None),
    ],
)
def test_kinds_of_unit(label, sector):
    assert rows.sector_of(label) == sector


def test_sector_values_are_the_models():
    assert set(Organization.Sector.values) == rows.SECTOR_VALUES


# ---------------------------------------------------------------------------------------------- the layout


def test_nesting_by_the_names_column():
    sheet = [
        (("S", 2), ("Đảng bộ xã An", None)),
        (("S", 3), (None, "Chi bộ Thôn 1")),
        (("S", 4), (None, "Chi bộ Thôn 2")),
        (("S", 5), ("Đảng bộ xã Bình", None)),
        (("S", 6), ("", "Chi bộ Khu 3")),
    ]
    assert rows.choose_nesting([cells for _key, cells in sheet]) == rows.COLUMNS
    placed = rows.outline(sheet, rows.COLUMNS)
    assert [(p.name, p.parent, p.column) for p in placed] == [
        ("Đảng bộ xã An", None, 0),
        ("Chi bộ Thôn 1", ("S", 2), 1),
        ("Chi bộ Thôn 2", ("S", 2), 1),
        ("Đảng bộ xã Bình", None, 0),
        ("Chi bộ Khu 3", ("S", 5), 1),
    ]


def test_nesting_by_numbering():
    sheet = [
        (("S", 2), ("1. Đảng bộ xã An",)),
        (("S", 3), ("1.1. Chi bộ Thôn 1",)),
        (("S", 4), ("1.1.1 Tổ đảng số 1",)),
        (("S", 5), ("1.2 Chi bộ Thôn 2",)),
        (("S", 6), ("2. Đảng bộ xã Bình",)),
        (("S", 7), ("3.4 Chi bộ lạc",)),
        (("S", 8), ("Chi bộ không số",)),
    ]
    assert rows.choose_nesting([cells for _key, cells in sheet]) == rows.NUMBERING
    placed = {p.key: p for p in rows.outline(sheet, rows.NUMBERING)}
    assert placed[("S", 3)].parent == ("S", 2) and placed[("S", 3)].name == "Chi bộ Thôn 1"
    assert placed[("S", 4)].parent == ("S", 3) and placed[("S", 4)].depth == 2
    assert placed[("S", 5)].parent == ("S", 2)
    assert placed[("S", 6)].parent is None and not placed[("S", 6)].problem
    assert "3" in placed[("S", 7)].problem  # no row numbered 3
    assert placed[("S", 8)].problem


def test_nesting_by_indent_and_a_jump_of_two_levels():
    sheet = [
        (("S", 2), ("Đảng bộ xã An",)),
        (("S", 3), ("    Chi bộ Thôn 1",)),
        (("S", 4), ("        Tổ đảng 1",)),
        (("S", 5), ("Đảng bộ xã Bình",)),
        (("S", 6), ("        Tổ đảng lạc",)),
    ]
    assert rows.choose_nesting([cells for _key, cells in sheet]) == rows.INDENT
    placed = rows.outline(sheet, rows.INDENT)
    assert [p.parent for p in placed[:4]] == [None, ("S", 2), ("S", 3), None]
    assert placed[4].problem and placed[4].parent is None


def test_a_flat_sheet():
    sheet = [(("S", 2), ("Chi bộ 1",)), (("S", 3), ("Chi bộ 2",))]
    assert rows.choose_nesting([cells for _key, cells in sheet]) == rows.FLAT
    assert all(p.parent is None and not p.problem for p in rows.outline(sheet, rows.FLAT))


def test_numbers_in_a_cell_of_their_own():
    assert rows.is_number("1.2.3") and rows.is_number("4") and not rows.is_number("1.a")
    assert rows.split_number("1.2) Chi bộ A") == ("1.2", "Chi bộ A")
    assert rows.split_number("Chi bộ 3") == (None, "Chi bộ 3")


# ---------------------------------------------------------------------------------------------- the whole set

TARGET = Existing(pk=1, code="T", name="Đảng bộ tỉnh Thử", kind="committee", parent_code=None, depth=0)


def row(number, code, name, kind="", parent="", **extra) -> TreeRow:
    return TreeRow(
        key=("S", number),
        code=code,
        name=name,
        kind=rows.kind_of(kind) if kind else None,
        kind_text=kind,
        parent_code=parent or None,
        label=f"dòng {number}",
        **extra,
    )


def province_file() -> list[TreeRow]:
    """A province committee → 3 communes → 16 cells: 20 nodes."""
    out = [row(2, "P", "Đảng bộ tỉnh Mới", "Đảng bộ tỉnh")]
    number = 3
    for c in range(1, 4):
        out.append(row(number, f"P-X{c}", f"Đảng bộ xã {c}", "Đảng bộ xã", "P"))
        number += 1
        for k in range(1, 6 + (c == 1)):
            out.append(row(number, f"P-X{c}-C{k}", f"Chi bộ Thôn {k}", "Chi bộ", f"P-X{c}"))
            number += 1
    return out


def validate(file_rows, existing=(), outside=(), taken=lambda code: False):
    known = {TARGET.code: TARGET, **{node.code: node for node in existing}}
    return rules.validate(file_rows, target=TARGET, existing=known, outside=outside, taken=taken)


def test_a_new_province_is_created_under_the_target_parents_first():
    file_rows = province_file()
    assert len(file_rows) == 20
    verdicts = validate(file_rows)
    assert {v.fate for v in verdicts.values()} == {CREATE}
    assert not any(v.errors for v in verdicts.values())
    province = verdicts[("S", 2)]
    assert (province.parent_code, province.depth, province.kind) == ("T", 1, "committee")
    cell = verdicts[("S", 4)]
    assert (cell.parent_code, cell.depth, cell.kind, cell.code) == ("P-X1", 3, "cell", "P-X1-C1")


def test_duplicate_codes_refuse_every_row_of_the_code_and_the_rows_below():
    file_rows = province_file()
    file_rows.append(row(40, "P-X2", "Đảng bộ xã trùng", "Đảng bộ", "P"))
    verdicts = validate(file_rows)
    for key in (("S", 10), ("S", 40)):
        assert verdicts[key].fate == REFUSED
        assert "P-X2" in verdicts[key].errors[0][1] and "dòng 10" in verdicts[key].errors[0][1]
    below = [v for v in verdicts.values() if v.fate == REFUSED and v.key not in (("S", 10), ("S", 40))]
    assert below and all("dòng" in v.errors[0][1] for v in below)
    assert verdicts[("S", 3)].fate == CREATE


def test_an_orphan_is_refused():
    verdicts = validate([row(2, "A", "Chi bộ A", "Chi bộ", "NOWHERE")])
    assert verdicts[("S", 2)].fate == REFUSED
    assert verdicts[("S", 2)].errors[0][0] == "parent_code" and "NOWHERE" in verdicts[("S", 2)].errors[0][1]


def test_a_parent_outside_the_target_or_a_code_used_outside_is_refused():
    verdicts = validate(
        [row(2, "A", "Chi bộ A", "Chi bộ", "ELSEWHERE"), row(3, "USED", "Chi bộ B", "Chi bộ")],
        outside={"ELSEWHERE", "USED"},
    )
    assert all(v.fate == REFUSED for v in verdicts.values())


def test_a_cycle_is_refused():
    verdicts = validate(
        [
            row(2, "A", "Đảng bộ A", "Đảng bộ", "B"),
            row(3, "B", "Đảng bộ B", "Đảng bộ", "A"),
            row(4, "C", "Chi bộ C", "Chi bộ", "A"),
            row(5, "D", "Đảng bộ D", "Đảng bộ", "D"),
            row(6, "E", "Đảng bộ E", "Đảng bộ"),
        ]
    )
    assert [verdicts[("S", n)].fate for n in range(2, 7)] == [REFUSED] * 4 + [CREATE]
    assert "dòng 2, dòng 3" in verdicts[("S", 2)].errors[0][1]
    assert verdicts[("S", 4)].errors[0][0] == "parent_code"  # under a row of the loop: refused with it


def test_only_party_groups_under_a_cell():
    verdicts = validate(
        [
            row(2, "C", "Chi bộ C", "Chi bộ"),
            row(3, "G", "Tổ đảng 1", "Tổ đảng", "C"),
            row(4, "X", "Đảng bộ X", "Đảng bộ", "C"),
            row(5, "Y", "Chi bộ Y", "Chi bộ", "C"),
            row(6, "Z", "Tổ đảng lạc", "Tổ đảng"),  # a party group directly under a committee
        ]
    )
    assert verdicts[("S", 3)].fate == CREATE
    assert [verdicts[("S", n)].fate for n in (4, 5, 6)] == [REFUSED] * 3
    assert "party group" in verdicts[("S", 4)].errors[0][1].lower() or "tổ đảng" in verdicts[("S", 4)].errors[0][1]


def test_an_unknown_kind_or_no_kind_at_all_is_refused():
    verdicts = validate([row(2, "A", "Ban Tuyên giáo", "Ban"), row(3, "B", "Ban Dân vận")])
    assert verdicts[("S", 2)].fate == REFUSED and "Ban" in verdicts[("S", 2)].errors[0][1]
    assert verdicts[("S", 3)].fate == REFUSED and verdicts[("S", 3)].errors[0][0] == "kind"
    # without a kind column, the name says it
    assert validate([row(2, "A", "Chi bộ Thôn 4")])[("S", 2)].kind == "cell"


EXISTING = [
    Existing(
        pk=2,
        code="XA",
        name="Đảng bộ xã An",
        kind="committee",
        parent_code="T",
        depth=1,
        child_kinds=frozenset({"cell"}),
    ),
    Existing(pk=3, code="XA1", name="Chi bộ 21", kind="cell", parent_code="XA", depth=2),
    Existing(pk=4, code="XB", name="Đảng bộ xã Bình", kind="committee", parent_code="T", depth=1),
]


def test_existing_rows_are_unchanged_or_updated_never_moved():
    verdicts = validate(
        [
            row(2, "XA", "Đảng bộ xã An", "Đảng bộ"),  # at the top of the file: an anchor, wherever it is
            row(3, "XA1", "Chi bộ 21 (Thôn Đông)", "Chi bộ", "XA"),  # renamed
            row(4, "XA2", "Chi bộ mới", "Chi bộ", "XA"),
            row(5, "XB", "Đảng bộ xã Bình", "Đảng bộ", "XA"),  # moved: refused
        ],
        existing=EXISTING,
    )
    assert verdicts[("S", 2)].fate == UNCHANGED and verdicts[("S", 2)].match.pk == 2
    assert verdicts[("S", 3)].fate == UPDATE
    assert verdicts[("S", 3)].changes == {"name": ("Chi bộ 21", "Chi bộ 21 (Thôn Đông)")}
    assert verdicts[("S", 4)].fate == CREATE and verdicts[("S", 4)].parent_code == "XA"
    assert (
        verdicts[("S", 5)].fate == REFUSED
        and "Move" in verdicts[("S", 5)].errors[0][1]
        or "Chuyển" in verdicts[("S", 5)].errors[0][1]
    )


def test_a_kind_change_must_fit_the_children():
    verdicts = validate([row(2, "XA", "Đảng bộ xã An", "Chi bộ")], existing=EXISTING)
    assert verdicts[("S", 2)].fate == REFUSED and verdicts[("S", 2)].errors[0][0] == "kind"
    verdicts = validate([row(2, "XB", "Đảng bộ xã Bình", "Chi bộ")], existing=EXISTING)
    assert verdicts[("S", 2)].fate == UPDATE and verdicts[("S", 2)].changes["kind"] == ("committee", "cell")


def test_rows_without_codes_are_matched_by_name_under_their_parent_or_given_a_code():
    file_rows = [
        row(2, "", "Đảng bộ xã An", "Đảng bộ"),
        row(3, "", "Chi bộ 21", parent_key=("S", 2)),
        row(4, "", "Chi bộ Thôn Mới", parent_key=("S", 2)),
        row(5, "", "Chi bộ Thôn Mới 2", parent_key=("S", 2)),
    ]
    verdicts = validate(file_rows, existing=EXISTING, taken=lambda code: code == "XA-1")
    assert verdicts[("S", 2)].fate == UNCHANGED and verdicts[("S", 3)].fate == UNCHANGED
    assert (verdicts[("S", 4)].fate, verdicts[("S", 4)].code) == (CREATE, "XA-2")  # XA-1 is taken elsewhere
    assert verdicts[("S", 5)].code == "XA-3" and verdicts[("S", 5)].generated_code
    assert verdicts[("S", 4)].warnings[0][0] == "code"


def test_two_rows_without_codes_may_not_share_a_name_under_one_parent():
    verdicts = validate([row(2, "", "Chi bộ 1", "Chi bộ"), row(3, "", "Chi bộ 1", "Chi bộ")])
    assert {v.fate for v in verdicts.values()} == {REFUSED}


def test_a_layout_problem_refuses_the_row():
    verdicts = validate([row(2, "A", "Chi bộ A", "Chi bộ", nesting_problem="Hàng này lệch hai bậc.")])
    assert verdicts[("S", 2)].fate == REFUSED and verdicts[("S", 2)].errors[0][1] == "Hàng này lệch hai bậc."


def test_links_helpers():
    assert rows.loops({1: 2, 2: 1, 3: 1, 4: None, 5: 5}) == [[1, 2], [5]]
    assert rows.top_down([3, 1, 2, 4], {3: 1, 1: None, 2: 3, 4: 9}) == [1, 3, 2, 4]
