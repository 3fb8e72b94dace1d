"""Reads of supervisors' work (issue 12, point 4; DOMAIN.md §1 "cấp ủy viên phụ trách chi bộ"): the committee's
assignments of its members to cells, the supervisor's own cells with their coming meetings, the visits recorded
and the cells nobody visited in a quarter. Every page reads a fixed number of queries, whatever the number of cells.

``visits_for(user, action)`` and ``unvisited_cells(user, node, quarter)`` are the data other features use (the
warnings, the demo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.common.scoping import VIEW, Role, grants_for, subtree_filter
from apps.meetings.models import Meeting
from apps.orgs.models import Organization, RoleGrant
from apps.oversight.models import SupervisorAssignment, Visit
from apps.oversight.rules.periods import Period

COMING_DAYS = 60  # the supervisor's page lists the meetings of the next 60 days
RECENT_DAYS = 90  # a visit may record a meeting of the last 90 days (the form's choices)
# Who may be assigned to follow a cell: the people holding a role (not a plain member's) on the committee or in its
# subtree: its staff, the cells' leaders, supervisors, the inspection commission.
CANDIDATE_ROLES = (
    Role.COMMITTEE_STAFF,
    Role.CELL_SECRETARY,
    Role.CELL_DEPUTY,
    Role.CELL_BOARD,
    Role.SUPERVISOR,
    Role.INSPECTION,
    Role.ADMIN,
)


def in_force(day: date) -> Q:
    """Assignments (or grants) in force on the day."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def assignments_for(user, action: str = VIEW) -> QuerySet[SupervisorAssignment]:
    """The one lookup of supervisors' assignments: those ``user`` may ``action`` (a plain member sees their own
    cell's), with the supervisor, the cell and the committee."""
    return SupervisorAssignment.objects.visible_to(user, action).select_related("supervisor", "cell", "committee")


def visits_for(user, action: str = VIEW) -> QuerySet[Visit]:
    """The one lookup of visits: those ``user`` may ``action`` (a plain member sees none), with the cell, the meeting
    and the visitor."""
    return Visit.objects.visible_to(user, action).select_related("cell", "meeting", "visitor")


