"""Demo annual grading (DOMAIN.md §8): late in the year the grading has started in the demo accounts' commune and
in about a quarter of the other communes of its district. Member ratings at every step (draft, self-assessed,
appraised, decided in a few cells) and the cells' collective ratings, with the real evidence
(``queries.evidence_for_member``/``evidence_for_cell``, taken after the meeting scores exist) and the real levels
(``rules.grade``, as the services propose them). Exempted members are not graded (``queries.not_gradable_reason``).
A few discipline records come first, so that the evidence shows them. Bulk-inserted; deterministic for a seed."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.grading.models import AnnualRating, Discipline
from apps.grading.queries import grading as queries
from apps.grading.rules import grading as rules
from apps.grading.services import discipline as services_discipline
from apps.members.models import Member
from apps.orgs.models import Organization

COMMUNE_CODE = re.compile(r"^PT\d\dX\d\d$")  # apps.demo.tree._district: the district's commune committees
DISCIPLINE_FORMS = [services_discipline.REPRIMAND, services_discipline.REPRIMAND, services_discipline.WARNING]
SELF_NOTES = [
    "Chấp hành tốt chủ trương, đường lối của Đảng; tham gia đầy đủ sinh hoạt chi bộ.",
    "Hoàn thành các nhiệm vụ được phân công; còn hạn chế trong việc tuyên truyền, vận động nhân dân.",
    "Giữ gìn phẩm chất đạo đức, lối sống; gương mẫu nơi cư trú.",
]
APPRAISAL_NOTES = [
    "Chi ủy nhất trí với kết quả tự đánh giá.",
    "Đề nghị đồng chí khắc phục việc hoàn thành nhiệm vụ chậm so với thời hạn.",
    "Chi bộ thống nhất mức xếp loại đề nghị.",
]
CELL_NOTES = [
    "Chi bộ duy trì sinh hoạt đều đặn, nội dung sinh hoạt có đổi mới.",
    "Lãnh đạo hoàn thành các chỉ tiêu nghị quyết năm; một số nhiệm vụ còn chậm.",
]
# How far each cell has got; the demo accounts' cell is self-assessing (the member has assessed themselves).
STAGES = ["draft", "self", "appraised", "decided"]


@dataclass
class RatingCounts:
    members: int = 0
    collective: int = 0
    decided: int = 0
    disciplines: int = 0
    communes: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _half(value: float, low: float = 40, high: float = 98) -> Decimal:
    return Decimal(str(round(min(high, max(low, value)) * 2) / 2)).quantize(Decimal("0.1"))


def _member_points(evidence: dict, rng: random.Random) -> Decimal:
    attendance = evidence.get("attendance_percent") or 100
    return _half(82 + (attendance - 88) * 0.5 - 4 * (evidence.get("tasks_late") or 0) + rng.gauss(2, 4))


def _cell_points(evidence: dict, rng: random.Random) -> Decimal:
    base = {"tot": 91, "kha": 83, "trung_binh": 68, "kem": 55}.get(evidence.get("meeting_quality_year") or "kha", 80)
    return _half(base - 1.5 * min(evidence.get("tasks_late") or 0, 6) + rng.gauss(0, 3))


def _commune_choice(rng: random.Random, district: Organization, home: Organization) -> list[Organization]:
    communes = [
        c
        for c in Organization.objects.filter(
            path__startswith=district.path, depth=district.depth + 1, kind="committee"
        ).order_by("path")
        if COMMUNE_CODE.match(c.code) and c.pk != home.pk
    ]
    return [home, *rng.sample(communes, k=round(len(communes) / 4))]


def _discipline(rng, cells: Sequence[Organization], home: Organization, as_of: date, keep: set[int]) -> list:
    """One to three members disciplined this year, one of them in the demo commune (not the demo accounts)."""
    rows = []
    home_cells = [c for c in cells if c.path.startswith(home.path)]
    other_cells = [c for c in cells if not c.path.startswith(home.path)]
    picks = [rng.choice(home_cells)] + rng.sample(other_cells, k=min(len(other_cells), rng.randint(0, 2)))
    for n, cell in enumerate(picks, start=1):
        member = (
            Member.objects.filter(cell=cell, active=True, status=Member.Status.OFFICIAL)
            .exclude(pk__in=keep)
            .order_by("pk")
            .first()
        )
        if member is None:
            continue
        form = rng.choice(DISCIPLINE_FORMS)  # stored as the discipline page stores it
        on = date(as_of.year, rng.randint(3, max(3, as_of.month - 1)), rng.randint(1, 28))
        rows.append(
            Discipline(
                member=member,
                organization=cell,
                on=min(on, as_of),
                form=form,
                decision_ref=f"Số {10 + n:02d}-QĐ/ĐU",
            )
        )
    return Discipline.objects.bulk_create(rows)


def _within_quota(rating: AnnualRating, unit: list[AnnualRating], rule: dict) -> bool:
    """Whether deciding HTXSNV keeps the grassroots organisation within the rule's quota, counted as
    services.rating_decide counts it: the decided levels and the appraised levels not decided yet, of the unit's
    other member ratings (queries.member_levels_in), plus this one."""
    others = [r for r in unit if r is not rating]
    decided = [r.decision_level for r in others if r.status == AnnualRating.Status.DECIDED]
    expected = [r.appraisal_level for r in others if r.status == AnnualRating.Status.APPRAISED]
    return rules.htxsnv_quota(decided, expected, rule, adding=rules.HTXSNV).ok


def build_ratings(
    *,
    rng: random.Random,
    as_of: date,
    district: Organization,
    home_commune: Organization,
    home_cell: Organization | None = None,
    users: dict[str, Any] | None = None,
) -> RatingCounts:
    """Ratings of ``as_of.year`` in the home commune and about a quarter of the district's other communes.

    ``users``: the demo accounts by login ("bithu", "canbo", …) to record who took each step in the demo commune;
    elsewhere the steps carry no account (the people there have none in the demo)."""
    users = users or {}
    counts = RatingCounts()
    year = as_of.year
    rule = queries.rule_for(year)
    if rule is None:
        return counts
    communes = _commune_choice(rng, district, home_commune)
    counts.communes = len(communes)
    cells = [
        c
        for commune in communes
        for c in Organization.objects.filter(path__startswith=commune.path, kind="cell", active=True).order_by("path")
    ]
    account_members = set(Member.objects.filter(user__isnull=False).values_list("pk", flat=True))
    counts.disciplines = len(_discipline(rng, cells, home_commune, as_of, account_members))

    stages: dict[int, str] = {}
    for commune in communes:
        own = [c for c in cells if c.path.startswith(commune.path)]
        if commune.pk == home_commune.pk:
            # The demo accounts' cell is self-assessing; the commune has decided two cells and appraised one.
            plan = iter(["decided", "decided", "appraised"])
            for cell in own:
                stages[cell.pk] = "self" if cell == home_cell else next(plan, None) or rng.choice(["draft", "self"])
        else:
            for cell in own:
                stages[cell.pk] = rng.choices(STAGES, weights=[3, 3, 3, 1])[0]
    staff = users.get("canbo")
    secretary = users.get("bithu")
    decided_at = timezone.make_aware(datetime.combine(as_of - timedelta(days=rng.randint(1, 5)), time(9)))
    levels = rule.levels
    ratings: list[AnnualRating] = []
    to_decide: list[tuple[Organization, list[AnnualRating], Any]] = []
    by_unit: dict[int, list[AnnualRating]] = {}
    unit_of: dict[int, int] = {}
    for cell in cells:
        stage = stages[cell.pk]
        in_home = cell.path.startswith(home_commune.path)
        appraiser = secretary if cell == home_cell else None
        decider = staff if in_home else None
        cell_levels: list[AnnualRating] = []
        # The cell's evidence holds its meeting quality of the year (queries.cell_quality), which the members'
        # evidence repeats: taken once per cell.
        cell_evidence = queries.evidence_for_cell(cell, year)
        members = list(Member.objects.filter(cell=cell, active=True).select_related("user").order_by("pk"))
        not_graded = queries.not_graded([m.pk for m in members], year)  # exempted or suspended at year end
        for member in members:
            if member.pk in not_graded:
                continue
            evidence = queries.evidence_for_member(member, year, quality=cell_evidence)
            r = AnnualRating(member=member, organization=cell, year=year, rule=rule, evidence=evidence)
            assessed = stage in ("appraised", "decided") or (
                stage == "self" and (member.user_id is not None or rng.random() < 0.75)
            )
            if assessed:
                r.self_points = _member_points(evidence, rng)
                r.self_level = rules.grade(r.self_points, evidence, levels)
                r.self_note, r.self_by = rng.choice(SELF_NOTES), member.user
                r.status = AnnualRating.Status.SELF_ASSESSED
            if stage == "decided" or (stage == "appraised" and rng.random() < 0.85):
                r.appraisal_points = max(Decimal(0), r.self_points - _half(rng.uniform(0, 4), low=0))
                r.appraisal_level = rules.grade(r.appraisal_points, evidence, levels)
                r.appraisal_note, r.appraisal_by = rng.choice(APPRAISAL_NOTES), appraiser
                r.status = AnnualRating.Status.APPRAISED
            cell_levels.append(r)
            ratings.append(r)
        if stage == "decided":
            to_decide.append((cell, cell_levels, decider))
        unit = queries.grassroots_of(cell)  # where the HTXSNV quota is counted
        by_unit.setdefault(unit.pk, []).extend(cell_levels)
        unit_of[cell.pk] = unit.pk
        # The cell's collective rating follows its members' step.
        evidence = cell_evidence
        c = AnnualRating(organization=cell, is_collective=True, year=year, rule=rule, evidence=evidence)
        if stage != "draft":
            c.self_points = _cell_points(evidence, rng)
            c.self_level = rules.grade(c.self_points, evidence, levels)
            c.self_note, c.self_by = rng.choice(CELL_NOTES), secretary if cell == home_cell else None
            c.status = AnnualRating.Status.SELF_ASSESSED
        if stage in ("appraised", "decided"):
            c.appraisal_points = max(Decimal(0), c.self_points - _half(rng.uniform(0, 3), low=0))
            c.appraisal_level = rules.grade(c.appraisal_points, evidence, levels)
            c.appraisal_by = staff if in_home else None
            c.status = AnnualRating.Status.APPRAISED
        if stage == "decided":
            c.decision_level, c.decision_by, c.decision_at = c.appraisal_level, decider, decided_at
            c.status = AnnualRating.Status.DECIDED
        ratings.append(c)
    # The level above decides the appraised members' levels, cell by cell; an HTXSNV beyond the quota of the
    # grassroots organisation is refused (services.rating_decide) and decided HTTNV instead.
    for cell, cell_levels, decider in to_decide:
        unit = by_unit[unit_of[cell.pk]]
        for r in cell_levels:
            level = r.appraisal_level
            if level == rules.HTXSNV and not _within_quota(r, unit, levels):
                level = rules.HTTNV
                r.decision_note = "Vượt tỷ lệ đảng viên hoàn thành xuất sắc nhiệm vụ của đảng bộ."
            r.decision_level, r.decision_by, r.decision_at = level, decider, decided_at
            r.status = AnnualRating.Status.DECIDED
    AnnualRating.objects.bulk_create(ratings, batch_size=2000)
    status = Counter(r.status for r in ratings)
    counts.by_status = dict(status)
    counts.collective = sum(1 for r in ratings if r.is_collective)
    counts.members = len(ratings) - counts.collective
    counts.decided = status[AnnualRating.Status.DECIDED]
    return counts
