"""Who may take which grading step (DOMAIN.md §8). Place is checked by scoping; these are the step rules."""

from apps.common.scoping import MANAGE, RESTRUCTURE, allows


def can_self_assess(user, rating) -> bool:
    """A member on their own rating; for an organisation, its managers (the cell secretary for the cell)."""
    if rating.member_id:
        return rating.member.user_id is not None and rating.member.user_id == user.pk
    return allows(user, MANAGE, rating.organization.path)


def can_appraise(user, rating) -> bool:
    """The cell board (manage rights on the cell) for a member; the committee above for an organisation."""
    if rating.member_id:
        return allows(user, MANAGE, rating.organization.path)
    return _above(user, rating.organization.path)


def can_decide(user, rating) -> bool:
    """The level above: committee staff (restructure rights) on a node strictly above the organisation concerned
    (for a member, above their cell)."""
    return _above(user, rating.organization.path)


def _above(user, path: str) -> bool:
    parent = path[:-4]
    return bool(parent) and allows(user, RESTRUCTURE, parent)