def assigned_cell_ids(user, *, on: date | None = None) -> frozenset[int]:
    """The cells the user follows by an assignment in force on the day (one query, kept on the user object for the
    request, like the grants)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    day = on or timezone.localdate()
    cached = getattr(user, "_chibo_assigned_cells", None)
    if cached is None or cached[0] != day:
        ids = SupervisorAssignment.objects.filter(in_force(day), supervisor_id=user.pk).values_list(
            "cell_id", flat=True
        )
        cached = (day, frozenset(ids))
        user._chibo_assigned_cells = cached
    return cached[1]


def forget_assignments(user) -> None:
    if hasattr(user, "_chibo_assigned_cells"):
        del user._chibo_assigned_cells


def supervised_cells(user, *, on: date) -> QuerySet[Organization]:
    """The cells the user follows on the day: by an assignment in force, or under their supervisor grants."""
    condition = Q(pk__in=SupervisorAssignment.objects.filter(in_force(on), supervisor_id=user.pk).values("cell_id"))
    for grant in grants_for(user):
        if grant.role == Role.SUPERVISOR:
            condition |= Q(path__startswith=grant.path)
    return Organization.objects.filter(condition, kind=Organization.Kind.CELL, active=True).order_by("path")


def visit_cells_for(user) -> QuerySet[Organization]:
    """The one lookup of a cell for recording a visit: the cells the user sees, and those they are assigned to
    (``oversight.record_visit`` then says whether they may)."""
    assigned = Q(pk__in=assigned_cell_ids(user))
    visible = Q(pk__in=Organization.objects.visible_to(user, VIEW).values("pk"))
    return Organization.objects.filter(assigned | visible, kind=Organization.Kind.CELL)


# ---------------------------------------------------------------------------------------------- the supervisor's page


@dataclass
class CellCard:
    """One cell the supervisor follows: their assignment (None when they follow it by a role grant), the coming
    meetings and the last visit recorded there."""

    cell: Organization
    assignment: SupervisorAssignment | None
    coming: list[Meeting] = field(default_factory=list)
    last_visit: Visit | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def supervision_page(user, *, today: date) -> list[CellCard]:
    """The supervisor's cells today, each with its meetings of the next 60 days (today's included) and its last
    visit: four queries, whatever the number of cells."""
    last_visit = visits_for(user).filter(cell=OuterRef("pk")).order_by("-on", "-pk").values("pk")[:1]
    cells = list(supervised_cells(user, on=today).annotate(last_visit_id=Subquery(last_visit)))
    ids = [c.pk for c in cells]
    assignments = {
        a.cell_id: a
        for a in SupervisorAssignment.objects.filter(in_force(today), supervisor_id=user.pk, cell_id__in=ids)
        .select_related("committee")
        .order_by("starts_on", "pk")
    }
    meetings = (
        Meeting.objects.visible_to(user, VIEW)
        .filter(cell_id__in=ids, scheduled_at__gte=_day_start(today))
        .filter(scheduled_at__lt=_day_start(today + timedelta(days=COMING_DAYS + 1)))
        .exclude(kind=Meeting.Kind.BOARD)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
    )
    visit_ids = [c.last_visit_id for c in cells if c.last_visit_id]
    visits = {v.pk: v for v in visits_for(user).filter(pk__in=visit_ids)} if visit_ids else {}
    cards = {c.pk: CellCard(c, assignments.get(c.pk), [], visits.get(c.last_visit_id)) for c in cells}
    for meeting in meetings if ids else []:
        meeting.recordable = timezone.localtime(meeting.scheduled_at).date() <= today  # a visit is recorded once held
        cards[meeting.cell_id].coming.append(meeting)
    return list(cards.values())


def visit_meetings(user, cell: Organization, *, today: date) -> QuerySet[Meeting]:
    """The meetings a visit to the cell may record: the cell's meetings of the last 90 days and the next 60 (a
    meeting after the visit's date is refused by the service, with its reason)."""
    return (
        Meeting.objects.visible_to(user, VIEW)
        .filter(cell=cell, scheduled_at__gte=_day_start(today - timedelta(days=RECENT_DAYS)))
        .filter(scheduled_at__lt=_day_start(today + timedelta(days=COMING_DAYS + 1)))
        .exclude(kind=Meeting.Kind.BOARD)
        .order_by("-scheduled_at", "pk")
    )


def chosen_meeting(meetings: QuerySet[Meeting], key: str) -> Meeting | None:
    """The meeting named by ``?meeting=<id>`` among the choices, else None (one query when a number is given)."""
    return meetings.filter(pk=int(key)).first() if key.isdigit() else None


# ---------------------------------------------------------------------------------------------- the committee's pages


def cells_of(user, node: Organization) -> QuerySet[Organization]:
    """The active cells of the node's subtree the user sees (the node itself when it is a cell)."""
    return (
        Organization.objects.visible_to(user, VIEW)
        .filter(subtree_filter("path", node.path), kind=Organization.Kind.CELL, active=True)
        .order_by("path")
    )


def supervisor_candidates(user, node: Organization, *, today: date) -> QuerySet:
    """The accounts the committee may assign to follow a cell: those holding a role in force (not a plain
    member's) on the committee or in its subtree, as far as the user sees the grants."""
    grants = (
        RoleGrant.objects.visible_to(user, VIEW)
        .filter(subtree_filter(RoleGrant.scope_path, node.path), role__in=CANDIDATE_ROLES)
        .filter(in_force(today))
    )
    users = get_user_model()._default_manager.filter(pk__in=grants.values("user_id"), is_active=True)
    return users.order_by("first_name", "last_name", "username")


