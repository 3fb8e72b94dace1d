"""The year's grades as an Excel table (apps.exports): ``?org=<id>&year=<yyyy>``, the rows of the grading page of
the organisation (a cell's members, or a committee's sub-organisations), read by the page's own query."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, today
from apps.exports.rules.tables import INT, NUMBER, PERCENT, Column, Params, Table, Unavailable, int_param, year_param
from apps.grading.queries.grading import year_overview
from apps.orgs.queries.tree import organizations_for


def grades(user, params: Params) -> Table:
    org = organizations_for(user, VIEW).filter(pk=int_param(params, "org")).first()
    if org is None:
        raise Unavailable("org")
    year = year_param(params, today().year)
    overview = year_overview(user, org, year)
    rows = overview["rows"]
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Member") if org.is_cell else _("Organisation"), width=30),
        Column(_("Status"), width=22),
        Column(_("Grade"), width=10),
        Column(_("Self-assessed points"), NUMBER, width=12),
        Column(_("Appraised points"), NUMBER, width=12),
        Column(_("Attendance"), PERCENT, width=11),
        Column(_("Tasks late"), INT, width=10),
        Column(_("Tasks"), INT, width=9),
    ]
    notes = []
    if overview["org_share"] is not None:
        notes.append(_("%(org_share)s%% of organisations graded HTTNV or better") % overview)
    if overview["member_share"] is not None:
        notes.append(_("%(member_share)s%% of members graded HTTNV or better") % overview)
    return Table(
        title=_("Annual grading %(year)s: %(name)s") % {"year": year, "name": org.name},
        organisation=org.name,
        period=_("Year %(year)s") % {"year": year},
        columns=columns,
        rows=_grade_rows(rows),
        count=len(rows),
        notes=notes,
    )


def _grade_rows(rows: list[dict]) -> Iterator[list]:
    for number, row in enumerate(rows, start=1):
        rating = row["rating"]
        if row["exempt"]:
            status = _("not graded (suspended)") if row["why"] == "suspended" else _("not graded (exempted)")
            yield [number, row["name"], status, None, None, None, None, None, None]
        elif rating is None:
            yield [number, row["name"], _("not started"), None, None, None, None, None, None]
        else:
            evidence = rating.evidence or {}
            yield [
                number,
                row["name"],
                rating.get_status_display(),
                rating.level.upper() or None,
                rating.self_points,
                rating.appraisal_points,
                evidence.get("attendance_percent"),
                evidence.get("tasks_late"),
                evidence.get("tasks_total"),
            ]
