"""The oversight fact tables computed from the record: a cell's figures of a month (``CellMonth``) and an
organisation's grades of a year (``OrgYear``). ``apps.oversight.services.facts`` stores what these compute; the
dashboards read only the stored rows. Every figure is counted here once, the way the meeting pages and the score
count it, so that a committee's dashboard says what the cells' own pages say.

A month is a calendar month in Vietnam's time (Asia/Ho_Chi_Minh): a meeting belongs to the month of its local
scheduled day. Regular and thematic meetings only (the board's pre-meetings are not counted).

Meetings
- ``<kind>_planned``: the cell's regular (thematic) meetings of the month, cancelled ones included.
- ``<kind>_held``: those closed. ``<kind>_on_time``: held and started on the scheduled local day.
- ``sittings_held``: held meetings counted once per distinct scheduled time: a regular and a thematic meeting held
  in one sitting (the score's ``combined_session``) are one sitting and one meeting of each kind.

Attendance of the meetings held (summed over them), from ``apps.quality.queries.metrics.metrics_for_meetings`` so
that each equals the score's metric of the same name: ``attendance_expected`` (members summoned, exempted and
temporarily attached members left out unless they came), ``attendance_present`` (present or late),
``unexcused_absences``, ``excused_absences``, ``attendees`` (members present) and ``speakers`` (members present who
spoke at least once). The metrics read the roll call as the meeting pages do: the cell's members now, plus anyone
marked at the meeting.

Quality of the meetings held: ``quality_tot/kha/tb/kem`` by the final level of their score (the supervisor's
override if any, else the proposed result: ``MeetingScore.final_level``, codes tot, kha, trung_binh, kem);
``quality_unscored``: held without a score (or with a score without a level); ``scores_unconfirmed``: held meetings
whose score is not confirmed yet (``confirmed_at`` empty).

Tasks: the cell's tasks (``Task.organization`` is the cell, a committee's task given to the cell included) whose
deadline falls in the month, of resolutions that are not drafts, dropped ones left out: ``tasks_due``,
``tasks_done_on_time`` (completed on or before the deadline), ``tasks_done_late`` (completed after it),
``tasks_open`` (not completed).

Targets: the cell's targets whose period ends in the month, of resolutions that are not drafts, by the outcome of
their latest actual (newest date, then newest row; ``apps.resolutions.rules.follow.target_outcome``):
``targets_exceeded``, ``targets_met``, ``targets_missed``, ``targets_unknown`` (no actual yet).

Members. A member is in a cell on a day when one of their membership periods (``CellMembership``) there covers it:
joined on or before the day, not left, or left after it (on the day of a transfer the member is the new cell's).
- ``admitted``: members admitted (``admitted_on``) in the month, in the cell they were in on that day;
  ``confirmed``: made official (``official_on``) in the month, likewise. A member admitted before the system knew
  them (no period covering the day) is counted nowhere.
- ``transferred_in``: periods that start in the month and follow an earlier period of the member or name where the
  member came from (``joined_from``: a transfer from outside the system); a first period without it is an admission
  or the member's entry into the system, not a transfer. ``transferred_out``: periods that end in the month.
- ``removed``: always 0. The record has no removal: the system only raises the removal alert (DOMAIN.md §9) and an
  archived member's period ends as a transfer out.
- Stock at the month's last day (STOCK_FIELDS): ``members_official`` (official by then), ``members_probationary``
  (admitted by then, not yet official), and among them ``members_exempt`` (an exemption covers the day) and
  ``members_attached_out`` (a temporary attachment to another cell covers the day).

Dues: the ``Dues`` rows of the month of members in the cell at the month's last day (a member with no period
covering it: their cell now): ``dues_payers`` (rows that owe: not exempt), ``dues_paid`` (paid or reduced),
``dues_collected`` (the amount of those, in đồng).

Queries: ``compute_cell_months`` works in batches of at most ``BATCH`` cell-months, sorted by month then cell; a
batch costs 10 queries (cells, meetings, scores, tasks, targets, members, periods, exemptions, attachments, dues),
plus the 15 of ``metrics_for_meetings`` for each ``METRICS_BATCH`` held meetings (none when nothing was held):
25 for an ordinary batch, whatever the number of members, meetings or months in it.

Grades: ``compute_org_years`` (apps/oversight/queries/facts_grades.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from apps.meetings.models import Meeting
from apps.members.models import Attachment, CellMembership, Dues, Exemption, Member
from apps.orgs.models import Organization
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth
from apps.oversight.queries.facts_grades import compute_org_years
from apps.oversight.rules.periods import add_months, month_of
from apps.quality.models import MeetingScore
from apps.quality.queries.metrics import metrics_for_meetings
from apps.resolutions.models import Resolution, Target, TargetActual, Task
from apps.resolutions.rules import follow

BATCH = 200  # cell-months per batch (SQLite's parameters; 2 per cell in the members' subquery)
METRICS_BATCH = 400  # held meetings per call of metrics_for_meetings
KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)
METRICS = (
    "attendance_expected",
    "attendance_present",
    "unexcused_absences",
    "excused_absences",
    "attendees",
    "speakers",
)
QUALITY_FIELDS = {"tot": "quality_tot", "kha": "quality_kha", "trung_binh": "quality_tb", "kem": "quality_kem"}
OUTCOME_FIELDS = {
    follow.EXCEEDED: "targets_exceeded",
    follow.MET: "targets_met",
    follow.MISSED: "targets_missed",
    follow.NO_DATA: "targets_unknown",
}
PAYING = (Dues.Status.PAID, Dues.Status.REDUCED)

__all__ = ["compute_cell_months", "compute_org_years"]

Pair = tuple[int, date]


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def local_month(moment: datetime) -> date:
    return month_of(timezone.localdate(moment))


def _local_start(month: date) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1))


def empty_row() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys((*FLOW_FIELDS, *STOCK_FIELDS), 0)
    row["dues_collected"] = Decimal(0)
    return row


# ---------------------------------------------------------------------------------------------- cell months


def compute_cell_months(pairs: Iterable[Pair]) -> list[CellMonth]:
    """Unsaved ``CellMonth`` rows of the (cell id, month) pairs, every column from the record (module docstring);
    ``month`` may be any day of the month. Pairs naming an organisation that is not a cell give no row."""
    wanted = sorted({(cell_id, month_of(month)) for cell_id, month in pairs}, key=lambda p: (p[1], p[0]))
    now = timezone.now()
    out: list[CellMonth] = []
    for batch in _chunks(wanted, BATCH):
        rows = _batch(batch)
        out += [CellMonth(cell_id=cell_id, month=month, computed_at=now, **row) for (cell_id, month), row in rows]
    return out


def _batch(pairs: Sequence[Pair]) -> list[tuple[Pair, dict[str, Any]]]:
    cells = set(
        Organization.objects.filter(pk__in={c for c, _ in pairs}, kind=Organization.Kind.CELL).values_list(
            "pk", flat=True
        )
    )
    rows = {pair: empty_row() for pair in pairs if pair[0] in cells}
    if not rows:
        return []
    cell_ids = sorted(cells)
    months = sorted({m for _, m in rows})
    _meetings(rows, cell_ids, months)
    _tasks(rows, cell_ids, months)
    _targets(rows, cell_ids, months)
    _members(rows, cell_ids, months)
    return sorted(rows.items(), key=lambda item: (item[0][1], item[0][0]))


def _meetings(rows: dict[Pair, dict], cell_ids: list[int], months: list[date]) -> None:
    meetings = Meeting.objects.filter(
        cell_id__in=cell_ids,
        kind__in=KINDS,
        scheduled_at__gte=_local_start(months[0]),
        scheduled_at__lt=_local_start(add_months(months[-1], 1)),
    ).order_by("scheduled_at", "pk")
    held: list[tuple[dict, Meeting]] = []
    sittings: dict[Pair, set[datetime]] = defaultdict(set)
    for meeting in meetings:
        key = (meeting.cell_id, local_month(meeting.scheduled_at))
        row = rows.get(key)
        if row is None:
            continue
        row[f"{meeting.kind}_planned"] += 1
        if meeting.status != Meeting.Status.CLOSED:
            continue
        row[f"{meeting.kind}_held"] += 1
        started = meeting.started_at
        if started is not None and timezone.localdate(started) == timezone.localdate(meeting.scheduled_at):
            row[f"{meeting.kind}_on_time"] += 1
        sittings[key].add(meeting.scheduled_at)
        held.append((row, meeting))
    for key, times in sittings.items():
        rows[key]["sittings_held"] = len(times)
    if not held:
        return
    metrics: dict[int, dict] = {}
    for chunk in _chunks([m for _, m in held], METRICS_BATCH):
        metrics.update(metrics_for_meetings(chunk))
    scores = {
        meeting_id: (result, override, confirmed_at)
        for meeting_id, result, override, confirmed_at in MeetingScore.objects.filter(
            meeting_id__in=[m.pk for _, m in held]
        ).values_list("meeting_id", "result", "override_result", "confirmed_at")
    }
    for row, meeting in held:
        figures = metrics[meeting.pk]
        for name in METRICS:
            row[name] += figures[name]
        score = scores.get(meeting.pk)
        level = ""
        if score is not None:
            final = score[1] if score[1] is not None else score[0]
            level = (final or {}).get("level", "")
            if score[2] is None:
                row["scores_unconfirmed"] += 1
        row[QUALITY_FIELDS.get(level, "quality_unscored")] += 1


def _not_draft(queryset):
    return queryset.exclude(resolution__status=Resolution.Status.DRAFT)


def _tasks(rows: dict[Pair, dict], cell_ids: list[int], months: list[date]) -> None:
    tasks = _not_draft(
        Task.objects.filter(
            organization_id__in=cell_ids, deadline__gte=months[0], deadline__lt=add_months(months[-1], 1)
        )
    ).values_list("organization_id", "deadline", "completed_on", "dropped_reason")
    for cell_id, deadline, completed_on, dropped_reason in tasks:
        row = rows.get((cell_id, month_of(deadline)))
        if row is None or dropped_reason:
            continue
        row["tasks_due"] += 1
        if completed_on is None:
            row["tasks_open"] += 1
        elif completed_on <= deadline:
            row["tasks_done_on_time"] += 1
        else:
            row["tasks_done_late"] += 1


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _targets(rows: dict[Pair, dict], cell_ids: list[int], months: list[date]) -> None:
    latest = TargetActual.objects.filter(target=OuterRef("pk")).order_by("-on", "-pk").values("value")[:1]
    targets = (
        _not_draft(
            Target.objects.filter(
                organization_id__in=cell_ids,
                period_end__gte=months[0],
                period_end__lt=add_months(months[-1], 1),
            )
        )
        .annotate(actual=Subquery(latest))
        .values_list("organization_id", "period_end", "value", "direction", "actual")
    )
    for cell_id, period_end, value, direction, actual in targets:
        row = rows.get((cell_id, month_of(period_end)))
        if row is None:
            continue
        outcome = follow.target_outcome(value=Decimal(str(value)), actual=_decimal(actual), direction=direction)
        row[OUTCOME_FIELDS[outcome]] += 1


class _Periods:
    """A member's membership periods, oldest first, and the cell they were in on a day."""

    def __init__(self, periods: list[tuple[int, date, date | None]]):
        self.periods = periods

    def cell_on(self, day: date | None) -> int:
        """The cell the member was in on the day; 0 (no cell) when no period covers it."""
        if day is None:
            return 0
        found = 0
        for cell_id, joined_on, left_on in self.periods:
            if joined_on <= day and (left_on is None or left_on > day):
                found = cell_id
        return found


