"""Who may take which grading step (DOMAIN.md §8), as `rules` predicates. Place is checked by scoping; these are the
step rules. A step's form is offered only while the rating is at that step (``grading.<step>``); the services check
the person (``self_assesses``, ``appraises``, ``decides``) and say why a step at the wrong moment is refused."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, allows
from apps.grading.models import AnnualRating
from apps.orgs.models import Organization
from apps.orgs.permissions import restructures_org


@rules.predicate
def self_assesses(user, rating) -> bool:
    """A member on their own rating; for an organisation, its managers (the cell secretary for the cell)."""
    if rating.member_id:
        return rating.member.user_id is not None and rating.member.user_id == user.pk
    return allows(user, MANAGE, rating.organization.path)


@rules.predicate
def appraises(user, rating) -> bool:
    """The cell board (manage rights on the cell) for a member; the committee above for an organisation."""
    if rating.member_id:
        return allows(user, MANAGE, rating.organization.path)
    return _above(user, rating.organization.path)


@rules.predicate
def decides(user, rating) -> bool:
    """The level above: committee staff (restructure rights) on a node strictly above the organisation concerned
    (for a member, above their cell)."""
    return _above(user, rating.organization.path)


def _above(user, path: str) -> bool:
    parent = path[: -Organization.steplen]
    return bool(parent) and allows(user, RESTRUCTURE, parent)


@rules.predicate
def self_assessment_open(_user, rating) -> bool:
    return rating.status in (AnnualRating.Status.DRAFT, AnnualRating.Status.SELF_ASSESSED)


@rules.predicate
def appraisal_open(_user, rating) -> bool:
    return rating.status in (AnnualRating.Status.SELF_ASSESSED, AnnualRating.Status.APPRAISED)


@rules.predicate
def decision_open(_user, rating) -> bool:
    return rating.status == AnnualRating.Status.APPRAISED


rules.add_perm("grading.self_assess", self_assessment_open & self_assesses)
rules.add_perm("grading.appraise", appraisal_open & appraises)
rules.add_perm("grading.decide", decision_open & decides)
# Discipline decisions are recorded by committee staff: restructure rights on the organisation concerned or on its
# parent (a grant on the parent covers the organisation, so one test on the organisation's path suffices).
rules.add_perm("grading.record_discipline", restructures_org)
