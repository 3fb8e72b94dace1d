"""The figures of any node and period, rolled up from the cells' monthly facts (``CellMonth``) and the
organisations' yearly grades (``OrgYear``), in a bounded number of queries whatever the size of the subtree.

Every read starts from ``<Model>.objects.visible_to(user)`` and adds the subtree of the node: a user never gets a
figure built from rows outside what they may see (a plain member: their own cell's rows only).

The roll-up is one grouped query per level: the subtree's rows grouped by the child's path prefix
(``Substr(cell__path, 1, len(node.path) + steplen)``) and by "current or previous period", summing the FLOW
columns over the months and taking the STOCK columns of each period's last month. The figures themselves are
``apps.oversight.rules.figures`` over those sums, so a node's figure is the weighted roll-up of its children's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from apps.orgs.models import Organization
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, OrgYear, StaleCellMonth
from apps.oversight.rules import figures as rules
from apps.oversight.rules.periods import MONTH, Period, add_months, month_of

TREND_MONTHS = 12
UNKNOWN_SECTOR = "unknown"  # cells whose kind of unit is not set


@dataclass
class Row:
    """One organisation's figures in a period (or one month's, or one sector's)."""

    org: Organization
    sums: dict  # summed columns: FLOW over the period's months, STOCK of its last month
    figures: dict  # rules.figures.compute_all(sums, closed=...)
    previous: dict  # the figures of the previous period of the same kind
    previous_sums: dict = field(default_factory=dict)

    def change(self, code: str) -> rules.Value:
        return rules.change(self.figures.get(code), self.previous.get(code))


@dataclass
class GradeRow:
    """The year's grades in a subtree: members, cells and grassroots organisations, each at its own level."""

    members: dict[str, int]
    cells: dict[str, int]
    grassroots: dict[str, int]
    figures: dict


@dataclass
class Dashboard:
    node: Organization
    period: Period
    closed: bool
    total: Row  # the node's figures: the roll-up of its children (or the cell's own)
    children: list[Row]  # the direct sub-units, ordered by path; [] for a cell
    trend: list[tuple[date, dict]]  # the 12 months ending with period.last_month: (month, figures)
    sectors: list[tuple[str, str, Row]]  # (sector code, label, row) for the sectors present in the subtree
    grades: GradeRow  # for period.year
    pending: int  # stale cell-months in the subtree: figures being updated


# --- the scoped rows and the sums ---------------------------------------------------------------------------------


def _facts(user, node: Organization) -> QuerySet[CellMonth]:
    """The cells' monthly facts of ``node``'s subtree that ``user`` may see."""
    return CellMonth.objects.visible_to(user).filter(cell__path__startswith=node.path)


