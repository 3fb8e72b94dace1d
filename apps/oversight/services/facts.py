"""Keeping the fact tables filled from the record (issue 12, "Scale").

- ``mark_stale(pairs)``: in the writing transaction, the (cell, month) pairs whose record changed get a mark
  (``StaleCellMonth``); a rollback takes the marks away with the change. Once per transaction, the commit enqueues
  the ``refresh_facts`` task (apps/oversight/tasks.py), which calls ``refresh_stale``.
- ``refresh_stale(limit=None)``: takes the marks, recomputes their rows and deletes the marks that were not marked
  again meanwhile (a mark's ``marked_at`` moves forward when it is marked again, so a change committed while the
  refresh ran is refreshed again by its own task).
- ``refresh(pairs)``: compute and store (an upsert in one transaction). The facts are derived data: not audited.
- ``rebuild(...)``: every cell and month from the first meeting or dues month to the current month, and every
  organisation and year with ratings (``manage.py rebuild_facts``).
- ``refresh_org_years(pairs)``: the grades of organisations and years, recomputed in the rating's own transaction
  (there are no marks for them: a rating changes rarely and the row costs four queries).

Months after the current month are not kept: a meeting planned ahead is counted when its month comes. The first
refresh of a month marks every cell for it (``_open_month``), so that each cell has its row and its members at the
month's end even if nothing happens there.

The receivers that map a change of the record to its pairs are in ``apps.oversight.services.facts_signals``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from apps.grading.models import AnnualRating
from apps.meetings.models import Meeting
from apps.members.models import Dues
from apps.orgs.models import Organization
from apps.oversight import tasks
from apps.oversight.models import FLOW_FIELDS, STOCK_FIELDS, CellMonth, OrgYear, StaleCellMonth
from apps.oversight.queries import facts as queries
from apps.oversight.queries.facts_grades import GRADE_LEVELS
from apps.oversight.rules.periods import add_months, month_of

Pair = tuple[int, date]
CELL_COLUMNS = [*FLOW_FIELDS, *STOCK_FIELDS, "computed_at"]
YEAR_COLUMNS = [
    *(f"members_{level}" for level in GRADE_LEVELS),
    "members_not_decided",
    "is_cell",
    "is_grassroots",
    "own_level",
    "computed_at",
]
REBUILD_BATCH = 400  # cell-months computed and stored per step of a rebuild


def current_month() -> date:
    return month_of(timezone.localdate())


# ---------------------------------------------------------------------------------------------- marks


class _Pending:
    """The marks of one transaction: called once at its commit (it enqueues the refresh), it also remembers the
    pairs it has marked with the savepoints open then, so that a pair marked again in the same transaction costs no
    query (a mark made in a savepoint rolled back since is made again)."""

    def __init__(self) -> None:
        self.marked: dict[Pair, tuple] = {}
        self.done = False

    def __call__(self) -> None:
        self.done = True
        tasks.refresh_facts.enqueue()

    def fresh(self, pairs: set[Pair], savepoints: tuple) -> set[Pair]:
        return {pair for pair in pairs if (ids := self.marked.get(pair)) is None or savepoints[: len(ids)] != ids}


def _pending() -> _Pending | None:
    """This transaction's pending refresh (registered on commit once), or None outside a transaction. One registered
    in a block that has ended since is not reused (a test's capture of on-commit callbacks sees only its own)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    open_blocks = set(connection.savepoint_ids)
    for sids, func, _robust in reversed(connection.run_on_commit):
        if isinstance(func, _Pending) and not func.done and sids <= open_blocks:  # registered in an open block
            return func
    pending = _Pending()
    transaction.on_commit(pending, robust=True)
    return pending


def _retire_pending() -> None:
    """The marks were drained or rebuilt: the next mark in this transaction writes again and enqueues again."""
    for _sids, func, _robust in transaction.get_connection().run_on_commit:
        if isinstance(func, _Pending):
            func.done = True


def mark_stale(pairs: Iterable[Pair]) -> int:
    """Mark the (cell id, month) pairs stale in the caller's transaction (one upsert; nothing for a pair already
    marked in this transaction); the refresh is enqueued when it commits. Months after the current one are left
    out. Returns the number of marks written."""
    last = current_month()
    wanted = {(cell_id, month_of(month)) for cell_id, month in pairs if cell_id is not None and month is not None}
    wanted = {(cell_id, month) for cell_id, month in wanted if month <= last}
    if not wanted:
        return 0
    pending = _pending()
    savepoints = tuple(transaction.get_connection().savepoint_ids)
    if pending is not None:
        wanted = pending.fresh(wanted, savepoints)
        if not wanted:
            return 0
    now = timezone.now()
    StaleCellMonth.objects.bulk_create(
        [StaleCellMonth(cell_id=cell_id, month=month, marked_at=now) for cell_id, month in sorted(wanted)],
        update_conflicts=True,
        unique_fields=["cell", "month"],
        update_fields=["marked_at"],
    )
    if pending is None:
        transaction.on_commit(tasks.refresh_facts.enqueue, robust=True)  # outside a transaction: now
    else:
        pending.marked.update(dict.fromkeys(wanted, savepoints))
    return len(wanted)


# ---------------------------------------------------------------------------------------------- refresh


@transaction.atomic
def refresh(pairs: Iterable[Pair]) -> int:
    """Compute the cell-months and store them (one upsert); a pair that is not a cell loses any row it had.
    Returns the number of rows stored."""
    wanted = {(cell_id, month_of(month)) for cell_id, month in pairs}
    if not wanted:
        return 0
    rows = queries.compute_cell_months(wanted)
    CellMonth.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["cell", "month"], update_fields=CELL_COLUMNS, batch_size=500
    )
    kept = {(row.cell_id, row.month) for row in rows}
    gone = wanted - kept
    if gone:
        CellMonth.objects.filter(_pairs_filter(gone)).delete()
    return len(rows)


