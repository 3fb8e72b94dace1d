"""Reads for the scoring page: the meeting's score, its rubric's spec and the rows the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import overload

from django.db.models import QuerySet
from django.utils import timezone

from apps.common.scoping import VIEW
from apps.meetings.models import Meeting
from apps.quality.models import MeetingScore, Rubric
from apps.quality.queries.metrics import HELD, meeting_metrics
from apps.quality.queries.rubrics import rubric_for, rubric_spec
from apps.quality.rules.engine import RubricSpec, score_meeting
from apps.quality.rules.engine.scoring import annual_level, vn_number
from apps.quality.rules.engine.spec import COMPUTED
from apps.quality.rules.rubrics.labels import level_label
from apps.quality.rules.score import result_dict


def scores_for(user, action: str = VIEW) -> QuerySet[MeetingScore]:
    """The one lookup of meeting scores for views: those ``user`` may ``action``, with their rubric."""
    return MeetingScore.objects.visible_to(user, action).select_related("rubric")


@dataclass
class ItemRow:
    code: str
    title: str
    kind: str
    max_points: str
    proposed: dict
    override: dict | None


@dataclass
class CategoryRow:
    code: str
    title: str
    max_points: str
    proposed: str
    override: str | None
    items: list[ItemRow]


@dataclass
class ScorePage:
    score: MeetingScore | None
    rubric: Rubric | None
    spec: RubricSpec | None
    result: dict | None  # the proposed result, or a preview of it before anything is proposed
    categories: list[CategoryRow]
    metrics: dict = field(default_factory=dict)  # the record's metrics (the proposal's, or live before it)

    @property
    def unmeasured(self) -> set[str]:
        """Computed items whose metric the record cannot give (e.g. no earlier resolution in the system for
        "results vs last month"): the board may judge them by hand instead."""
        if self.spec is None:
            return set()
        return {i.code for i in self.spec.items() if i.kind == COMPUTED and self.metrics.get(i.metric) is None}

    @property
    def preview(self) -> bool:
        return self.score is None and self.result is not None

    def labels(self) -> dict[str, str]:
        """The levels by their names and the totals as the page writes them (proposed, supervisor's, final)."""
        score = self.score
        override = score.override_result if score is not None else None
        return {
            "proposed_level": level_label(self.result["level"]) if self.result else "",
            "proposed_total": shown_total(self.result),
            "override_level": level_label(override["level"]) if override is not None else "",
            "override_total": shown_total(override) if override is not None else "",
            "final_level": level_label(score.final_level) if score else "",
        }


@overload
def _shown(item: dict) -> dict: ...
@overload
def _shown(item: None) -> None: ...
def _shown(item: dict | None) -> dict | None:
    """An item's result with its points in Vietnamese notation ("4", "2,5")."""
    if not item:
        return item
    return {**item, "points": vn_number(Decimal(item["points"])), "max": vn_number(Decimal(item["max"]))}


def shown_total(result: dict | None) -> str:
    if not result:
        return ""
    return f"{vn_number(Decimal(result['total']))}/{vn_number(Decimal(result['max_points']))}"


def score_page(meeting: Meeting) -> ScorePage:
    """The score (1 query), the rubric (1: the score's, or the one in force), its parts (2), and — before a
    proposal — the live metrics of a held meeting (metrics.meeting_metrics, a fixed number)."""
    score = MeetingScore.objects.filter(meeting=meeting).select_related("rubric").first()
    if score is not None:
        rubric = score.rubric
    else:
        rubric = rubric_for(meeting.cell, timezone.localdate(meeting.scheduled_at), meeting.kind)
    if rubric is None:
        return ScorePage(score, None, None, None, [])
    spec = rubric_spec(rubric)
    metrics: dict = {}
    if score is not None:
        result, metrics = score.result, score.metrics
    elif meeting.status in HELD:
        metrics = meeting_metrics(meeting)
        result = result_dict(score_meeting(spec, metrics, {}))
    else:
        result = None
    override = score.override_result if score is not None else None
    categories = []
    for category in spec.categories:
        items = [
            ItemRow(
                code=item.code,
                title=item.title,
                kind=item.kind,
                max_points=vn_number(item.max_points),
                proposed=_shown((result or {}).get("items", {}).get(item.code, {})),
                override=_shown(override["items"].get(item.code)) if override else None,
            )
            for item in category.items
        ]
        categories.append(
            CategoryRow(
                code=category.code,
                title=category.title,
                max_points=vn_number(category.max_points),
                proposed=vn_number(Decimal(result["categories"][category.code])) if result else "",
                override=vn_number(Decimal(override["categories"][category.code])) if override else None,
                items=items,
            )
        )
    return ScorePage(score, rubric, spec, result, categories, metrics)


def cell_year_quality(cell, year: int) -> dict:
    """The cell's meeting quality for the year under its rubric's roll-up rule (DOMAIN.md §7, "monthly to annual").

    The levels are the final ones (the supervisor's where overridden) of the year's scored regular meetings; the
    rubric is the one in force for the cell at the end of the year. Two queries plus the rubric lookup."""
    scores = (
        MeetingScore.objects.filter(
            meeting__cell=cell, meeting__kind=Meeting.Kind.REGULAR, meeting__scheduled_at__year=year
        )
        .select_related("meeting")
        .order_by("meeting__scheduled_at")
    )
    levels = [s.final_level for s in scores if s.final_level]
    rubric = rubric_for(cell, date(year, 12, 31), "regular")
    if rubric is None or not levels:
        return {"meeting_levels": levels, "annual_level": None, "rubric": rubric.code if rubric else None}
    return {
        "meeting_levels": levels,
        "annual_level": annual_level(rubric_spec(rubric), levels),
        "rubric": rubric.code,
    }
