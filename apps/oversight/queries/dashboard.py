"""The data of a node's dashboard page and of its charts, around ``queries.figures.dashboard`` (the figures): each
figure with its change from the previous period, the sub-units' table in the order asked for, the sectors, the
grades, the breadcrumb and, for a cell, its meetings of the period. A bounded number of queries whatever the size
of the subtree: the figures' (≤ 7), the breadcrumb (1) and, for a cell, its meetings (1 + the metrics' 15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.meetings.models import Meeting
from apps.meetings.queries.meeting import meetings_for
from apps.orgs.models import Organization
from apps.orgs.queries.tree import ancestors_visible
from apps.oversight.queries import figures as queries_figures
from apps.oversight.rules import charts
from apps.oversight.rules import dashboard as rules
from apps.oversight.rules.figures import BY_CODE, FIGURES, GRADE_LEVELS, GROUPS, Figure, Value
from apps.oversight.rules.periods import Period
from apps.quality.queries.metrics import HELD, metrics_for_meetings
from apps.quality.rules.rubrics.labels import level_label

CHARTS = ("trend", "quality", "ranking")


@dataclass
class Shown:
    """One figure as the page shows it: the value written out, the change with its arrow and tone."""

    figure: Figure
    raw: Value
    value: str
    change: str
    arrow: str
    tone: str


def shown(figure: Figure, row: queries_figures.Row) -> Shown:
    raw = row.figures.get(figure.code)
    change = row.change(figure.code)
    arrow, tone = rules.mark(change, figure.better)
    return Shown(
        figure,
        raw,
        rules.format_value(raw, figure.unit),
        rules.format_change(change, figure.unit),
        arrow,
        tone,
    )


@dataclass
class Group:
    code: str
    label: str
    figures: list[Shown]


@dataclass
class SubRow:
    org: Organization
    cells: list[Shown]


@dataclass
class Column:
    figure: Figure
    direction: str  # the direction its header link asks for
    sorted: str  # "asc"/"desc" when the table is sorted by it, else ""


@dataclass
class GradeLine:
    subject: str
    counts: list[int]  # per GRADE_LEVELS
    share: str  # HTXSNV + HTTNV among the decided


@dataclass
class MeetingLine:
    meeting: Meeting
    attendance: str
    speaking: str
    level: str


@dataclass
class Page:
    figures: queries_figures.Dashboard
    groups: list[Group]
    columns: list[Column]
    name_direction: str
    rows: list[SubRow]
    total: list[Shown]  # the node's figures in the table's columns
    sectors: list[tuple[str, list[Shown]]]
    grades: list[GradeLine]
    breadcrumb: list[Organization]
    meetings: list[MeetingLine] | None  # a cell's meetings of the period; None for a committee
    ranking: Figure


def _groups(total: queries_figures.Row) -> list[Group]:
    return [Group(g, str(rules.GROUP_LABELS[g]), [shown(f, total) for f in FIGURES if f.group == g]) for g in GROUPS]


def sort_children(children: list[queries_figures.Row], sort: str, direction: str) -> list[queries_figures.Row]:
    """The sub-units in the order the table asks for: by name, by a figure (those without a value last), or the
    tree's order (``sort`` empty)."""
    if sort == rules.NAME:
        ordered = sorted(children, key=lambda r: r.org.name_search or r.org.name)
        return ordered[::-1] if direction == rules.DESC else ordered
    if sort in BY_CODE:
        return rules.sort_rows(children, lambda r: r.figures.get(sort), direction)
    return children  # the tree's order


def _grades(grades: queries_figures.GradeRow) -> list[GradeLine]:
    lines = []
    for subject in ("grassroots", "cells", "members"):
        counts: dict[str, int] = getattr(grades, subject)
        share = grades.figures.get(f"{subject}_good_share")
        lines.append(
            GradeLine(
                str(rules.GRADE_SUBJECT_LABELS[subject]),
                [counts.get(level, 0) for level in GRADE_LEVELS],
                rules.format_value(share, "percent"),
            )
        )
    return lines


def ranking_figure(code: str) -> Figure:
    """The figure the sub-units are ranked by: the table's sort when it is a figure, the attendance rate else."""
    return BY_CODE.get(code) or BY_CODE[rules.DEFAULT_RANKING]


