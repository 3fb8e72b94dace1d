"""Demo meeting scores: every held regular and thematic meeting of the demo with a rubric in force, scored as the
services would score it (metrics from the record in bulk, judged items plausible for the cell, the engine through
``services_score``'s helpers), at a realistic step of the workflow. Bulk-inserted; deterministic for a seed.

The Phú Thọ agencies' bloc sheet (a library sheet) is copied by each agency's grassroots committee of the demo to
itself (the demo tree has no agencies' bloc committee holding them all, and sheets are copied to committees, not
cells), so the cells of those committees are scored on it and every other cell on the default sheet in force
(HD-42 ward sheet from 28/10/2025, HD-12 before)."""

from __future__ import annotations

import bisect
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.meetings.models import Meeting
from apps.meetings.rules import votes as meeting_rules_votes
from apps.orgs.models import Organization
from apps.quality.models import MeetingScore, Rubric
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.queries.metrics import gather, metrics_from
from apps.quality.rules.engine import RubricSpec
from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST, JUDGED_NUMBER
from apps.quality.rules.rubrics import shipped as rubrics_data
from apps.quality.rules.score import result_dict
from apps.quality.services import rubrics as services
from apps.quality.services.score import _score

if TYPE_CHECKING:
    from apps.demo.oversight import Story

CELLS_PER_BATCH = 25  # metrics gathered for ~400 meetings at a time (SQLite limits the parameters of a query)
PROPOSED_ONLY_DAYS = 25  # the latest meetings are proposed, not yet adopted or confirmed (the month before is)
AGENCY_CODE = re.compile(r"^PT\d\dA\d\d$")  # apps.demo.tree._district: the district's agency organisations
OVERRIDE_LOWER = [
    "Thảo luận còn hình thức, ít ý kiến phê bình và tự phê bình; chấm lại mục thảo luận.",
    "Chủ trì chưa kết luận rõ từng nội dung, nhiệm vụ giao chưa cụ thể người thực hiện.",
    "Chưa báo cáo kết quả thực hiện nghị quyết tháng trước theo từng nhiệm vụ.",
]
OVERRIDE_HIGHER = [
    "Chi bộ tự chấm thấp hơn thực tế: thảo luận sôi nổi, nhiều ý kiến xây dựng có chất lượng.",
    "Nội dung chuẩn bị chu đáo, kết luận rõ ràng; đề nghị nâng mức chấm phần điều hành.",
]


@dataclass
class ScoreCounts:
    scores: int = 0
    adopted: int = 0
    confirmed: int = 0
    overridden: int = 0
    levels: dict[str, int] | None = None


def attach_agency_sheet(nodes: Sequence[Organization]) -> list[Rubric]:
    """Each agency's grassroots committee of the demo copies the library sheet PT-KHOI-CQ to itself, as committee
    staff do on the rubric's page (views_rubrics.rubric_copy: ``rubric_dict`` + ``rubric_import`` under the code
    "<sheet>-<committee>", issuer and subtree the committee). Returns the copies."""
    library = (
        Rubric.objects.filter(code=rubrics_data.PT_KHOI_CQ["code"], applies_to__isnull=True)
        .order_by("-version")
        .first()
    )
    if library is None:
        return []
    data = queries_rubrics.rubric_dict(library)
    return [
        services.rubric_import(
            data={**data, "code": f"{library.code}-{org.code}"[:40], "version": 1}, issuer=org, applies_to=org
        )
        for org in nodes
        if org.kind == "committee" and AGENCY_CODE.match(org.code)
    ]


