"""Evidence for grading, pre-filled from the year (DOMAIN.md §8), and the year overview. Bounded queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common.scoping import VIEW, subtree_filter, today
from apps.common.text import search_key
from apps.grading.models import AnnualRating, Discipline, GradingRule
from apps.grading.rules import grading as rules
from apps.meetings.models import Attendance, Meeting
from apps.members.models import Exemption, Member, Suspension
from apps.orgs.models import Organization
from apps.quality.queries.score import cell_year_quality
from apps.quality.rules.rubrics.labels import level_label
from apps.resolutions.models import Target, TargetActual, Task
from apps.resolutions.rules import follow as res_rules

GRADED_MEETING_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)


def ratings_for(user, action: str = VIEW) -> QuerySet[AnnualRating]:
    """The one lookup of ratings for views: those ``user`` may ``action``, with what the rating page shows."""
    return AnnualRating.objects.visible_to(user, action).select_related("member__user", "organization", "rule")


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def rule_for(year: int) -> GradingRule | None:
    """The newest rule in force during the year (one query)."""
    return GradingRule.objects.filter(effective_from__year__lte=year).order_by("-effective_from").first()


def _in_force_at_year_end(model, member_ids, year: int) -> set[int]:
    end = _year_end(year)
    return set(
        model.objects.filter(member_id__in=member_ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=end))
        .values_list("member_id", flat=True)
    )


def exempt_member_ids(member_ids, year: int) -> set[int]:
    """Members with an exemption in force at the end of the year (one query)."""
    return _in_force_at_year_end(Exemption, member_ids, year)


def suspended_member_ids(member_ids, year: int) -> set[int]:
    """Members whose party activity is suspended at the end of the year (one query)."""
    return _in_force_at_year_end(Suspension, member_ids, year)


def not_graded(member_ids, year: int) -> dict[int, str]:
    """Why members are not graded this year, by member id (two queries): exempted or suspended at year end
    (DOMAIN.md §8). A suspension outweighs an exemption."""
    member_ids = list(member_ids)
    out = dict.fromkeys(exempt_member_ids(member_ids, year), "exempted")
    out.update(dict.fromkeys(suspended_member_ids(member_ids, year), "suspended"))
    return out


def not_gradable_reason(member: Member, year: int) -> str:
    """Why a member is not graded this year ("" when they are): no longer active, or exempted or suspended at
    the end of the year."""
    if not member.active:
        return _("not active")
    reason = not_graded([member.pk], year).get(member.pk)
    if reason == "exempted":
        return _("exempted from party work and meetings")
    if reason == "suspended":
        return _("party activity suspended")
    return ""


def _attendance(rows) -> dict:
    counted = [status for status in rows if status != Attendance.Status.EXEMPT]
    present = sum(1 for s in counted if s in (Attendance.Status.PRESENT, Attendance.Status.LATE))
    return {
        "meetings": len(counted),
        "present": present,
        "unexcused": sum(1 for s in counted if s == Attendance.Status.UNEXCUSED),
        "attendance_percent": round(present * 100 / len(counted), 1) if counted else None,
    }


def _tasks(rows, today: date) -> dict:
    pairs = [
        (
            res_rules.task_status(
                deadline=t["deadline"], today=today, completed_on=t["completed_on"], dropped=bool(t["dropped_reason"])
            ),
            res_rules.done_late(deadline=t["deadline"], completed_on=t["completed_on"]),
        )
        for t in rows
    ]
    roll = res_rules.task_rollup(pairs)
    return {
        "tasks_total": roll.total - roll.dropped,
        "tasks_done": roll.done,
        "tasks_done_late": roll.done_late,
        "tasks_overdue": roll.late,
        "tasks_late": roll.done_late + roll.late,
    }


def _today_for(year: int) -> date:
    return min(today(), _year_end(year))


_TASK_FIELDS = ("deadline", "completed_on", "dropped_reason")


def cell_quality(cell, year: int) -> dict:
    """The cell's meeting quality of the year (apps.quality roll-up), as evidence for the cell and its members."""
    quality = cell_year_quality(cell, year)
    levels = quality["meeting_levels"]
    return {
        "meeting_levels": levels,
        "meetings_scored": len(levels),
        "meetings_good": sum(1 for level in levels if level == "tot"),
        "meeting_quality_year": quality["annual_level"],
    }


