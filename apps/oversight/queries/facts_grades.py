"""An organisation's grades of a year (``OrgYear``) computed from the ratings (the cells' months:
apps/oversight/queries/facts.py).

Grades (``compute_org_years``): for each (organisation, year) with ratings, the members' ratings naming the
organisation (``AnnualRating.organization``: the member's cell when the rating was created) by decided level
(``members_<level>``; not decided yet: ``members_not_decided``), the organisation's own collective rating's decided
level (``own_level``, blank while not decided), ``is_cell``, and ``is_grassroots``: the rule of
``apps.grading.queries.grading.grassroots_of`` — a level label containing "cơ sở", else (nothing above labelled so)
the committee directly above cells. 4 queries per batch of ``YEAR_BATCH`` pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone

from apps.common.text import search_key
from apps.grading.models import AnnualRating, Level
from apps.orgs.models import Organization
from apps.oversight.models import OrgYear

YEAR_BATCH = 400  # (organisation, year) pairs per batch
GRADE_LEVELS = tuple(Level.values)


def _co_so(label: str) -> bool:
    return "co so" in search_key(label)


def compute_org_years(pairs: Iterable[tuple[int, int]]) -> list[OrgYear]:
    """Unsaved ``OrgYear`` rows of the (organisation id, year) pairs that have ratings (module docstring)."""
    wanted = sorted(set(pairs))
    now = timezone.now()
    out: list[OrgYear] = []
    for start in range(0, len(wanted), YEAR_BATCH):
        batch = wanted[start : start + YEAR_BATCH]
        out += _year_batch(batch, now)
    return out


def _year_batch(pairs: Sequence[tuple[int, int]], now: datetime) -> list[OrgYear]:
    wanted = set(pairs)
    counts: dict[tuple[int, int], dict[str, Any]] = {}
    for org_id, year, collective, status, level in AnnualRating.objects.filter(
        organization_id__in={o for o, _ in pairs}, year__in={y for _, y in pairs}
    ).values_list("organization_id", "year", "is_collective", "status", "decision_level"):
        if (org_id, year) not in wanted:
            continue
        row = counts.setdefault(
            (org_id, year), {**{f"members_{lv}": 0 for lv in GRADE_LEVELS}, "members_not_decided": 0, "own_level": ""}
        )
        decided = status == AnnualRating.Status.DECIDED and level in GRADE_LEVELS
        if collective:
            row["own_level"] = level if decided else ""
        elif decided:
            row[f"members_{level}"] += 1
        else:
            row["members_not_decided"] += 1
    if not counts:
        return []
    orgs = {
        pk: (path, kind, label, depth)
        for pk, path, kind, label, depth in Organization.objects.filter(pk__in={o for o, _ in counts}).values_list(
            "pk", "path", "kind", "level_label", "depth"
        )
    }
    grassroots = _grassroots(orgs)
    return [
        OrgYear(
            organization_id=org_id,
            year=year,
            is_cell=orgs[org_id][1] == Organization.Kind.CELL,
            is_grassroots=grassroots[org_id],
            computed_at=now,
            **row,
        )
        for (org_id, year), row in sorted(counts.items())
        if org_id in orgs
    ]


def _grassroots(orgs: dict[int, tuple[str, str, str, int]]) -> dict[int, bool]:
    """Whether each organisation is a grassroots organisation (``grading.queries.grading.grassroots_of``'s rule),
    in two queries: the labels of their ancestors, then the cells directly below the committees left to decide."""
    step = Organization.steplen
    ancestors = {path[:end] for path, *_ in orgs.values() for end in range(step, len(path), step)}
    co_so_paths = {
        path
        for path, label in Organization.objects.filter(path__in=ancestors).values_list("path", "level_label")
        if _co_so(label)
    }
    out: dict[int, bool] = {}
    undecided: dict[str, int] = {}
    for pk, (path, kind, label, depth) in orgs.items():
        if _co_so(label):
            out[pk] = True
        elif any(path[:end] in co_so_paths for end in range(step, len(path), step)):
            out[pk] = False
        elif kind == Organization.Kind.CELL:
            out[pk] = depth == 1  # a cell at the top is its own grassroots organisation
        else:
            out[pk] = False
            undecided[path] = pk
    if undecided:
        below = reduce(
            or_,
            (Q(path__startswith=path, depth=orgs[pk][3] + 1) for path, pk in undecided.items()),
        )
        for path, label in Organization.objects.filter(below, kind=Organization.Kind.CELL).values_list(
            "path", "level_label"
        ):
            if not _co_so(label):
                out[undecided[path[:-step]]] = True
    return out
