"""Rules of the party tree, as plain functions (no ORM, no request)."""

# Which kinds may sit under which: committees nest freely; cells sit under committees; party groups under cells.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str | None]] = {
    "committee": frozenset({None, "committee"}),
    "cell": frozenset({"committee"}),
    "party_group": frozenset({"cell"}),
}


def kind_fits_under(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENT_KINDS.get(kind, frozenset())


def move_creates_cycle(*, node_path: str, target_path: str) -> bool:
    """Moving a node under itself or under one of its descendants would cut the subtree off the tree."""
    return target_path.startswith(node_path)


def board_required(official_members: int) -> bool:
    """Cells with 9 or more official members elect a board (chi ủy); smaller ones only a secretary (DOMAIN.md §2)."""
    return official_members >= 9
