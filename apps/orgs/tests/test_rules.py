import pytest

from apps.orgs.rules import tree as rules


@pytest.mark.parametrize(
    ("kind", "parent", "ok"),
    [
        ("committee", None, True),
        ("committee", "committee", True),
        ("cell", "committee", True),
        ("cell", None, False),
        ("cell", "cell", False),
        ("party_group", "cell", True),
        ("party_group", "committee", False),
        ("committee", "cell", False),
    ],
)
def test_kind_nesting(kind, parent, ok):
    assert rules.kind_fits_under(kind, parent) is ok


def test_cycles():
    assert rules.move_creates_cycle(node_path="00010002", target_path="00010002")
    assert rules.move_creates_cycle(node_path="00010002", target_path="000100020001")
    assert not rules.move_creates_cycle(node_path="00010002", target_path="00010003")


def test_board_threshold():
    assert not rules.board_required(8) and rules.board_required(9)