class _RubricLookup:
    """``queries_rubrics.rubric_for``, asked once per distinct answer: the answer depends on a cell only through the
    ancestors that have sheets attached, and on the date only through the sheets' start and end dates."""

    def __init__(self):
        rubrics = list(Rubric.objects.select_related("applies_to"))
        self.attached = {r.applies_to.path for r in rubrics if r.applies_to}
        self.bounds = sorted(
            {r.effective_from for r in rubrics}
            | {r.effective_to + timedelta(days=1) for r in rubrics if r.effective_to}
        )
        self.cache: dict[tuple, Rubric | None] = {}
        self.anchors: dict[int, tuple[str, ...]] = {}

    def __call__(self, cell: Organization, day: date, kind: str) -> Rubric | None:
        if cell.pk not in self.anchors:
            steplen = Organization.steplen
            ancestors = (cell.path[:end] for end in range(steplen, len(cell.path) + 1, steplen))
            self.anchors[cell.pk] = tuple(p for p in ancestors if p in self.attached)
        key = (self.anchors[cell.pk], bisect.bisect_right(self.bounds, day), kind)
        if key not in self.cache:
            self.cache[key] = queries_rubrics.rubric_for(cell, day, kind)
        return self.cache[key]


def diligence_of(rng: random.Random) -> float:
    """How well a demo cell works (0–1): most cells well, about one in seven consistently weaker."""
    return rng.uniform(0.45, 0.68) if rng.random() < 0.15 else rng.uniform(0.8, 0.98)


def _judged(spec: RubricSpec, rng: random.Random, quality: float) -> dict[str, Any]:
    """Judged items for a meeting of a cell of the given quality (0–1): points rounded to halves, checklist lines
    ticked with that probability (a little more often)."""
    judged: dict[str, Any] = {}
    for item in spec.items():
        q = min(1.0, max(0.2, rng.gauss(quality, 0.06)))
        if item.kind == JUDGED_NUMBER:
            judged[item.code] = str(min(item.max_points, round(float(item.max_points) * q * 2) / 2))
        elif item.kind == JUDGED_CHECKLIST:
            judged[item.code] = [rng.random() < q + 0.1 for _ in item.checklist]
    return judged


