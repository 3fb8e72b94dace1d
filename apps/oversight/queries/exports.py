"""Oversight's tables as Excel (apps.exports), read by the pages' own queries, so that every figure is the one the
page shows (apps.oversight.rules.figures) and no row comes from outside what the user may see:

- ``dashboard`` (``?org=<id>&period=2026-11|2026-q4|2026&sort=<code>&dir=asc|desc``): the dashboard's sub-units
  table (its columns and its order), the node's own figures as the totals row (the weighted roll-up, not a sum
  of percentages); ``columns=all`` gives every figure instead of the page's columns;
- ``briefing`` (``?org=<committee>&month=yyyy-mm``): the briefing pack's results table, each sub-unit's results of
  the month reviewed and the committee's total.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, today
from apps.exports.rules.tables import INT, MONEY, PERCENT, Column, Params, Table, Unavailable, int_param
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for
from apps.oversight.queries import briefing as queries_briefing
from apps.oversight.queries import dashboard as queries_dashboard
from apps.oversight.queries import figures as queries_figures
from apps.oversight.queries.thresholds import oversees
from apps.oversight.rules import dashboard as rules_dashboard
from apps.oversight.rules.figures import BY_CODE, FIGURES, Figure
from apps.oversight.rules.periods import Period, month_of

KINDS = {"count": INT, "percent": PERCENT, "money": MONEY}


def _node(user, params: Params) -> Organization:
    node = organizations_for(user, VIEW).filter(pk=int_param(params, "org")).first()
    if node is None:
        raise Unavailable("org")
    return node


def _figure_column(figure: Figure) -> Column:
    kind = KINDS.get(figure.unit, INT)
    return Column(str(figure.label), kind, width=14 if kind == MONEY else 11)


def _figure_rows(rows: Sequence[tuple[str, dict]], codes: Sequence[str]) -> Iterator[list]:
    for name, figures in rows:
        yield [name, *(figures.get(code) for code in codes)]


# ---------------------------------------------------------------------------------------------- the dashboard


def _period(params: Params, day) -> Period:
    """The dashboard's period from the address; like the page, a period that makes no sense is last month."""
    key = (params.get("period") or "").strip()
    if key:
        try:
            return Period.from_key(key)
        except ValueError:
            pass
    return rules_dashboard.default_period(day)


def dashboard(user, params: Params) -> Table:
    node = _node(user, params)
    day = today()
    period = _period(params, day)
    sort = params.get("sort") or ""
    if sort != rules_dashboard.NAME and sort not in BY_CODE:
        sort = ""
    direction = rules_dashboard.ASC if params.get("dir") == rules_dashboard.ASC else rules_dashboard.DESC
    codes = [f.code for f in FIGURES] if params.get("columns") == "all" else rules_dashboard.columns(sort)
    data = queries_figures.dashboard(user, node, period, today=day)  # the page's own figures (≤ 7 queries)
    ordered = queries_dashboard.sort_children(data.children, sort, direction)  # the page's order
    return Table(
        title=_("Figures of the sub-units"),
        organisation=node.name,
        period=rules_dashboard.period_title(period),
        columns=[Column(_("Organisation"), width=28), *(_figure_column(BY_CODE[code]) for code in codes)],
        rows=_figure_rows([(row.org.name, row.figures) for row in ordered], codes),
        count=len(ordered),
        totals=[node.name, *(data.total.figures.get(code) for code in codes)],
    )


# ---------------------------------------------------------------------------------------------- the briefing

BRIEFING_CODES = (
    *queries_briefing.RESULT_CODES,
    *queries_briefing.QUALITY_CODES,
    *queries_briefing.TASK_CODES,
    queries_briefing.DUES_CODE,
)


def briefing(user, params: Params) -> Table:
    committee = _node(user, params)
    if committee.is_cell or not oversees(user, committee):
        raise Unavailable("org")
    day = today()
    month = month_of(day)
    if (params.get("month") or "").strip():
        asked = queries_briefing.parse_month(params["month"].strip())
        if asked is None:
            raise Unavailable("month")
        month = asked
    pack = queries_briefing.pack(user, committee, month, today=day)
    return Table(
        title=_("Briefing of %(month)s: results of %(reviewed)s")
        % {"month": f"{month:%m/%Y}", "reviewed": f"{pack.reviewed.first_month:%m/%Y}"},
        organisation=committee.name,
        period=rules_dashboard.period_title(pack.reviewed),
        columns=[Column(_("Organisation"), width=28), *(_figure_column(BY_CODE[code]) for code in BRIEFING_CODES)],
        rows=_figure_rows([(row.org.name, row.figures) for row in pack.rows], BRIEFING_CODES),
        count=len(pack.rows),
        totals=[committee.name, *(pack.total.figures.get(code) for code in BRIEFING_CODES)] if pack.total else None,
    )
