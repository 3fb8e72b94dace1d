"""Reads of inspections and supervision: the one lookup of inspections, each with its required remedies and where
the inspected cell stands with them (remedies are followed up like directives: queries/follow.py), the cells that
may be inspected, and the resolutions an inspection may be about. The counts are bounded (a fixed number of queries
whatever the number of rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from apps.common.scoping import VIEW, subtree_filter
from apps.orgs.models import Organization
from apps.resolutions.models import Inspection, Resolution, Task
from apps.resolutions.queries.follow import Assignment, assignments, cells_under, committee_completion
from apps.resolutions.rules import follow as rules


def inspections_for(user, action: str = VIEW) -> QuerySet[Inspection]:
    """The one lookup of inspections for views: those ``user`` may ``action`` (a plain member sees none), with the
    organisation inspected and the resolution whose implementation was inspected."""
    return Inspection.objects.visible_to(user, action).select_related("organization", "resolution")


@dataclass(frozen=True)
class InspectionRow:
    inspection: Inspection
    remedies: list[Assignment] = field(default_factory=list)

    @property
    def rollup(self) -> rules.TaskRollup:
        return rules.task_rollup((r.status, r.done_late) for r in self.remedies)


def _remedies(user) -> Prefetch:
    """The remedies with their status facts and the cells' follow-ups (two queries for any number)."""
    remedies = assignments(user, Task.objects.visible_to(user, VIEW)).order_by("deadline", "pk")
    return Prefetch("remedies", queryset=remedies)


def _row(inspection: Inspection, today: date) -> InspectionRow:
    return InspectionRow(inspection, [committee_completion(t, today=today) for t in inspection.remedies.all()])


def inspection_rows(user, organization: Organization, *, today: date | None = None) -> list[InspectionRow]:
    """Inspections of the organisation's subtree, each with its remedies' status: three queries."""
    today = today or timezone.localdate()
    inspections = inspections_for(user).filter(subtree_filter(Inspection.scope_path, organization.path))
    return [_row(i, today) for i in inspections.prefetch_related(_remedies(user))]


def inspection_row(user, inspection: Inspection, *, today: date | None = None) -> InspectionRow:
    """One inspection (looked up through ``inspections_for``) with its remedies' status: two queries."""
    prefetch_related_objects([inspection], _remedies(user))
    return _row(inspection, today or timezone.localdate())


def inspectable_cells(user, organization: Organization) -> list[Organization]:
    """The cells an inspection of the organisation may be of: the cell itself, or the cells of its subtree."""
    return [organization] if organization.is_cell else list(cells_under(user, organization))


def resolutions_of(user, organization: Organization) -> QuerySet[Resolution]:
    """The organisation's own resolutions (choices for "the resolution whose implementation is inspected")."""
    return Resolution.objects.visible_to(user, VIEW).filter(organization=organization)
