"""The receivers that keep the fact tables fresh: each change of the record (a save, a deletion, a bulk write
announced by ``apps.common.audit.rows_written``) is mapped to the (cell, month) pairs whose figures it can change,
which are marked stale in the writing transaction (``services.facts.mark_stale``); a rating's change recomputes its
organisation's grades at once (``services.facts.refresh_org_years``). ``connect()`` is called by the app's
``ready()``.

What a change touches (months after the current one are never marked):
- a meeting (regular or thematic): its cell's month, before and after a move; only when its cell, time, kind,
  status or start changed;
- attendance, a speaker, a score: the month of their meeting once it is closed (a live meeting's marks are counted
  when it closes, which marks the month; the meeting's status is read by key, one query);
- a task, a target: the month of its deadline or period end, before and after; an actual: its target's; a
  resolution that changes status: the months of its tasks and targets;
- a member: on creation, archiving or a move, every month with a held meeting of the cells concerned (the roll call
  of a past meeting lists the cell's members now) and the months of the member's dues; a new admission or
  confirmation date, the months between the old and the new date in every cell the member belonged to;
- a membership period, an exemption, a suspension, a temporary attachment: every month it covers (up to the
  current month), before and after, in the member's cells (and the transfer months of the member's other periods);
- dues: the month of the row in the member's cells;
- an organisation that stops being a cell: its kept months (the refresh deletes them).

Receivers read nothing else when the instance carries what they need: the values a row had when it was loaded are kept
on the instance (``post_init``, from ``__dict__``, never loading a deferred field), so a save that changes nothing
counted marks nothing and a move knows its old month without a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save

from apps.common import audit
from apps.grading.models import AnnualRating
from apps.meetings.models import Attendance, Meeting, Speech
from apps.members.models import Attachment, CellMembership, Dues, Exemption, Member, Suspension
from apps.orgs.models import Organization
from apps.oversight.models import CellMonth, OrgYear
from apps.oversight.queries.facts import local_month
from apps.oversight.rules.periods import month_of
from apps.oversight.services import facts
from apps.quality.models import MeetingScore
from apps.resolutions.models import Resolution, Target, TargetActual, Task

Values = dict[str, Any]
OLD = "_facts_loaded"
MEETING_VALUES = ("cell_id", "scheduled_at", "kind", "status")
MEETING_RECORD = (Attendance, Speech, MeetingScore)
PERIODS = (Exemption, Suspension, Attachment)
FIELDS: dict[type, tuple[str, ...]] = {
    Meeting: ("cell_id", "scheduled_at", "kind", "status", "started_at"),
    Attendance: ("meeting_id", "member_id", "status"),
    Speech: ("meeting_id", "member_id", "spoken"),
    MeetingScore: ("meeting_id", "result", "override_result", "confirmed_at"),
    Task: ("organization_id", "deadline", "completed_on", "dropped_reason", "resolution_id"),
    Resolution: ("status",),
    Target: ("organization_id", "period_end", "value", "direction", "resolution_id"),
    TargetActual: ("target_id", "on", "value"),
    Member: ("cell_id", "active", "admitted_on", "official_on"),
    CellMembership: ("member_id", "cell_id", "joined_on", "left_on", "joined_from"),
    Exemption: ("member_id", "starts_on", "ends_on"),
    Suspension: ("member_id", "starts_on", "ends_on"),
    Attachment: ("member_id", "starts_on", "ends_on"),
    Dues: ("member_id", "month", "status", "amount"),
    AnnualRating: ("organization_id", "year", "status", "decision_level", "is_collective"),
    Organization: ("path", "kind", "level_label"),
}


def _loaded(instance) -> Values:
    return {name: instance.__dict__.get(name) for name in FIELDS[type(instance)]}


def _months(first: date | None, last: date | None) -> list[date]:
    """The months from ``first``'s to ``last``'s (open: the current month), never past the current month."""
    if first is None:
        return []
    end = facts.current_month() if last is None else min(month_of(last), facts.current_month())
    return facts.months_between(first, end)


def _span(old: date | None, new: date | None) -> list[date]:
    """The months whose figures a date moved from ``old`` to ``new`` can change (to now when one is empty)."""
    if old == new:
        return []
    known = [d for d in (old, new) if d is not None]
    return _months(min(known), max(known) if len(known) == 2 else None)


# ---------------------------------------------------------------------------------------------- pairs of a change


def _meeting_pair(values: Values) -> set[facts.Pair]:
    if values["kind"] == Meeting.Kind.BOARD or values["scheduled_at"] is None:
        return set()
    return {(values["cell_id"], local_month(values["scheduled_at"]))}


def _of_meeting(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    return set().union(*(_meeting_pair(v) for v in (old, new) if v))


def _of_meeting_record(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    """Attendance, a speaker or a score counts once its meeting is held (closed). The meeting's status is read
    (one query by key), not taken from a meeting the instance may carry: that one can be out of date."""
    found = Meeting.objects.filter(pk=(new or old or {})["meeting_id"]).values(*MEETING_VALUES).first()
    if found is None or found["status"] != Meeting.Status.CLOSED:
        return set()
    return _meeting_pair(found)


def _of_task(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    return {(v["organization_id"], month_of(v["deadline"])) for v in (old, new) if v and v["deadline"]}


def _of_target(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    return {(v["organization_id"], month_of(v["period_end"])) for v in (old, new) if v and v["period_end"]}


def _of_actual(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    target = instance._state.fields_cache.get("target") if instance is not None else None
    if target is not None:
        return {(target.organization_id, month_of(target.period_end))}
    target = Target.objects.filter(pk=(new or old or {})["target_id"]).values_list("organization_id", "period_end")
    return {(org_id, month_of(end)) for org_id, end in target}


def _of_resolution(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    if old is None or new is None or instance is None:  # created (nothing on it yet) or deleted (its rows go too)
        return set()
    tasks = Task.objects.filter(resolution_id=instance.pk).values_list("organization_id", "deadline")
    targets = Target.objects.filter(resolution_id=instance.pk).values_list("organization_id", "period_end")
    return {(org_id, month_of(day)) for org_id, day in [*tasks, *targets]}


def _member_cells(member_id: int) -> set[int]:
    """The member's cell now and every cell of their periods (one query)."""
    cells: set[int] = set()
    for cell_id, period_cell in Member.objects.filter(pk=member_id).values_list("cell_id", "memberships__cell_id"):
        cells |= {c for c in (cell_id, period_cell) if c is not None}
    return cells