def _moved(spec: RubricSpec, metrics: dict, judged: dict, level: str, lower: bool):
    """Judged items moved step by step towards 0 (or their maximum) until the level changes: (judged, result)."""
    for step in range(1, 6):
        moved: dict[str, Any] = {}
        for item in spec.items():
            if item.code not in judged:
                continue
            if item.kind == COMPUTED:  # judged by hand for want of data: the supervisor leaves it
                moved[item.code] = judged[item.code]
            elif item.kind == JUDGED_NUMBER:
                value = float(judged[item.code])
                target = 0.0 if lower else float(item.max_points)
                moved[item.code] = str(round((value + (target - value) * step / 5) * 2) / 2)
            else:
                ticks = list(judged[item.code])
                flip = [i for i, t in enumerate(ticks) if t == lower][: (len(ticks) * step + 4) // 5]
                moved[item.code] = [(not t) if i in flip else t for i, t in enumerate(ticks)]
        result = _score(spec, metrics, moved)  # normalises ``moved`` in place
        if result.level != level:
            break
    return moved, result


def _overridden(spec: RubricSpec, metrics: dict, judged: dict, level: str, rng: random.Random):
    """The supervisor's judgement: usually a level lower, sometimes higher (the other way when the level cannot
    move that way, e.g. a knock-out holds it). Returns (judged, result, reason)."""
    lower = rng.random() < 0.7
    moved, result = _moved(spec, metrics, judged, level, lower)
    if result.level == level:
        lower = not lower
        moved, result = _moved(spec, metrics, judged, level, lower)
    return moved, result, rng.choice(OVERRIDE_LOWER if lower else OVERRIDE_HIGHER)


def build_scores(
    *,
    rng: random.Random,
    as_of: date,
    cells: Sequence[Organization],
    supervisors: dict[int, Any] | None = None,
    secretaries: dict[int, Any] | None = None,
    diligence: dict[int, float] | None = None,
    story: Story | None = None,
) -> ScoreCounts:
    """Score every closed regular and thematic meeting of the cells that has a rubric in force.

    ``supervisors``/``secretaries``: the demo's user accounts by cell id (confirmed_by, proposed_by/adopted_by);
    elsewhere those stay empty (the cell's people have no account in the demo). ``story`` (apps/demo/oversight.py):
    the weak cells' meetings judged worse month after month, and the cells whose recent scores nobody confirmed."""
    supervisors, secretaries = supervisors or {}, secretaries or {}
    counts = ScoreCounts()
    levels: Counter[str] = Counter()
    # Cell quality: most cells good, some consistently weaker (the same per cell as its meetings and tasks).
    quality = diligence or {c.pk: diligence_of(rng) for c in cells}
    cell_by_id = {c.pk: c for c in cells}
    rubric_for = _RubricLookup()
    specs: dict[int, RubricSpec] = {}
    rows: list[MeetingScore] = []
    cell_ids = sorted(cell_by_id)
    for start in range(0, len(cell_ids), CELLS_PER_BATCH):
        batch = list(
            Meeting.objects.filter(
                cell_id__in=cell_ids[start : start + CELLS_PER_BATCH],
                kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC),
                status=Meeting.Status.CLOSED,
            ).order_by("cell_id", "scheduled_at", "kind", "pk")
        )
        if not batch:  # cells with no closed meeting yet (seeded on New Year's Day: nothing held this year)
            continue
        records = gather(batch)
        for m in batch:
            cell = cell_by_id[m.cell_id]
            day = timezone.localdate(m.scheduled_at)
            rubric = rubric_for(cell, day, m.kind)
            if rubric is None:
                continue
            metrics = metrics_from(m, records)
            if rubric.pk not in specs:
                specs[rubric.pk] = queries_rubrics.rubric_spec(rubric)
            spec = specs[rubric.pk]
            planned = story.month(cell.pk, day.replace(day=1)) if story else None  # the falling cell's decline
            level = planned.judged if planned else quality[cell.pk]
            judged = _judged(spec, rng, level)
            for item in spec.items():  # what the record cannot measure (January: no last month), judged by hand
                if item.kind == COMPUTED and metrics.get(item.metric) is None:
                    judged[item.code] = str(round(float(item.max_points) * level * 2) / 2)
            result = _score(spec, metrics, judged)  # normalises ``judged`` as score_propose stores it
            ended = m.ended_at or m.scheduled_at
            score = MeetingScore(
                meeting=m,
                rubric=rubric,
                metrics=metrics,
                judged=judged,
                result=result_dict(result),
                proposed_at=ended - timedelta(minutes=rng.randint(8, 15)),
                proposed_by=secretaries.get(cell.pk),
            )
            age = (as_of - day).days
            if age > PROPOSED_ONLY_DAYS:  # adopted by the cell; confirmed by the supervisor days later
                score.adopted_at = score.proposed_at + timedelta(minutes=rng.randint(2, 5))
                score.adopted_by = secretaries.get(cell.pk)
                # meetings.queries.eligible / voters_present over the roll call, its voters built once
                voters = [row.voter for row in records.roll_calls[m.pk]]
                eligible = meeting_rules_votes.eligible_count(voters)
                approving = sum(1 for v in voters if meeting_rules_votes.may_vote(v)) - (1 if rng.random() < 0.1 else 0)
                vote = meeting_rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
                if rng.random() < 0.92 and vote.passed:  # else adopted by the board, without a count
                    score.votes_for, score.votes_eligible = approving, eligible
                counts.adopted += 1
                unconfirmed = story is not None and story.left_unconfirmed(cell.pk, age)
                if not unconfirmed:  # by the supervisor days later: only the weak cells' story leaves any unconfirmed
                    score.confirmed_at = ended + timedelta(days=rng.randint(2, min(20, age - 1)), hours=9)
                    score.confirmed_by = supervisors.get(cell.pk)
                    counts.confirmed += 1
                    if rng.random() < 0.06:
                        override_judged, override, reason = _overridden(spec, metrics, judged, result.level, rng)
                        score.override_judged = override_judged
                        score.override_result = result_dict(override)
                        score.override_reason = reason
                        counts.overridden += 1
            levels[score.final_level] += 1
            rows.append(score)
        MeetingScore.objects.bulk_create(rows, batch_size=1000)  # per batch: the province has ~120,000 scores
        counts.scores += len(rows)
        rows.clear()
    for rubric in Rubric.objects.filter(pk__in=specs):
        services.rubric_lock(rubric=rubric)
    counts.levels = dict(levels)
    return counts
