"""`make bench`'s measures of oversight (issue 12): the committees' pages (their query counts and times go in the
main table), the province dashboard's figures against one hand-written SQL query over the raw attendance computing
the same figures in the same run, and the rebuild of the fact table.

Imported by bench/__main__.py once Django is set up (it imports the models at the top)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.orgs.models import Organization
from apps.oversight.models import CellMonth
from apps.oversight.queries import figures
from apps.oversight.rules.periods import MONTH, Period, add_months, month_of
from apps.oversight.services import facts

# Per child of the top node, the last 12 months straight from the record: the regular and thematic meetings held and
# their attendance marks (present or late over everyone expected: exempted members out), grouped by the child's
# path prefix. The dashboard reads the same figures from the fact table.
RAW_SQL = """
SELECT SUBSTR(o.path, 1, %s) AS child,
       COUNT(DISTINCT m.id) AS held,
       SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS present,
       SUM(CASE WHEN a.status IN ('present', 'late', 'excused', 'unexcused') THEN 1 ELSE 0 END) AS expected
FROM meetings_meeting m
JOIN orgs_organization o ON o.id = m.cell_id
LEFT JOIN meetings_attendance a ON a.meeting_id = m.id
WHERE o.path LIKE %s AND m.status = 'closed' AND m.kind IN ('regular', 'thematic')
  AND m.scheduled_at >= %s AND m.scheduled_at < %s
GROUP BY SUBSTR(o.path, 1, %s)
"""


def last_month(today: date) -> Period:
    month = add_months(month_of(today), -1)
    return Period(MONTH, month.year, month.month)


def cases(admin, staff) -> list[tuple[str, object, str]]:
    """The committees' pages, as (label, user, url) cases of the main table: the province's dashboard (the
    administrator), the demo commune's, one of its cells', its warnings and its last month's briefing."""
    root = Organization.objects.get(depth=1)
    commune = staff.role_grants.get().organization
    cell = Organization.objects.filter(kind="cell", path__startswith=commune.path).order_by("path").first()
    month = last_month(timezone.localdate())
    return [
        ("oversight: province dashboard (admin)", admin, reverse("oversight:dashboard", args=[root.pk])),
        ("oversight: commune dashboard", staff, reverse("oversight:dashboard", args=[commune.pk])),
        ("oversight: cell dashboard", staff, reverse("oversight:dashboard", args=[cell.pk])),
        ("oversight: warnings of the commune", staff, reverse("oversight:warnings", args=[commune.pk])),
        (
            "oversight: briefing of the commune, last month",
            staff,
            reverse("oversight:briefing", args=[commune.pk, month.key]),
        ),
    ]


def _median(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = action()  # warm the caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_figures(root: Organization, period: Period) -> list[tuple]:
    """The hand-written query: (child path, meetings held, present, expected) per child of ``root``, for the 12
    months ending with the period."""
    zone = timezone.get_current_timezone()
    first, end = (
        timezone.make_aware(datetime.combine(month, clock.min), zone)
        for month in (add_months(period.last_month, -11), add_months(period.last_month, 1))
    )
    prefix = len(root.path) + Organization.steplen
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [prefix, root.path + "%", first, end, prefix])
        return cursor.fetchall()


@dataclass
class DashboardRatio:
    dashboard_seconds: float
    sql_seconds: float
    children: int
    held_facts: int  # meetings held in the 12 months, as the dashboard's trend counts them
    held_sql: int  # the same, as the hand-written query counts them

    @property
    def ratio(self) -> float:
        return self.dashboard_seconds / self.sql_seconds


def province_dashboard(admin, *, repeat: int) -> DashboardRatio:
    """The province's dashboard (``figures.dashboard`` for the top node: its figures, its children's, the 12-month
    trend, the kinds of unit, the grades) against the hand-written query over the raw record, medians of
    ``repeat`` runs each."""
    root = Organization.objects.get(depth=1)
    today = timezone.localdate()
    period = last_month(today)
    seconds, board = _median(lambda: figures.dashboard(admin, root, period, today=today), repeat)
    sql_seconds, rows = _median(lambda: raw_figures(root, period), repeat)
    return DashboardRatio(
        dashboard_seconds=seconds,
        sql_seconds=sql_seconds,
        children=len(board.children),
        held_facts=sum(row["meetings_held"] or 0 for _month, row in board.trend),
        held_sql=sum(row[1] for row in rows),
    )


def rebuild() -> tuple[float, int]:
    """One full rebuild of the fact tables: (seconds, cell-months stored)."""
    started = time.perf_counter()
    stored = facts.rebuild()
    return time.perf_counter() - started, stored


def report(admin, *, base: float, repeat: int, with_rebuild: bool) -> None:
    """Print the oversight measures, each also as a ratio (to the hand-written query, or to the baseline)."""
    measured = province_dashboard(admin, repeat=repeat)
    print(
        f"\noversight: province dashboard ({measured.children} children, 12-month trend) "
        f"{measured.dashboard_seconds * 1000:.1f} ms = {measured.ratio:.2f} × one hand-written SQL query over the raw "
        f"attendance ({measured.sql_seconds * 1000:.1f} ms, same run); meetings held in the 12 months: "
        f"{measured.held_facts} from the facts, {measured.held_sql} from the record"
    )
    if with_rebuild:
        seconds, stored = rebuild()
        print(
            f"oversight: rebuild of the fact table ({stored} cell-months, {CellMonth.objects.count()} kept) "
            f"{seconds:.1f} s = {seconds / base:,.0f} × baseline"
        )