def _two_periods(user, node: Organization, period: Period) -> QuerySet[CellMonth]:
    """The subtree's rows of the period and of the previous one, each marked ``current`` true or false."""
    months = period.months + period.previous().months
    return (
        _facts(user, node)
        .filter(month__in=months)
        .annotate(
            current=Case(
                When(month__gte=period.first_month, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    )


def _period_sums(last_months: list[date]) -> dict[str, Any]:
    """The aggregates of a period's rows: FLOW columns summed; STOCK columns summed over the rows of the period's
    last month only (``last_months``: the last month of each period in the group, one per period)."""
    sums: dict[str, Any] = {f: Sum(f) for f in FLOW_FIELDS}
    for f in STOCK_FIELDS:
        sums[f] = Sum(Case(When(month__in=last_months, then=F(f)), default=Value(0), output_field=IntegerField()))
    return sums


def _month_sums() -> dict[str, Any]:
    return {f: Sum(f) for f in (*FLOW_FIELDS, *STOCK_FIELDS)}


def _clean(values: dict) -> dict:
    """The columns of an aggregated row, every one present (a missing one as zero)."""
    sums = rules.empty_sums()
    sums.update({c: values[c] for c in rules.COLUMNS if values.get(c) is not None})
    return sums


def stock_month(period: Period, today: date) -> date:
    """The month whose members a period shows: its last month; the current month while the period runs (its first
    month before it starts)."""
    return max(period.first_month, min(period.last_month, month_of(today)))


def _grouped(qs: QuerySet, key: str | None, period: Period, today: date) -> dict[tuple[Any, bool], dict]:
    """{(key, current): sums}: one query, grouped by ``key`` (if any) and by current/previous period."""
    last_months = [stock_month(period, today), stock_month(period.previous(), today)]
    keys = [key, "current"] if key else ["current"]
    rows = qs.values(*keys).annotate(**_period_sums(last_months)).order_by()
    return {(r[key] if key else None, bool(r["current"])): _clean(r) for r in rows}


def _row(org: Organization, current: dict | None, previous: dict | None, period: Period, today: date) -> Row:
    sums = current or rules.empty_sums()
    previous_sums = previous or rules.empty_sums()
    return Row(
        org=org,
        sums=sums,
        figures=rules.compute_all(sums, closed=period.end < today),
        previous=rules.compute_all(previous_sums, closed=period.previous().end < today),
        previous_sums=previous_sums,
    )


# --- the public reads ---------------------------------------------------------------------------------------------


def node_row(user, node: Organization, period: Period, *, today: date) -> Row:
    """The node's own figures in the period (its whole subtree), with the previous period's: one query."""
    grouped = _grouped(_two_periods(user, node, period), None, period, today)
    return _row(node, grouped.get((None, True)), grouped.get((None, False)), period, today)


def _children(user, node: Organization) -> list[Organization]:
    return list(
        Organization.objects.visible_to(user)
        .filter(path__startswith=node.path, depth=node.depth + 1)
        .exclude(kind=Organization.Kind.PARTY_GROUP)
        .order_by("path")
    )


def _child_sums(user, node: Organization, period: Period, today: date) -> dict[tuple[Any, bool], dict]:
    """{(child path, current): sums}: the subtree's rows grouped by the child they lie under (one query)."""
    prefix = Substr("cell__path", 1, len(node.path) + Organization.steplen)
    return _grouped(_two_periods(user, node, period).annotate(prefix=prefix), "prefix", period, today)


def _children_rows(
    children: list[Organization], grouped: dict[tuple[Any, bool], dict], period: Period, today: date
) -> list[Row]:
    """A row for each child that is active or has figures in either period (so that the rows add up to the
    node's, even when a sub-unit was dissolved during the period)."""
    return [
        _row(c, grouped.get((c.path, True)), grouped.get((c.path, False)), period, today)
        for c in children
        if c.active or (c.path, True) in grouped or (c.path, False) in grouped
    ]


def children_rows(user, node: Organization, period: Period, *, today: date) -> list[Row]:
    """The direct sub-units' figures (two queries: the sub-units, their sums grouped by sub-unit); [] for a cell."""
    if node.is_cell:
        return []
    return _children_rows(_children(user, node), _child_sums(user, node, period, today), period, today)


def _total(node: Organization, grouped: dict[tuple[Any, bool], dict], period: Period, today: date) -> Row:
    """The node's row as the roll-up (``rules.add``) of every group under it."""
    current = rules.add(s for (_, is_current), s in grouped.items() if is_current)
    previous = rules.add(s for (_, is_current), s in grouped.items() if not is_current)
    return _row(node, current, previous, period, today)


def trend(user, node: Organization, period: Period, *, today: date) -> list[tuple[date, dict]]:
    """The figures of each of the 12 months ending with the period's last month (one query grouped by month)."""
    months = [add_months(period.last_month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    rows = (
        _facts(user, node)
        .filter(month__gte=months[0], month__lte=months[-1])
        .values("month")
        .annotate(**_month_sums())
        .order_by()
    )
    by_month = {r["month"]: _clean(r) for r in rows}
    return [
        (m, rules.compute_all(by_month.get(m) or rules.empty_sums(), closed=Period.containing(MONTH, m).end < today))
        for m in months
    ]


def sectors(user, node: Organization, period: Period, *, today: date) -> list[tuple[str, str, Row]]:
    """The figures by kind of unit of the cells (``Organization.sector``; cells without one under "unknown"), for
    the sectors with rows in the period or the previous one, in the order of the choices (one query)."""
    grouped = {
        (key or UNKNOWN_SECTOR, current): sums
        for (key, current), sums in _grouped(_two_periods(user, node, period), "cell__sector", period, today).items()
    }
    labels = [*Organization.Sector.choices, (UNKNOWN_SECTOR, _("Kind of unit not set"))]
    return [
        (code, str(label), _row(node, grouped.get((code, True)), grouped.get((code, False)), period, today))
        for code, label in labels
        if (code, True) in grouped or (code, False) in grouped
    ]


def grades(user, node: Organization, year: int) -> GradeRow:
    """The year's decided grades in the subtree (one query): members summed over the organisations' rows; cells
    and grassroots organisations counted by their own grade among the rows that are cells, resp. grassroots."""
    aggregates: dict[str, Any] = {}
    for level in (*rules.GRADE_LEVELS, "not_decided"):
        aggregates[f"members_{level}"] = Sum(f"members_{level}")
        own = Q(own_level="") if level == "not_decided" else Q(own_level=level)
        aggregates[f"cells_{level}"] = Count("pk", filter=Q(is_cell=True) & own)
        aggregates[f"grassroots_{level}"] = Count("pk", filter=Q(is_grassroots=True) & own)
    values = (
        OrgYear.objects.visible_to(user)
        .filter(organization__path__startswith=node.path, year=year)
        .aggregate(**aggregates)
    )
    sums = rules.empty_grade_sums() | {k: v or 0 for k, v in values.items()}
    return GradeRow(
        members={lv: sums[f"members_{lv}"] for lv in rules.GRADE_LEVELS},
        cells={lv: sums[f"cells_{lv}"] for lv in rules.GRADE_LEVELS},
        grassroots={lv: sums[f"grassroots_{lv}"] for lv in rules.GRADE_LEVELS},
        figures=rules.grade_figures(sums),
    )


def pending(user, node: Organization) -> int:
    """Cell-months of the subtree whose record changed since their figures were computed (one query)."""
    return StaleCellMonth.objects.visible_to(user).filter(cell__path__startswith=node.path).count()


def dashboard(user, node: Organization, period: Period, *, today: date) -> Dashboard:
    """Everything a node's dashboard shows, in at most 7 queries whatever the size of the subtree (the user's
    grants, the sub-units, their sums, the trend, the sectors, the grades, the pending marks)."""
    if node.is_cell:
        children: list[Row] = []
        total = node_row(user, node, period, today=today)
    else:
        grouped = _child_sums(user, node, period, today)
        children = _children_rows(_children(user, node), grouped, period, today)
        total = _total(node, grouped, period, today)
    return Dashboard(
        node=node,
        period=period,
        closed=period.end < today,
        total=total,
        children=children,
        trend=trend(user, node, period, today=today),
        sectors=sectors(user, node, period, today=today),
        grades=grades(user, node, period.year),
        pending=pending(user, node),
    )
