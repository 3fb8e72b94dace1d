"""Grading steps (DOMAIN.md §8): create with evidence, self-assess, appraise, decide."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.grading import permissions
from apps.grading.models import AnnualRating, GradingRule
from apps.grading.queries import grading as queries
from apps.grading.rules import grading as rules
from apps.members.models import Member
from apps.orgs.models import Organization


def rule_for(year: int) -> GradingRule:
    rule = queries.rule_for(year)
    if rule is None:
        raise ValidationError(_("No grading rule is in force for this year."))
    return rule


@transaction.atomic
def rating_create_for_member(*, member: Member, year: int, quality: dict | None = None) -> AnnualRating:
    reason = queries.not_gradable_reason(member, year)
    if reason:
        raise ValidationError(_("This member is not graded: %(reason)s.") % {"reason": reason})
    if AnnualRating.objects.filter(member=member, year=year).exists():
        raise ValidationError(_("A rating for this year already exists."))
    return AnnualRating.objects.create(
        member=member,
        organization=member.cell,
        year=year,
        rule=rule_for(year),
        evidence=queries.evidence_for_member(member, year, quality=quality),
    )


@transaction.atomic
def rating_create_for_organization(*, organization: Organization, year: int) -> AnnualRating:
    if AnnualRating.objects.filter(organization=organization, is_collective=True, year=year).exists():
        raise ValidationError(_("A rating for this year already exists."))
    return AnnualRating.objects.create(
        organization=organization,
        is_collective=True,
        year=year,
        rule=rule_for(year),
        evidence=queries.evidence_for_cell(organization, year),
    )


@transaction.atomic
def ratings_start(*, organization: Organization, year: int) -> int:
    """Draft ratings for every gradable member of a cell, or for the organisations directly under a committee
    (its cells). Returns how many."""
    created = 0
    if organization.is_cell:
        taken = set(AnnualRating.objects.filter(year=year, member__cell=organization).values_list("member", flat=True))
        members = list(Member.objects.filter(cell=organization, active=True).exclude(pk__in=taken))
        excluded = queries.not_graded([m.pk for m in members], year)
        quality = queries.cell_quality(organization, year)  # the same for every member of the cell
        for member in members:
            if member.pk not in excluded:
                rating_create_for_member(member=member, year=year, quality=quality)
                created += 1
    else:
        taken = set(AnnualRating.objects.filter(year=year, is_collective=True).values_list("organization", flat=True))
        children = Organization.objects.filter(
            path__startswith=organization.path, depth=organization.depth + 1, active=True
        )
        for cell in children.exclude(pk__in=taken):
            rating_create_for_organization(organization=cell, year=year)
            created += 1
    return created


def _points(points) -> Decimal:
    points = Decimal(points)
    if not 0 <= points <= 100:
        raise ValidationError({"points": _("Points are between 0 and 100.")})
    return points


def _proposed(rating: AnnualRating, points: Decimal, facts: dict | None = None) -> str:
    """The level the rule gives for the points, the year's evidence and what people judged (disunity)."""
    rating.disunity = bool((facts or {}).get("disunity", rating.disunity))
    return rules.grade(points, {**rating.evidence, "disunity": rating.disunity}, rating.rule.levels)


@transaction.atomic
def rating_self_assess(
    *, rating: AnnualRating, user, points, note: str = "", facts: dict | None = None
) -> AnnualRating:
    if not permissions.self_assesses(user, rating):
        raise ValidationError(_("You cannot self-assess this rating."))
    if rating.status not in (AnnualRating.Status.DRAFT, AnnualRating.Status.SELF_ASSESSED):
        raise ValidationError(_("The rating has already been appraised."))
    rating.self_points = _points(points)
    rating.self_level = _proposed(rating, rating.self_points, facts)
    rating.self_note, rating.self_by, rating.status = note, user, AnnualRating.Status.SELF_ASSESSED
    rating.save()
    return rating


@transaction.atomic
def rating_appraise(*, rating: AnnualRating, user, points, note: str = "", facts: dict | None = None) -> AnnualRating:
    if not permissions.appraises(user, rating):
        raise ValidationError(_("You cannot appraise this rating."))
    if rating.status not in (AnnualRating.Status.SELF_ASSESSED, AnnualRating.Status.APPRAISED):
        raise ValidationError(_("The self-assessment comes first."))
    rating.appraisal_points = _points(points)
    rating.appraisal_level = _proposed(rating, rating.appraisal_points, facts)
    rating.appraisal_note, rating.appraisal_by, rating.status = note, user, AnnualRating.Status.APPRAISED
    rating.save()
    return rating


def _check_quota(rating: AnnualRating, level: str) -> None:
    """The HTXSNV quota of the rule (a setting; None switches it off), counted over the members' ratings of the
    year in the grassroots organisation of the rated member: the decided levels, and the appraised level of the
    ratings not decided yet (so that the level above may decide in any order)."""
    percent = rating.rule.levels.get("quota_htxsnv_percent_of_httnv")
    if rating.is_collective or level != rules.HTXSNV or percent is None:
        return
    unit = queries.grassroots_of(rating.organization)
    Organization.objects.select_for_update().filter(pk=unit.pk).first()  # one decider at a time per unit
    decided, expected = queries.member_levels_in(unit, rating.year, exclude=rating.pk)
    quota = rules.htxsnv_quota(decided, expected, rating.rule.levels, adding=level)
    if not quota.ok:
        raise ValidationError(
            {
                "level": _(
                    "The HTXSNV quota of %(org)s is reached: at most %(limit)d members (%(percent)s%% of those "
                    "graded HTTNV or better), %(count)d already decided."
                )
                % {"org": unit.name, "limit": quota.limit, "percent": percent, "count": quota.count - 1}
            }
        )


@transaction.atomic
def rating_decide(*, rating: AnnualRating, user, level: str, note: str = "") -> AnnualRating:
    if not permissions.decides(user, rating):
        raise ValidationError(_("Only the level above decides the grade."))
    if rating.status != AnnualRating.Status.APPRAISED:
        raise ValidationError(_("The appraisal comes first."))
    codes = rules.level_codes(rating.rule.levels)
    if level not in codes:
        raise ValidationError({"level": _("Choose a level.")})
    if rules.rank(level, rating.rule.levels) < rules.rank(rating.appraisal_level, rating.rule.levels) and not note:
        raise ValidationError({"note": _("Give the reason for deciding a level above the appraisal.")})
    _check_quota(rating, level)
    rating.decision_level, rating.decision_note = level, note
    rating.decision_by, rating.decision_at = user, timezone.now()
    rating.status = AnnualRating.Status.DECIDED
    rating.save()
    return rating
