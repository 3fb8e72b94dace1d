"""Early warnings for a node's subtree (issue 12, point 5), each with its reason and a link to the evidence.

A bounded number of queries whatever the size of the subtree: the cells (1), the thresholds that reach them (1),
the cells' monthly facts of the months read (``CellMonth``, 1), then one query each for the live records: overdue
tasks, the year's calendars, unconfirmed scores, probationary members, and the removal watch (members, their
unexcused absences, dues and exemptions of the year: 4). Every read starts from the user's scope (``visible_to``
or the owning app's lookup) and is narrowed to the subtree. The rules are ``apps.oversight.rules.warnings``; the
thresholds are data (``OversightRule``), read per cell: the nearest issuer above it wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import subtree_filter
from apps.meetings.models import Attendance, Meeting
from apps.meetings.queries.calendar import calendars_for
from apps.members.models import Member
from apps.members.queries import member as queries_member
from apps.members.queries import watch as queries_watch
from apps.members.rules import member as rules_member
from apps.members.rules import watch as rules_watch
from apps.orgs.models import Organization
from apps.oversight.models import CellMonth
from apps.oversight.queries.supervision import cells_of
from apps.oversight.queries.thresholds import Thresholds
from apps.oversight.rules import figures
from apps.oversight.rules import warnings as rules
from apps.oversight.rules.periods import MONTH, QUARTER, Period, add_months, month_of
from apps.quality.models import MeetingScore
from apps.quality.queries.score import scores_for
from apps.resolutions.models import Task
from apps.resolutions.queries.tasks import overdue_for

# The CellMonth columns the warnings read (the figures take 0 for a column they are not given).
FACT_COLUMNS = (
    "regular_planned",
    "regular_held",
    "thematic_held",
    "attendance_expected",
    "attendance_present",
    "quality_tot",
    "quality_kha",
    "quality_tb",
    "quality_kem",
    "quality_unscored",
)
WATCHED_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)


# --- the warnings -----------------------------------------------------------------------------------------------------


def _dashboard_url(cell: Organization, period: Period) -> str:
    return f"{reverse('oversight:dashboard', args=[cell.pk])}?period={period.key}"


def _meetings_url(cell: Organization, period: Period) -> str:
    return f"{reverse('oversight:cell_meetings', args=[cell.pk])}?period={period.key}"


def _facts(user, node: Organization, first: date, last: date) -> dict[int, dict[date, dict]]:
    """cell → month → the columns of its CellMonth row, for the months ``first``..``last`` (one query)."""
    rows = (
        CellMonth.objects.visible_to(user)
        .filter(subtree_filter(CellMonth.scope_path, node.path), month__gte=first, month__lte=last)
        .values("cell_id", "month", *FACT_COLUMNS)
    )
    facts: dict[int, dict[date, dict]] = defaultdict(dict)
    for row in rows:
        facts[row["cell_id"]][row["month"]] = row
    return facts


def _figure(code: str, row: dict | None) -> float | None:
    """A percent figure of one cell-month (``apps.oversight.rules.figures``), None without a row or a base."""
    if not row:
        return None
    value = figures.BY_CODE[code].compute(row, True)
    return None if value is None else float(value)


def _monthly(user, node, cells, thresholds: Thresholds, today: date, kinds: set[str]) -> list[rules.Warning]:
    """The warnings read from the cells' monthly facts: no meeting last month, no thematic meeting in the quarter,
    attendance under the threshold last month, attendance or quality falling."""
    quarter = rules.thematic_quarter(today)
    first = min(rules.window(today, thresholds.largest("falling_months"))[0], quarter.first_month)
    facts = _facts(user, node, first, month_of(today))
    this_month = month_of(today)
    last_month = add_months(this_month, -1)
    last_period = Period(MONTH, last_month.year, last_month.month)
    quarter_is_current = quarter == Period.containing(QUARTER, today)
    found: list[rules.Warning] = []
    for cell in cells:
        rule = thresholds.at(cell.path)
        months = facts.get(cell.pk, {})
        last = months.get(last_month)

        def warn(kind: str, severity: str, reason: str, url: str, since: date, cell=cell) -> None:
            found.append(rules.Warning(kind, severity, cell, reason, url, since))

        if rules.NO_MEETING in kinds and not (last or {}).get("regular_held"):
            reason = rules.no_meeting_reason(last_month, planned=(last or {}).get("regular_planned") or 0)
            warn(rules.NO_MEETING, rules.ALERT, reason, _meetings_url(cell, last_period), this_month)
        if rules.NO_THEMATIC in kinds and not sum(months.get(m, {}).get("thematic_held") or 0 for m in quarter.months):
            since = quarter.last_month if quarter_is_current else quarter.next().first_month
            reason = rules.no_thematic_reason(quarter, current=quarter_is_current)
            warn(rules.NO_THEMATIC, rules.WARNING, reason, _meetings_url(cell, quarter), since)
        rate = _figure("attendance_rate", last)
        if rules.LOW_ATTENDANCE in kinds and rate is not None and rules.below(rate, rule.attendance_min):
            reason = rules.low_attendance_reason(last_month, rate=rate, threshold=rule.attendance_min)
            warn(rules.LOW_ATTENDANCE, rules.WARNING, reason, _dashboard_url(cell, last_period), this_month)
        window = rules.window(today, rule.falling_months)
        rows = [months.get(m) for m in window]
        if rules.ATTENDANCE_FALLING in kinds:
            rates = [_figure("attendance_rate", r) for r in rows]
            if rules.falling(rates, rule.falling_months):
                reason = rules.attendance_falling_reason(window, rates)
                warn(rules.ATTENDANCE_FALLING, rules.WARNING, reason, _dashboard_url(cell, last_period), this_month)
        if rules.QUALITY_FALLING in kinds:
            reason = _quality_fall(window, rows, rule.falling_months)
            if reason:
                warn(rules.QUALITY_FALLING, rules.WARNING, reason, _dashboard_url(cell, last_period), this_month)
    return found


def _quality_fall(window: list[date], rows: list[dict | None], count: int) -> str:
    """The reason quality is falling (the share of meetings rated good, or else the average level), or ""."""
    shares = [_figure("good_share", r) for r in rows]
    if rules.falling(shares, count):
        return rules.quality_falling_reason(window, shares, good_share=True)
    levels = [rules.average_level(r) if r else None for r in rows]
    if rules.falling(levels, count):
        return rules.quality_falling_reason(window, levels, good_share=False)
    return ""


def _local_bounds(first: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _overdue_tasks(user, node: Organization, today: date) -> list[rules.Warning]:
    """Tasks past their deadline, neither done nor dropped (the overdue list's rule), one warning each (one query)."""
    tasks = overdue_for(user, today=today).filter(subtree_filter(Task.scope_path, node.path))
    return [
        rules.Warning(
            rules.OVERDUE_TASK,
            rules.WARNING,
            task.organization,
            rules.overdue_task_reason(task.title, deadline=task.deadline, today=today),
            reverse("resolutions:task", args=[task.pk]),
            task.deadline + timedelta(days=1),
        )
        for task in tasks
    ]


def _unconfirmed_scores(user, node: Organization, thresholds: Thresholds, today: date) -> list[rules.Warning]:
    """Proposed scores the supervisor has not confirmed within the cell's ``score_confirm_days`` (one query)."""
    cutoff, _end = _local_bounds(today - timedelta(days=thresholds.smallest("score_confirm_days")), today)
    scores = (
        scores_for(user)
        .filter(subtree_filter(MeetingScore.scope_path, node.path), confirmed_at__isnull=True, proposed_at__lt=cutoff)
        .select_related("meeting__cell")
        .order_by("proposed_at", "pk")
    )
    found = []
    for score in scores:
        cell = score.meeting.cell
        days = thresholds.at(cell.path).score_confirm_days
        proposed_on = timezone.localdate(score.proposed_at)
        if rules.score_overdue(proposed_on=proposed_on, today=today, days=days):
            reason = rules.score_reason(
                timezone.localdate(score.meeting.scheduled_at), proposed_on=proposed_on, today=today
            )
            url = reverse("quality:meeting_score", args=[score.meeting_id])
            found.append(
                rules.Warning(
                    rules.SCORE_UNCONFIRMED, rules.WARNING, cell, reason, url, rules.days_after(proposed_on, days)
                )
            )
    return found


def _calendars(user, node: Organization, cells, thresholds: Thresholds, today: date) -> list[rules.Warning]:
    """Cells whose calendar of the year is not submitted (nor registered) after the month it is due by (one
    query)."""
    year = today.year
    status = dict(
        calendars_for(user).filter(subtree_filter("cell__path", node.path), year=year).values_list("cell_id", "status")
    )
    found = []
    for cell in cells:
        due_month = thresholds.at(cell.path).calendar_due_month
        if rules.calendar_overdue(today=today, due_month=due_month, status=status.get(cell.pk)):
            due = rules.calendar_due_date(year, due_month)
            found.append(
                rules.Warning(
                    rules.CALENDAR_MISSING,
                    rules.WARNING,
                    cell,
                    rules.calendar_reason(year, due=due - timedelta(days=1), status=status.get(cell.pk)),
                    reverse("meetings:calendar", args=[cell.pk, year]),
                    due,
                )
            )
    return found


def _probation(user, node: Organization, thresholds: Thresholds, today: date) -> list[rules.Warning]:
    """Probationary members past 12 months and the cell's grace days, still not made official (one query)."""
    members = (
        queries_member.probation_due_members(user, on=today, within_days=-thresholds.smallest("probation_grace_days"))
        .filter(subtree_filter(Member.scope_path, node.path))
        .select_related("cell")
        .order_by("admitted_on", "pk")
    )
    found = []
    for member in members:
        grace = thresholds.at(member.cell.path).probation_grace_days
        due = rules_member.confirmation_due_on(member.admitted_on)
        if rules.probation_overdue(due_on=due, today=today, grace_days=grace):
            found.append(
                rules.Warning(
                    rules.PROBATION_OVERDUE,
                    rules.WARNING,
                    member.cell,
                    rules.probation_reason(member.full_name, admitted_on=member.admitted_on, due_on=due),
                    reverse("members:detail", args=[member.pk]),
                    rules.days_after(due, grace),
                )
            )
    return found


def _unexcused_by_month(member_ids: list[int], *, year: int) -> dict[int, list[tuple[int, str]]]:
    """Member → (month, "unexcused") of each regular or thematic meeting of ``year`` they missed without reason
    (one query): all the removal watch's level needs (apps/home/queries/watch.py reads every status for its
    streaks)."""
    start, end = _local_bounds(date(year, 1, 1), date(year + 1, 1, 1))
    rows = (
        Attendance.objects.filter(
            member_id__in=member_ids,
            status=Attendance.Status.UNEXCUSED,
            meeting__scheduled_at__gte=start,
            meeting__scheduled_at__lt=end,
            meeting__kind__in=WATCHED_KINDS,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("member_id", "meeting__scheduled_at", "status")
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for member_id, scheduled_at, status in rows:
        found[member_id].append((timezone.localtime(scheduled_at).month, status))
    return found


def _removal_watch(user, node: Organization, today: date) -> list[rules.Warning]:
    """Members who missed meetings without reason or did not pay dues in 2 months of the year (warning) or 3 (on
    the list for the cell to consider), by the membership watch's rule (apps.members: 4 queries)."""
    members = list(queries_watch.watched_members(user, within=node))
    if not members:
        return []
    year = today.year
    attendance = _unexcused_by_month([m.pk for m in members], year=year)
    found = []
    for row in queries_watch.watch_rows(members, attendance=attendance, year=year, today=today):
        if row.level == rules_watch.NONE:
            continue  # a long streak of absences with reason only: the watch page's, not a removal warning
        absence = row.absence_months if rules_watch.removal_level(len(row.absence_months)) != rules_watch.NONE else []
        unpaid = row.unpaid_months if rules_watch.removal_level(len(row.unpaid_months)) != rules_watch.NONE else []
        found.append(
            rules.Warning(
                rules.REMOVAL_WATCH,
                rules.ALERT if row.level == rules_watch.ALERT else rules.WARNING,
                row.member.cell,
                rules.removal_watch_reason(
                    row.member.full_name, absence_months=absence, unpaid_months=unpaid, year=year
                ),
                reverse("members:detail", args=[row.member.pk]),
                None,
            )
        )
    return found


def warnings_for(user, node: Organization, *, today: date, kinds: Iterable[str] | None = None) -> list[rules.Warning]:
    """The warnings of ``node``'s subtree that ``user`` may see, of the ``kinds`` asked (all by default), ordered by
    kind, organisation and date: at most 13 queries whatever the size of the subtree."""
    wanted = set(kinds) if kinds is not None else set(rules.KINDS)
    thresholds = Thresholds(node, today)
    cells = list(cells_of(user, node))
    found = _monthly(user, node, cells, thresholds, today, wanted) if wanted & set(MONTHLY_KINDS) else []
    if rules.OVERDUE_TASK in wanted:
        found += _overdue_tasks(user, node, today)
    if rules.SCORE_UNCONFIRMED in wanted:
        found += _unconfirmed_scores(user, node, thresholds, today)
    if rules.CALENDAR_MISSING in wanted:
        found += _calendars(user, node, cells, thresholds, today)
    if rules.PROBATION_OVERDUE in wanted:
        found += _probation(user, node, thresholds, today)
    if rules.REMOVAL_WATCH in wanted:
        found += _removal_watch(user, node, today)
    order = {kind: i for i, kind in enumerate(rules.KINDS)}
    return sorted(found, key=lambda w: (order[w.kind], w.org.path, w.since or date.min))


MONTHLY_KINDS = (
    rules.NO_MEETING,
    rules.NO_THEMATIC,
    rules.LOW_ATTENDANCE,
    rules.ATTENDANCE_FALLING,
    rules.QUALITY_FALLING,
)


@dataclass
class Group:
    kind: str
    label: str
    warnings: list[rules.Warning]


def grouped(warnings: list[rules.Warning]) -> list[Group]:
    """The warnings by kind, in the page's order of kinds (kinds without any left out)."""
    by_kind: dict[str, list[rules.Warning]] = defaultdict(list)
    for warning in warnings:
        by_kind[warning.kind].append(warning)
    return [Group(kind, str(rules.KIND_LABELS[kind]), by_kind[kind]) for kind in rules.KINDS if by_kind[kind]]