def evidence_for_member(member: Member, year: int, *, quality: dict | None = None) -> dict:
    """Attendance over the year's regular and thematic meetings, tasks led, discipline (three queries), and the
    meeting quality of the member's cell (pass ``quality`` from ``cell_quality`` when grading a whole cell)."""
    statuses = Attendance.objects.filter(
        member=member, meeting__scheduled_at__year=year, meeting__kind__in=GRADED_MEETING_KINDS
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    tasks = Task.objects.filter(lead=member, deadline__year=year).values(*_TASK_FIELDS)
    disciplined = Discipline.objects.filter(member=member, on__year=year).count()
    quality = quality if quality is not None else cell_quality(member.cell, year)
    return {
        **_attendance(list(statuses.values_list("status", flat=True))),
        **_tasks(list(tasks), _today_for(year)),
        "disciplined": disciplined > 0,
        "discipline_count": disciplined,
        "collective": False,
        "cell_meeting_quality_year": quality["meeting_quality_year"],
        "cell_meetings_good": quality["meetings_good"],
        "cell_meetings_scored": quality["meetings_scored"],
    }


def evidence_for_cell(cell, year: int) -> dict:
    """The cell's meetings held, attendance, tasks and targets of the year, members disciplined, and the year's
    meeting quality (the scored meetings' levels and their annual roll-up under the cell's rubric)."""
    today = _today_for(year)
    meetings = Meeting.objects.filter(cell=cell, scheduled_at__year=year, kind__in=GRADED_MEETING_KINDS)
    held = meetings.filter(status=Meeting.Status.CLOSED).count()
    statuses = Attendance.objects.filter(meeting__in=meetings.filter(status=Meeting.Status.CLOSED))
    tasks = Task.objects.filter(organization=cell, deadline__year=year).values(*_TASK_FIELDS)
    targets = list(Target.objects.filter(organization=cell, period_end__year=year).values("pk", "value", "direction"))
    latest: dict[int, Decimal] = {}
    for target_id, value in (
        TargetActual.objects.filter(target__in=[t["pk"] for t in targets])
        .order_by("on", "pk")
        .values_list("target_id", "value")
    ):
        latest[target_id] = value
    outcomes = [
        res_rules.target_outcome(value=t["value"], actual=latest.get(t["pk"]), direction=t["direction"])
        for t in targets
    ]
    roll = res_rules.rollup(outcomes)
    disciplined = Discipline.objects.filter(organization=cell, on__year=year)
    counts = list(disciplined.values_list("member_id", flat=True))
    attendance = _attendance(list(statuses.values_list("status", flat=True)))
    return {
        **cell_quality(cell, year),
        "meetings_held": held,
        "attendance_percent": attendance["attendance_percent"],
        "unexcused": attendance["unexcused"],
        **_tasks(list(tasks), today),
        "targets_total": roll.total,
        "targets_met": roll.met_or_exceeded,
        "targets_exceeded": roll.exceeded,
        "exceeding_percent": round(roll.exceeded * 100 / roll.total, 1) if roll.total else None,
        "members_disciplined": sum(1 for m in counts if m is not None),
        "disciplined": any(m is None for m in counts),
        "collective": True,
    }


EVIDENCE_LABELS = {
    "meetings": gettext_lazy("Meetings counted"),
    "meetings_held": gettext_lazy("Meetings held"),
    "present": gettext_lazy("Meetings attended"),
    "attendance_percent": gettext_lazy("Attendance (%)"),
    "unexcused": gettext_lazy("Absences without reason"),
    "tasks_total": gettext_lazy("Tasks"),
    "tasks_done": gettext_lazy("Tasks done"),
    "tasks_done_late": gettext_lazy("Tasks done late"),
    "tasks_overdue": gettext_lazy("Tasks overdue"),
    "tasks_late": gettext_lazy("Tasks late (done late or overdue)"),
    "targets_total": gettext_lazy("Targets"),
    "targets_met": gettext_lazy("Targets met or exceeded"),
    "targets_exceeded": gettext_lazy("Targets exceeded"),
    "exceeding_percent": gettext_lazy("Targets exceeded (%)"),
    "members_disciplined": gettext_lazy("Members disciplined"),
    "discipline_count": gettext_lazy("Disciplinary measures"),
    "disciplined": gettext_lazy("Disciplined in the year"),
    "meetings_scored": gettext_lazy("Meetings scored"),
    "meetings_good": gettext_lazy("Meetings scored Good"),
    "meeting_quality_year": gettext_lazy("Meeting quality of the year"),
    "cell_meetings_scored": gettext_lazy("Cell meetings scored"),
    "cell_meetings_good": gettext_lazy("Cell meetings scored Good"),
    "cell_meeting_quality_year": gettext_lazy("Cell's meeting quality of the year"),
}
QUALITY_LEVEL_KEYS = {"meeting_quality_year", "cell_meeting_quality_year"}


def evidence_rows(evidence: dict) -> list[tuple]:
    """A rating's evidence snapshot as (label, value) rows for its page; meeting-quality levels by their names."""
    return [
        (label, level_label(evidence[key]) if key in QUALITY_LEVEL_KEYS and evidence[key] else evidence[key])
        for key, label in EVIDENCE_LABELS.items()
        if key in evidence
    ]


def grassroots_of(org):
    """The grassroots party organisation (tổ chức cơ sở đảng) of an organisation (one query): the nearest
    ancestor-or-self whose level is labelled "cơ sở" (Đảng bộ cơ sở, Chi bộ cơ sở); without such a label, the
    committee directly above a cell (or the organisation itself at the top). The HTXSNV quota is counted there."""
    chain = sorted(Organization.objects.all().applying_to(org.path), key=lambda o: len(o.path), reverse=True)
    for node in chain:
        if "co so" in search_key(node.level_label):
            return node
    if org.is_cell and len(chain) > 1:
        return chain[1]
    return chain[0] if chain else org


def member_levels_in(unit, year: int, *, exclude: int | None = None) -> tuple[list[str], list[str]]:
    """Members' ratings of the year in an organisation's subtree (one query): the decided levels, and the
    appraised levels of those not decided yet."""
    rows = (
        AnnualRating.objects.filter(subtree_filter(AnnualRating.scope_path, unit.path), year=year, is_collective=False)
        .exclude(pk=exclude)
        .values_list("status", "decision_level", "appraisal_level")
    )
    decided, expected = [], []
    for status, decision, appraisal in rows:
        if status == AnnualRating.Status.DECIDED:
            decided.append(decision)
        elif status == AnnualRating.Status.APPRAISED:
            expected.append(appraisal)
    return decided, expected


def year_overview(user, org, year: int) -> dict:
    """The rows of the grading page and the figures over the subtree. Five queries whatever the number of rows:
    members (or sub-organisations), exemptions, ratings of the rows, the rule, decided levels of the subtree."""
    visible = AnnualRating.objects.visible_to(user).select_related("member", "organization", "rule")
    rows = []
    if org.is_cell:
        members = list(Member.objects.visible_to(user).filter(cell=org, active=True))
        excluded = not_graded([m.pk for m in members], year)
        ratings = {r.member_id: r for r in visible.filter(year=year, member__in=members)}
        for m in members:
            reason = excluded.get(m.pk, "")
            rows.append(
                {"name": m.full_name, "member": m, "exempt": bool(reason), "why": reason, "rating": ratings.get(m.pk)}
            )
    else:
        orgs = list(Organization.objects.visible_to(user).filter(path__startswith=org.path, depth=org.depth + 1))
        ratings = {r.organization_id: r for r in visible.filter(year=year, is_collective=True, organization__in=orgs)}
        for o in orgs:
            rows.append({"name": o.name, "org": o, "exempt": False, "rating": ratings.get(o.pk)})
    rating_rule = rule_for(year)
    decided = AnnualRating.objects.filter(
        subtree_filter(AnnualRating.scope_path, org.path), year=year, status=AnnualRating.Status.DECIDED
    ).values_list("is_collective", "decision_level")
    org_levels: list[str] = []
    member_levels: list[str] = []
    for collective, level in decided:
        (org_levels if collective else member_levels).append(level)
    return {
        "rows": rows,
        "org_share": rules.share_at_least(org_levels, rules.HTTNV),
        "member_share": rules.share_at_least(member_levels, rules.HTTNV),
        "org_count": len(org_levels),
        "member_count": len(member_levels),
        # The HTXSNV quota, as the level above applies it (its grassroots organisation), on a cell's page.
        "quota": rules.htxsnv_quota(*member_levels_in(grassroots_of(org), year), rating_rule.levels)
        if org.is_cell and rating_rule
        else None,
    }
