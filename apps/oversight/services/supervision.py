"""Verbs of supervisors' work (issue 12, point 4): a committee assigns one of its people to follow a cell for a term
and ends the assignment; a supervisor (or the inspection commission) records a visit to a cell and, later, that the
follow-up was done. Each runs in one transaction and validates before writing, with Vietnamese messages; the
models are audited (django-auditlog on save, apps.common.audit for the updates).

An assignment comes with a supervisor grant on the cell for the same term (apps.orgs.services.tree.role_grant), so
that the supervisor sees the cell, its meetings and its record; ending the assignment ends that grant on the same
day. The grant is found as the assignment's twin: same account, cell, role and first day."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.rules import FIRST_YEAR, record_dates, within
from apps.common.scoping import Role, forget_grants
from apps.common.text import nfc
from apps.meetings.models import Meeting
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.services.tree import role_grant
from apps.oversight.models import SupervisorAssignment, Visit
from apps.oversight.queries.supervision import forget_assignments


def _out_of_range(day: date | None) -> bool:
    return day is not None and not within(day, record_dates())


def _range_message() -> str:
    low, high = record_dates()
    return _("Enter a date from %(low)s to %(high)s.") % {"low": f"{low:%d/%m/%Y}", "high": f"{high:%d/%m/%Y}"}


def _twin_grants(assignment: SupervisorAssignment):
    """The supervisor grant made with the assignment (same account, cell, first day and last day)."""
    return RoleGrant.objects.filter(
        user_id=assignment.supervisor_id,
        organization_id=assignment.cell_id,
        role=Role.SUPERVISOR,
        starts_on=assignment.starts_on,
        ends_on=assignment.ends_on,
    )


@transaction.atomic
def assignment_create(
    *,
    committee: Organization,
    cell: Organization,
    supervisor,
    starts_on: date,
    ends_on: date | None = None,
    note: str = "",
    by=None,
) -> SupervisorAssignment:
    """Assign ``supervisor`` to follow ``cell`` (of the committee's subtree) from ``starts_on`` (until ``ends_on``),
    with a supervisor grant on the cell for the same term."""
    errors: dict[str, str] = {}
    if not cell.is_cell or not cell.path.startswith(committee.path) or cell.pk == committee.pk:
        errors["cell"] = _("Choose a cell of this committee.")
    elif not cell.active:
        errors["cell"] = _("This cell is no longer active.")
    if supervisor is None or not supervisor.is_active:
        errors["supervisor"] = _("Choose the person to assign.")
    if starts_on is None or _out_of_range(starts_on):
        errors["starts_on"] = _range_message()
    if _out_of_range(ends_on):
        errors["ends_on"] = _range_message()
    elif starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The term ends before it starts.")
    if errors:
        raise ValidationError(errors)
    Organization.objects.select_for_update().get(pk=cell.pk)  # one assignment at a time on a cell
    overlapping = SupervisorAssignment.objects.filter(supervisor=supervisor, cell=cell).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        raise ValidationError({"supervisor": _("This person already follows this cell during that term.")})
    assignment = SupervisorAssignment(
        supervisor=supervisor,
        cell=cell,
        committee=committee,
        starts_on=starts_on,
        ends_on=ends_on,
        note=nfc(note),
        assigned_by=by,
    )
    assignment.full_clean(exclude=["assigned_by"])
    assignment.save()
    grant = role_grant(user=supervisor, organization=cell, role=Role.SUPERVISOR, starts_on=starts_on)
    if ends_on is not None:
        audit.update(RoleGrant.objects.filter(pk=grant.pk), ends_on=ends_on)
    forget_grants(supervisor)
    forget_assignments(supervisor)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: SupervisorAssignment, ends_on: date) -> SupervisorAssignment:
    """End the assignment on ``ends_on`` (its last day), and its supervisor grant with it."""
    live = SupervisorAssignment.objects.select_for_update().select_related("supervisor").get(pk=assignment.pk)
    if ends_on is None or _out_of_range(ends_on):
        raise ValidationError({"ends_on": _range_message()})
    if ends_on < live.starts_on:
        raise ValidationError({"ends_on": _("The term ends before it starts.")})
    if live.ends_on is not None and live.ends_on <= ends_on:
        raise ValidationError(
            {"ends_on": _("This assignment already ends on %(day)s.") % {"day": f"{live.ends_on:%d/%m/%Y}"}}
        )
    audit.update(_twin_grants(live), ends_on=ends_on)
    live.ends_on = ends_on
    live.full_clean(exclude=["assigned_by"])
    live.save(update_fields=["ends_on"])
    forget_grants(live.supervisor)
    forget_assignments(live.supervisor)
    return live


@transaction.atomic
def visit_add(
    *,
    cell: Organization,
    visitor,
    kind: str,
    on: date,
    attended: bool = True,
    observations: str = "",
    recommendations: str = "",
    follow_up_due: date | None = None,
    meeting: Meeting | None = None,
    today: date | None = None,
) -> Visit:
    """Record a visit to the cell (usually to one of its meetings): whether the visitor attended, what they saw,
    what they recommend and when to check it again. The date lies from 2000 to today; the meeting is the cell's and
    took place by the visit's date."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not cell.is_cell:
        errors["cell"] = _("Visits are recorded for a cell.")
    if kind not in Visit.Kind.values:
        errors["kind"] = _("Choose the kind of visit.")
    if on is None or not date(FIRST_YEAR, 1, 1) <= on <= today:
        errors["on"] = _("Enter a date from %(low)s to today (%(high)s).") % {
            "low": f"{date(FIRST_YEAR, 1, 1):%d/%m/%Y}",
            "high": f"{today:%d/%m/%Y}",
        }
    if meeting is not None:
        meeting_day = timezone.localtime(meeting.scheduled_at).date()
        if meeting.cell_id != cell.pk:
            errors["meeting"] = _("Choose a meeting of this cell.")
        elif meeting.kind == Meeting.Kind.BOARD:
            errors["meeting"] = _("Choose a meeting of the cell, not of its board.")
        elif on is not None and "on" not in errors and meeting_day > on:
            errors["meeting"] = _("This meeting takes place on %(day)s, after the date of the visit.") % {
                "day": f"{meeting_day:%d/%m/%Y}"
            }
    if _out_of_range(follow_up_due):
        errors["follow_up_due"] = _range_message()
    elif follow_up_due is not None and on is not None and follow_up_due < on:
        errors["follow_up_due"] = _("The follow-up is due before the visit.")
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        cell=cell,
        meeting=meeting,
        kind=kind,
        visitor=visitor,
        on=on,
        attended=attended,
        observations=nfc(observations).strip(),
        recommendations=nfc(recommendations).strip(),
        follow_up_due=follow_up_due,
    )
    visit.full_clean(exclude=["visitor", "meeting"])
    visit.save()
    return visit


@transaction.atomic
def visit_follow_up_done(*, visit: Visit, done_on: date, today: date | None = None) -> Visit:
    """The visit's recommendations were checked again on ``done_on`` (from the visit's day to today)."""
    today = today or timezone.localdate()
    live = Visit.objects.select_for_update().get(pk=visit.pk)
    if live.follow_up_due is None:
        raise ValidationError(_("This visit asked for no follow-up."))
    if live.follow_up_done_on is not None:
        raise ValidationError(
            _("The follow-up was already done on %(day)s.") % {"day": f"{live.follow_up_done_on:%d/%m/%Y}"}
        )
    if done_on is None or not live.on <= done_on <= today:
        raise ValidationError(
            {
                "done_on": _("Enter a date from %(low)s to today (%(high)s).")
                % {"low": f"{live.on:%d/%m/%Y}", "high": f"{today:%d/%m/%Y}"}
            }
        )
    live.follow_up_done_on = done_on
    live.save(update_fields=["follow_up_done_on"])
    return live