def _pairs_filter(pairs: Iterable[Pair]) -> Q:
    by_month: dict[date, list[int]] = {}
    for cell_id, month in pairs:
        by_month.setdefault(month, []).append(cell_id)
    q = Q(pk__in=[])
    for month, cell_ids in by_month.items():
        q |= Q(month=month, cell_id__in=cell_ids)
    return q


def _open_month() -> None:
    """The first refresh of a month marks every cell for it: each cell then has its row of the month."""
    month = current_month()
    if CellMonth.objects.filter(month=month).exists():
        return
    cells = Organization.objects.filter(kind=Organization.Kind.CELL).values_list("pk", flat=True)
    StaleCellMonth.objects.bulk_create(
        [StaleCellMonth(cell_id=pk, month=month, marked_at=timezone.now()) for pk in cells],
        ignore_conflicts=True,
        batch_size=500,
    )


def refresh_stale(limit: int | None = None) -> int:
    """Drain the marks (the oldest ``limit`` of them, or all): recompute their rows, then delete each mark unless it
    was marked again since it was read. Returns the number of cell-months refreshed."""
    _retire_pending()
    _open_month()
    marks = StaleCellMonth.objects.order_by("marked_at", "pk").values_list("pk", "cell_id", "month", "marked_at")
    taken = list(marks if limit is None else marks[:limit])
    done = 0
    for start in range(0, len(taken), REBUILD_BATCH):
        chunk = taken[start : start + REBUILD_BATCH]
        with transaction.atomic():
            done += refresh((cell_id, month) for _pk, cell_id, month, _at in chunk)
            q = Q(pk__in=[])
            for pk, _cell_id, _month, marked_at in chunk:
                q |= Q(pk=pk, marked_at=marked_at)
            StaleCellMonth.objects.filter(q).delete()
    return done


# ---------------------------------------------------------------------------------------------- grades


@transaction.atomic
def refresh_org_years(pairs: Iterable[tuple[int, int]]) -> int:
    """Compute and store the grades of the (organisation id, year) pairs; a pair without ratings loses its row."""
    wanted = {(org_id, year) for org_id, year in pairs if org_id is not None}
    if not wanted:
        return 0
    rows = queries.compute_org_years(wanted)
    OrgYear.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["organization", "year"], update_fields=YEAR_COLUMNS
    )
    gone = wanted - {(row.organization_id, row.year) for row in rows}
    if gone:
        q = Q(pk__in=[])
        for org_id, year in gone:
            q |= Q(organization_id=org_id, year=year)
        OrgYear.objects.filter(q).delete()
    return len(rows)


# ---------------------------------------------------------------------------------------------- rebuild


def first_month() -> date:
    """The first month with a meeting or a dues row (the current month when there is none)."""
    meeting = Meeting.objects.filter(kind__in=queries.KINDS).aggregate(first=Min("scheduled_at"))["first"]
    dues = Dues.objects.aggregate(first=Min("month"))["first"]
    found = [d for d in (meeting and queries.local_month(meeting), dues and month_of(dues)) if d]
    return min(found, default=current_month())


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def rebuild(
    *,
    cells: Iterable[int] | None = None,
    months: Iterable[date] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the cell-months of ``cells`` (every cell) × ``months`` (from ``first_month()`` to the current
    month), each step in its own transaction, and the grades of the organisations and years with ratings (those of
    ``cells`` and of the months' years when given). The marks of the rebuilt pairs made before it started are
    deleted (all of them on a full rebuild). ``progress(done, total)`` is called after each step. Returns the number
    of cell-months stored."""
    started = timezone.now()
    full = cells is None and months is None
    cell_ids = sorted(
        Organization.objects.filter(kind=Organization.Kind.CELL).values_list("pk", flat=True)
        if cells is None
        else set(cells)
    )
    month_list = sorted(
        {month_of(m) for m in months} if months is not None else months_between(first_month(), current_month())
    )
    total, done, stored = len(cell_ids) * len(month_list), 0, 0
    _retire_pending()
    step = max(1, REBUILD_BATCH // max(1, len(month_list)))
    for start in range(0, len(cell_ids), step):
        chunk = cell_ids[start : start + step]
        with transaction.atomic():
            stored += refresh((cell_id, month) for cell_id in chunk for month in month_list)
            StaleCellMonth.objects.filter(cell_id__in=chunk, month__in=month_list, marked_at__lte=started).delete()
        done += len(chunk) * len(month_list)
        if progress is not None:
            progress(done, total)
    if full:
        StaleCellMonth.objects.filter(marked_at__lte=started).delete()
    years = None if months is None else {m.year for m in month_list}
    _rebuild_org_years(cells=None if cells is None else cell_ids, years=years)
    return stored


def _rebuild_org_years(*, cells: list[int] | None, years: set[int] | None) -> int:
    """The grades of every organisation and year with ratings, or a row kept so far (then deleted)."""
    ratings, kept = AnnualRating.objects.all(), OrgYear.objects.all()
    if cells is not None:
        ratings, kept = ratings.filter(organization_id__in=cells), kept.filter(organization_id__in=cells)
    if years is not None:
        ratings, kept = ratings.filter(year__in=years), kept.filter(year__in=years)
    pairs = set(ratings.values_list("organization_id", "year").distinct())
    pairs |= set(kept.values_list("organization_id", "year"))
    return refresh_org_years(pairs)