def _covers(periods: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def _members(rows: dict[Pair, dict], cell_ids: list[int], months: list[date]) -> None:
    """Admissions, confirmations, transfers, the stock at each month's end, and dues (module docstring)."""
    ever = CellMembership.objects.filter(cell_id__in=cell_ids).values("member_id")
    relevant = Member.objects.filter(Q(cell_id__in=cell_ids) | Q(pk__in=ever)).values("pk")
    members = {
        pk: (cell_id, admitted_on, official_on)
        for pk, cell_id, admitted_on, official_on in Member.objects.filter(pk__in=relevant).values_list(
            "pk", "cell_id", "admitted_on", "official_on"
        )
    }
    raw: dict[int, list] = defaultdict(list)
    for member_id, *period in (
        CellMembership.objects.filter(member_id__in=relevant)
        .order_by("joined_on", "pk")
        .values_list("member_id", "cell_id", "joined_on", "left_on", "joined_from")
    ):
        raw[member_id].append(period)
    first_end, last_end = month_end(months[0]), month_end(months[-1])
    exempt: dict[int, list] = defaultdict(list)
    attached: dict[int, list] = defaultdict(list)
    for model, into in ((Exemption, exempt), (Attachment, attached)):
        for member_id, starts_on, ends_on in (
            model.objects.filter(member_id__in=relevant, starts_on__lte=last_end)
            .exclude(ends_on__lt=first_end)
            .values_list("member_id", "starts_on", "ends_on")
        ):
            into[member_id].append((starts_on, ends_on))

    ends = [(month, month_end(month)) for month in months]
    for member_id, (_cell_id, admitted_on, official_on) in members.items():
        periods = raw.get(member_id, [])
        where = _Periods([(cell, joined_on, left_on) for cell, joined_on, left_on, _ in periods])
        for field, day in (("admitted", admitted_on), ("confirmed", official_on)):
            row = rows.get((where.cell_on(day), month_of(day))) if day else None
            if row is not None:
                row[field] += 1
        for index, (cell, joined_on, left_on, joined_from) in enumerate(periods):
            row = rows.get((cell, month_of(joined_on)))
            if row is not None and (index > 0 or joined_from):
                row["transferred_in"] += 1
            row = rows.get((cell, month_of(left_on))) if left_on else None
            if row is not None:
                row["transferred_out"] += 1
        for month, end in ends:
            row = rows.get((where.cell_on(end), month))
            if row is None or admitted_on > end:
                continue
            row["members_official" if official_on and official_on <= end else "members_probationary"] += 1
            if _covers(exempt.get(member_id, []), end):
                row["members_exempt"] += 1
            if _covers(attached.get(member_id, []), end):
                row["members_attached_out"] += 1

    for member_id, month, status, amount in Dues.objects.filter(member_id__in=relevant, month__in=months).values_list(
        "member_id", "month", "status", "amount"
    ):
        member = members.get(member_id)
        if member is None:
            continue
        periods = raw.get(member_id, [])
        cell = _Periods([(c, j, left) for c, j, left, _ in periods]).cell_on(month_end(month)) or member[0]
        row = rows.get((cell, month))
        if row is None or status == Dues.Status.EXEMPT:
            continue
        row["dues_payers"] += 1
        if status in PAYING:
            row["dues_paid"] += 1
            row["dues_collected"] += Decimal(amount)