@dataclass
class CellSupervisors:
    cell: Organization
    current: list[SupervisorAssignment]  # in force today
    by_role: list = field(default_factory=list)  # accounts with a supervisor grant on the cell and no assignment

    @property
    def unsupervised(self) -> bool:
        return not self.current and not self.by_role


@dataclass
class AssignmentsPage:
    cells: list[CellSupervisors]  # every active cell of the subtree, with who follows it today
    current: list[SupervisorAssignment]  # in force today, or starting later
    past: list[SupervisorAssignment]  # ended

    @property
    def unsupervised(self) -> list[Organization]:
        return [row.cell for row in self.cells if row.unsupervised]


def _grant_holders(user, node: Organization, *, today: date) -> dict[int, list]:
    """The accounts holding a supervisor grant in force on each cell of the subtree (one query)."""
    grants = (
        RoleGrant.objects.visible_to(user, VIEW)
        .filter(subtree_filter(RoleGrant.scope_path, node.path), role=Role.SUPERVISOR)
        .filter(in_force(today))
        .select_related("user")
        .order_by("organization_id", "user__first_name", "user_id")
    )
    holders: dict[int, list] = {}
    for g in grants:
        holders.setdefault(g.organization_id, []).append(g.user)
    return holders


def assignments_page(user, node: Organization, *, today: date) -> AssignmentsPage:
    """The assignments of the node's subtree (current and past) and its cells, with who follows each today (by an
    assignment, or by a supervisor grant alone), those without anyone marked: three queries."""
    rows = list(
        assignments_for(user)
        .filter(subtree_filter(SupervisorAssignment.scope_path, node.path))
        .order_by("cell__path", "-starts_on", "pk")
    )
    by_cell: dict[int, list[SupervisorAssignment]] = {}
    current, past = [], []
    for a in rows:
        if a.ends_on is not None and a.ends_on < today:
            past.append(a)
            continue
        current.append(a)
        if a.starts_on <= today:
            by_cell.setdefault(a.cell_id, []).append(a)
    holders = _grant_holders(user, node, today=today)
    cells = []
    for cell in cells_of(user, node):
        here = by_cell.get(cell.pk, [])
        assigned = {a.supervisor_id for a in here}
        by_role = [u for u in holders.get(cell.pk, []) if u.pk not in assigned]
        cells.append(CellSupervisors(cell, here, list({u.pk: u for u in by_role}.values())))
    return AssignmentsPage(cells=cells, current=current, past=past)


def unvisited_cells(user, node: Organization, quarter: Period) -> QuerySet[Organization]:
    """The active cells of the node's subtree where no visit the user sees attended a meeting in the quarter (any
    kind of visit): one query."""
    visited = visits_for(user).filter(on__gte=quarter.first_month, on__lte=quarter.end, attended=True)
    return cells_of(user, node).exclude(pk__in=visited.values("cell_id"))


@dataclass
class VisitsPage:
    visits: list[Visit]  # of the quarter, newest first
    unvisited: list[Organization]
    follow_ups: list[Visit]  # due by today and not done, any quarter, oldest due first


def visits_page(user, node: Organization, quarter: Period, *, kind: str = "", today: date) -> VisitsPage:
    """The visits of the node's subtree in the quarter (of one kind when ``kind`` is given), the cells nobody
    visited then, and the follow-ups due and not done: three queries."""
    in_subtree = visits_for(user).filter(subtree_filter(Visit.scope_path, node.path))
    visits = in_subtree.filter(on__gte=quarter.first_month, on__lte=quarter.end)
    if kind:
        visits = visits.filter(kind=kind)
    follow_ups = in_subtree.filter(follow_up_due__lte=today, follow_up_done_on__isnull=True)
    return VisitsPage(
        visits=list(visits.order_by("-on", "-pk")),
        unvisited=list(unvisited_cells(user, node, quarter)),
        follow_ups=list(follow_ups.order_by("follow_up_due", "pk")),
    )
