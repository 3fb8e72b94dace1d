"""Reads of targets: each target with its latest actual (one query, a correlated subquery per figure), the share
and outcome from the pure rules, and roll-ups "n exceeded, m met, k missed" per resolution and per organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, overload

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import VIEW, subtree_filter
from apps.orgs.models import Organization
from apps.resolutions.models import Resolution, Target, TargetActual
from apps.resolutions.rules import follow as rules

if TYPE_CHECKING:  # the stubs' name for a lazy translation; django-stubs-ext is a dev requirement only
    from django_stubs_ext import StrPromise, WithAnnotations

OUTCOME_LABELS = {
    rules.EXCEEDED: _("exceeded"),
    rules.MET: _("met"),
    rules.MISSED: _("missed"),
    rules.NO_DATA: _("no data yet"),
}


@overload
def trim(amount: Decimal) -> Decimal: ...
@overload
def trim(amount: None) -> None: ...
def trim(amount: Decimal | None) -> Decimal | None:
    """An amount without trailing zeros for display: 150.50 → 150.5, 231.00 → 231 (shown "150,5", "231")."""
    if amount is None:
        return None
    amount = Decimal(amount)
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


@dataclass(frozen=True)
class TargetRow:
    target: Target
    actual: Decimal | None
    actual_on: date | None
    actual_note: str
    share: Decimal | None
    outcome: str

    @property
    def outcome_label(self) -> StrPromise:
        return OUTCOME_LABELS[self.outcome]

    @property
    def value_shown(self) -> Decimal:
        return trim(self.target.value)

    @property
    def actual_shown(self) -> Decimal | None:
        return trim(self.actual)


class LatestActual(TypedDict):
    """What ``with_latest_actual`` adds to each target."""

    latest_value: Decimal | float | str | None
    latest_on: date | None
    latest_note: str | None


def with_latest_actual(
    targets: QuerySet[Target], *, as_of: date | None = None
) -> QuerySet[WithAnnotations[Target, LatestActual]]:
    """Annotate each target with its latest actual (newest date; as of a date when given): value, date, note."""
    latest = TargetActual.objects.filter(target=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(on__lte=as_of)
    latest = latest.order_by("-on", "-pk")
    return targets.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("on")[:1]),
        latest_note=Subquery(latest.values("note")[:1]),
    )


def row_of(target: WithAnnotations[Target, LatestActual]) -> TargetRow:
    """The figures of a target annotated by ``with_latest_actual``."""
    actual = target.latest_value
    if actual is not None and not isinstance(actual, Decimal):  # SQLite may hand back a float or a string
        actual = Decimal(str(actual))
    return TargetRow(
        target=target,
        actual=actual,
        actual_on=target.latest_on,
        actual_note=target.latest_note or "",
        share=rules.target_share(value=target.value, actual=actual, direction=target.direction),
        outcome=rules.target_outcome(value=target.value, actual=actual, direction=target.direction),
    )


def resolution_targets(user, resolution: Resolution) -> tuple[list[TargetRow], rules.Rollup]:
    """The resolution's targets with their latest actual, and the roll-up (one query)."""
    targets = with_latest_actual(Target.objects.visible_to(user, VIEW).filter(resolution=resolution))
    rows = [row_of(t) for t in targets]
    return rows, rules.rollup(r.outcome for r in rows)


def targets_for(user, action: str = VIEW) -> QuerySet[WithAnnotations[Target, LatestActual]]:
    """The one lookup of targets for views: those ``user`` may ``action``, with their resolution, organisation and
    latest actual."""
    return with_latest_actual(Target.objects.visible_to(user, action).select_related("resolution", "organization"))


@dataclass(frozen=True)
class ActualRow:
    actual: TargetActual

    @property
    def value_shown(self) -> Decimal:
        return trim(self.actual.value)


def actuals_of(target: Target) -> list[ActualRow]:
    """The values over time, newest first."""
    return [ActualRow(a) for a in target.actuals.select_related("author").order_by("-on", "-pk")]


# ---------------------------------------------------------------------------------------------- per organisation


@dataclass
class ResolutionGroup:
    resolution: Resolution
    rows: list[TargetRow] = field(default_factory=list)

    @property
    def rollup(self) -> rules.Rollup:
        return rules.rollup(r.outcome for r in self.rows)


@dataclass
class OrgGroup:
    """A sub-organisation (a cell or a lower committee with its subtree), or the organisation itself."""

    organization: Organization
    resolutions: list[ResolutionGroup] = field(default_factory=list)

    @property
    def rows(self) -> list[TargetRow]:
        return [row for group in self.resolutions for row in group.rows]

    @property
    def rollup(self) -> rules.Rollup:
        return rules.rollup(r.outcome for r in self.rows)


@dataclass
class OrgTargets:
    organization: Organization
    year: int
    groups: list[OrgGroup]

    @property
    def rollup(self) -> rules.Rollup:
        return rules.rollup(r.outcome for g in self.groups for r in g.rows)


def org_targets(user, organization: Organization, *, year: int) -> OrgTargets:
    """Targets of the year (their period overlaps it) of the adopted resolutions in the organisation's subtree,
    each with its latest actual as of the year's end, grouped per direct sub-organisation and per resolution.

    Two queries whatever the size: the sub-organisations, then the targets (with resolution, organisation and
    the latest actual by subquery); the grouping is done in Python by path prefix. Drafts are left out (not
    voted yet); a superseded original still counts, because its amendment keeps the targets on it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    children = list(
        Organization.objects.visible_to(user, VIEW).filter(
            subtree_filter("path", organization.path), depth=organization.depth + 1
        )
    )
    targets = with_latest_actual(
        Target.objects.visible_to(user, VIEW)
        .filter(subtree_filter(Target.scope_path, organization.path))
        .filter(period_start__lte=end, period_end__gte=start)
        .exclude(resolution__status=Resolution.Status.DRAFT)
        .select_related("resolution", "organization")
        .order_by("organization__path", "resolution__period_start", "resolution_id", "pk"),
        as_of=end,
    )
    step = len(organization.path) + Organization.steplen
    by_path: dict[str, OrgGroup] = {organization.path: OrgGroup(organization)}
    for child in children:
        by_path[child.path] = OrgGroup(child)
    for target in targets:
        path = target.organization.path
        key = path if path == organization.path else path[:step]
        group = by_path.get(key)
        if group is None:  # a sub-organisation the user cannot see as a node: show it under its own name
            group = by_path[key] = OrgGroup(target.organization)
        resolution_group = next((r for r in group.resolutions if r.resolution.pk == target.resolution_id), None)
        if resolution_group is None:
            resolution_group = ResolutionGroup(target.resolution)
            group.resolutions.append(resolution_group)
        resolution_group.rows.append(row_of(target))
    groups = [by_path[organization.path], *(by_path[p] for p in sorted(by_path) if p != organization.path)]
    return OrgTargets(organization, year, [g for g in groups if g.resolutions])