def _held_months(cell_ids: set[int]) -> set[facts.Pair]:
    """Every month with a held meeting of the cells (their roll calls list the cells' members now)."""
    return {
        (cell_id, local_month(at))
        for cell_id, at in Meeting.objects.filter(
            cell_id__in=cell_ids, status=Meeting.Status.CLOSED, kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)
        ).values_list("cell_id", "scheduled_at")
    }


def _of_member(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    if old is None or new is None:  # created or deleted: the roll calls of its cell, its admission, confirmation
        v = new or old or {}
        held = _held_months({v["cell_id"]})
        return held | {(v["cell_id"], month_of(d)) for d in (v["admitted_on"], v["official_on"]) if d}
    pairs: set[facts.Pair] = set()
    if (old["cell_id"], old["active"]) != (new["cell_id"], new["active"]):
        cells = {old["cell_id"], new["cell_id"]}
        pairs |= _held_months(cells)
        dues = Dues.objects.filter(member_id=instance.pk).values_list("month", flat=True)
        pairs |= {(cell_id, month) for month in dues for cell_id in cells}
    months = {m for name in ("admitted_on", "official_on") for m in _span(old[name], new[name])}
    if months:
        cells = _member_cells(instance.pk) | {old["cell_id"], new["cell_id"]}
        pairs |= {(cell_id, month) for cell_id in cells for month in months}
    return pairs


def _of_membership(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    v = new or old or {}
    rows = list(
        Member.objects.filter(pk=v["member_id"]).values_list(
            "cell_id", "memberships__cell_id", "memberships__joined_on"
        )
    )
    member_cells = {cell_id for cell_id, _c, _j in rows}
    pairs = {(cell_id, month_of(joined_on)) for _m, cell_id, joined_on in rows if joined_on}  # transfers in
    for version in (old, new):
        if version:
            for month in _months(version["joined_on"], version["left_on"]):
                pairs |= {(cell_id, month) for cell_id in {version["cell_id"], *member_cells}}
    return pairs


def _of_period(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    v = new or old or {}
    months = {m for version in (old, new) if version for m in _months(version["starts_on"], version["ends_on"])}
    if not months:
        return set()
    return {(cell_id, month) for cell_id in _member_cells(v["member_id"]) for month in months}


def _of_dues(old: Values | None, new: Values | None, instance) -> set[facts.Pair]:
    v = new or old or {}
    months = {version["month"] for version in (old, new) if version and version["month"]}
    return {(cell_id, month) for cell_id in _member_cells(v["member_id"]) for month in months}


def _of_members_bulk(instances: list) -> set[facts.Pair]:
    """New members written in bulk (an import): ``_of_member`` for each, with the held months of all their cells
    read in one query rather than one per row, and no admission or confirmation month before the record begins
    (``facts.first_month``)."""
    floor = facts.first_month()
    held = _held_months({i.cell_id for i in instances})
    held_by_cell: dict[int, set[facts.Pair]] = {}
    for pair in held:
        held_by_cell.setdefault(pair[0], set()).add(pair)
    pairs: set[facts.Pair] = set()
    for i in instances:
        pairs |= held_by_cell.get(i.cell_id, set())
        pairs |= {(i.cell_id, month_of(d)) for d in (i.admitted_on, i.official_on) if d and month_of(d) >= floor}
    return pairs


def _of_memberships_bulk(instances: list) -> set[facts.Pair]:
    """Membership periods written in bulk (an import): ``_of_membership`` for each, with the members' cells and
    periods read in one query, and the months kept from the first month the figures hold (``facts.first_month``: a
    period opened in 1975 marks no month before the record begins, which the rebuild would not keep either)."""
    floor = facts.first_month()
    member_ids = {i.member_id for i in instances}
    cells_of: dict[int, set[int]] = {}
    pairs: set[facts.Pair] = set()
    for member_id, cell_id, period_cell, joined_on in Member.objects.filter(pk__in=member_ids).values_list(
        "pk", "cell_id", "memberships__cell_id", "memberships__joined_on"
    ):
        cells_of.setdefault(member_id, set()).add(cell_id)
        if period_cell is not None and joined_on is not None and month_of(joined_on) >= floor:
            pairs.add((period_cell, month_of(joined_on)))  # transfers in
    for i in instances:
        first = max(i.joined_on, floor) if i.joined_on else None
        if i.left_on is not None and i.left_on < floor:
            continue
        for month in _months(first, i.left_on):
            pairs |= {(cell_id, month) for cell_id in {i.cell_id, *cells_of.get(i.member_id, set())}}
    return pairs


BULK = {Member: _of_members_bulk, CellMembership: _of_memberships_bulk}

PAIRS = {
    Meeting: _of_meeting,
    Attendance: _of_meeting_record,
    Speech: _of_meeting_record,
    MeetingScore: _of_meeting_record,
    Task: _of_task,
    Resolution: _of_resolution,
    Target: _of_target,
    TargetActual: _of_actual,
    Member: _of_member,
    CellMembership: _of_membership,
    Exemption: _of_period,
    Suspension: _of_period,
    Attachment: _of_period,
    Dues: _of_dues,
}


# ---------------------------------------------------------------------------------------------- grades


def _years(old: Values | None, new: Values | None) -> set[tuple[int, int]]:
    return {(v["organization_id"], v["year"]) for v in (old, new) if v}


def _org_years(path: str, *, created: bool) -> set[tuple[int, int]]:
    """The grades whose ``is_grassroots`` an organisation's creation (its parent's), relabelling or change of kind
    (its subtree's and its parent's) can change."""
    near = Q(organization__path=path[: -Organization.steplen])
    if not created:
        near |= Q(organization__path__startswith=path)
    return set(OrgYear.objects.filter(near).values_list("organization_id", "year"))


# ---------------------------------------------------------------------------------------------- receivers


def _changes(old: Values | None, new: Values | None, instance) -> None:
    model = type(instance)
    if model is AnnualRating:
        facts.refresh_org_years(_years(old, new))
    elif model is Organization:
        if new is not None and (old is None or (old["kind"], old["level_label"]) != (new["kind"], new["level_label"])):
            facts.refresh_org_years(_org_years(new["path"] or "", created=old is None))
        if old is not None and new is not None and old["kind"] != new["kind"]:  # no longer (or now) a cell
            facts.mark_stale(CellMonth.objects.filter(cell_id=instance.pk).values_list("cell_id", "month"))
    else:
        facts.mark_stale(PAIRS[model](old, new, instance))


def _on_init(sender, instance, **kwargs) -> None:
    instance.__dict__[OLD] = _loaded(instance) if instance.pk is not None else None


def _on_save(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures: a rebuild follows
        return
    old = None if created else instance.__dict__.get(OLD)
    new = _loaded(instance)
    instance.__dict__[OLD] = new
    if old != new:
        _changes(old, new, instance)


def _on_delete(sender, instance, **kwargs) -> None:
    if audit.bulk_deleting() and sender is not AnnualRating:  # announced by rows_deleting, marked there
        return
    _changes(_loaded(instance), None, instance)


def _on_rows_deleting(sender, instances: list, **kwargs) -> None:
    """Rows about to be deleted in bulk (apps.common.audit.bulk_delete, an import's undo): what their deletion
    changes, read while they are still there, marked in one upsert (new members and periods in a few queries for
    the whole batch, as when they were written in bulk)."""
    if sender not in FIELDS or sender is AnnualRating:  # a grade is recomputed from what is left: after the delete
        return
    if sender in BULK:
        facts.mark_stale(BULK[sender](instances))
    elif sender in PAIRS:
        facts.mark_stale(set().union(*(PAIRS[sender](_loaded(i), None, i) for i in instances)))
    else:
        for instance in instances:
            _changes(_loaded(instance), None, instance)


def _counted(sender, fields: Iterable[str] | None) -> bool:
    """Whether a bulk write of these fields (None: new rows) can change what the figures count."""
    if fields is None:
        return True
    counted = set(FIELDS[sender])
    return any(name in counted or f"{name}_id" in counted for name in fields)


def _on_rows_written(sender, pks: Iterable[object], fields: Iterable[str] | None = None, **kwargs) -> None:
    """A bulk write (apps.common.audit): the rows as written, read back (their old values are not known), and marked
    in one upsert. A write of fields the figures do not count (a reminder's timestamp, a speaker's place) marks
    nothing."""
    if sender not in FIELDS or not _counted(sender, fields):
        return
    if sender in MEETING_RECORD:
        rows = sender.objects.filter(pk__in=list(pks)).values(*(f"meeting__{name}" for name in MEETING_VALUES))
        facts.mark_stale(
            pair
            for row in rows
            if row["meeting__status"] == Meeting.Status.CLOSED
            for pair in _meeting_pair({name: row[f"meeting__{name}"] for name in MEETING_VALUES})
        )
        return
    instances = list(sender.objects.filter(pk__in=list(pks)))
    if sender in BULK and fields is None:  # new rows in bulk: their pairs read together
        facts.mark_stale(BULK[sender](instances))
        return
    if sender in PAIRS:  # the pairs of every row, marked in one upsert
        facts.mark_stale(set().union(*(PAIRS[sender](None, _loaded(i), i) for i in instances)))
        return
    for instance in instances:
        new = _loaded(instance)
        old = {**new, "level_label": None} if sender is Organization else None  # changed, not created
        _changes(old, new, instance)


def connect() -> None:
    for model in FIELDS:
        post_init.connect(_on_init, sender=model, dispatch_uid=f"oversight-facts-init-{model.__name__}")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"oversight-facts-save-{model.__name__}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"oversight-facts-delete-{model.__name__}")
    audit.rows_written.connect(_on_rows_written, dispatch_uid="oversight-facts-rows-written")
    audit.rows_deleting.connect(_on_rows_deleting, dispatch_uid="oversight-facts-rows-deleting")