def page(user, node: Organization, period: Period, *, sort: str, direction: str, today: date) -> Page:
    """Everything the dashboard page shows (module docstring for the queries)."""
    data = queries_figures.dashboard(user, node, period, today=today)
    codes = rules.columns(sort)
    return Page(
        figures=data,
        groups=_groups(data.total),
        columns=[
            Column(BY_CODE[c], rules.next_direction(c, sort, direction), direction if c == sort else "") for c in codes
        ],
        name_direction=rules.ASC if sort != rules.NAME or direction == rules.DESC else rules.DESC,
        rows=[
            SubRow(r.org, [shown(BY_CODE[c], r) for c in codes]) for r in sort_children(data.children, sort, direction)
        ],
        total=[shown(BY_CODE[c], data.total) for c in codes],
        sectors=[(label, [shown(BY_CODE[c], r) for c in codes]) for _code, label, r in data.sectors],
        grades=_grades(data.grades),
        breadcrumb=list(ancestors_visible(user, node)),
        meetings=cell_meetings(user, node, period) if node.is_cell else None,
        ranking=ranking_figure(sort),
    )


# --- a cell's meetings of the period --------------------------------------------------------------------------------


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def cell_meetings(user, cell: Organization, period: Period) -> list[MeetingLine]:
    """The cell's regular and thematic meetings whose day falls in the period, with their attendance and speaking
    (counted as the score counts them: ``quality.queries.metrics``) and their quality level. One query, plus the
    metrics' fixed number when a meeting was held."""
    meetings = list(
        meetings_for(user)
        .filter(
            cell=cell,
            kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC),
            scheduled_at__gte=_start(period.first_month),
            scheduled_at__lt=_start(period.next().first_month),
        )
        .select_related("score")
        .order_by("scheduled_at", "pk")
    )
    metrics = metrics_for_meetings([m for m in meetings if m.status in HELD])
    lines = []
    for m in meetings:
        values = metrics.get(m.pk, {})
        score = getattr(m, "score", None)
        lines.append(
            MeetingLine(
                m,
                rules.format_value(values.get("attendance_rate"), "percent") if values else "—",
                rules.format_value(values.get("speaking_share"), "percent") if values else "—",
                level_label(score.final_level) if score and score.final_level else "—",
            )
        )
    return lines


# --- the charts -----------------------------------------------------------------------------------------------------


def chart(
    user, node: Organization, name: str, period: Period, *, figure: str, today: date, narrow: bool = False
) -> bytes:
    """One chart of the dashboard as SVG: ``trend`` (12 months of attendance and speaking: 2 queries), ``quality``
    (the period's meetings by level: 2 queries) or ``ranking`` (the sub-units by a figure: 3 queries); ``narrow``:
    drawn for a phone."""
    no_data = _("No figures for this period")
    if name == "trend":
        months = queries_figures.trend(user, node, period, today=today)
        return charts.trend_chart(
            [m for m, _f in months],
            [
                (_("Attendance rate"), [f.get("attendance_rate") for _m, f in months]),
                (_("Attendees who spoke"), [f.get("speaking_share") for _m, f in months]),
            ],
            title=_("The last 12 months"),
            no_data=no_data,
            narrow=narrow,
        )
    if name == "quality":
        total = queries_figures.node_row(user, node, period, today=today)
        levels = [
            (level_label("tot"), "quality_tot"),
            (level_label("kha"), "quality_kha"),
            (level_label("trung_binh"), "quality_tb"),
            (level_label("kem"), "quality_kem"),
            (_("Not scored"), "quality_unscored"),
        ]
        return charts.levels_chart(
            [(label, int(total.figures.get(code) or 0)) for label, code in levels],
            title=_("Meetings by quality level"),
            no_data=no_data,
            narrow=narrow,
        )
    if name == "ranking":
        ranked = ranking_figure(figure)
        rows = queries_figures.children_rows(user, node, period, today=today)
        return charts.ranking_chart(
            [(r.org.name, r.figures.get(ranked.code)) for r in rows],
            title=str(ranked.label),
            no_data=no_data,
            unit=ranked.unit,
            better=ranked.better,
            narrow=narrow,
        )
    raise KeyError(name)
