"""Supervisors' work (issue 12, point 4): the committee's assignments of its people to cells, the supervisor's own
page (their cells, the coming meetings, the last visit), recording a visit, the committee's visits of a quarter with
the cells nobody visited.

Who: a committee's staff assign and end assignments (``oversight.assign_supervisors``); supervisors (an assignment
or a supervisor grant) and the inspection commission record visits in their subtree (``oversight.record_visit``);
the roles that oversee a node read its assignments and visits, a plain member does not. What a person may not see,
or may not change, is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common import idempotency
from apps.common.rules import year_ok
from apps.common.scoping import VIEW
from apps.common.views import verb
from apps.orgs.models import Organization
from apps.oversight.forms.supervision import AssignmentEndForm, AssignmentForm, FollowUpDoneForm, VisitForm
from apps.oversight.models import Visit
from apps.oversight.permissions import visit_kinds
from apps.oversight.queries import supervision as queries
from apps.oversight.rules.periods import QUARTER, Period
from apps.oversight.services import supervision as services
from apps.oversight.views.warnings import overseen

ASSIGNMENTS_PAGE = "oversight/supervision/assignments.html"
VISIT_FORM = "oversight/supervision/visit_form.html"


def _quarter(request, today) -> Period:
    """``?quarter=2026-q4``, else this quarter (a malformed or implausible key too)."""
    try:
        quarter = Period.from_key(request.GET.get("quarter", ""))
    except ValueError:
        return Period.containing(QUARTER, today)
    if quarter.kind != QUARTER or not year_ok(quarter.year):
        return Period.containing(QUARTER, today)
    return quarter


# ---------------------------------------------------------------------------------------------- the supervisor's page


@login_required
def supervision(request):
    today = timezone.localdate()
    context = {"cards": queries.supervision_page(request.user, today=today), "today": today}
    return render(request, "oversight/supervision/mine.html", context)


# ---------------------------------------------------------------------------------------------- assignments


def _assignment_form(request, node: Organization, data=None) -> AssignmentForm:
    today = timezone.localdate()
    return AssignmentForm(
        data,
        candidates=queries.supervisor_candidates(request.user, node, today=today),
        cells=queries.cells_of(request.user, node),
        initial={"starts_on": today, "cell": request.GET.get("cell")},
    )


def _assignments_context(request, node: Organization, form=None) -> dict:
    today = timezone.localdate()
    can_assign = request.user.has_perm("oversight.assign_supervisors", node)
    return {
        "node": node,
        "page": queries.assignments_page(request.user, node, today=today),
        "today": today,
        "can_assign": can_assign,
        "form": form or (_assignment_form(request, node) if can_assign else None),
        "end_form": AssignmentEndForm(auto_id=False, initial={"ends_on": today}),
        "submission_token": idempotency.new_token() if can_assign else "",  # a double submit assigns once
    }


@login_required
def assignments(request, org_id: int):
    node = overseen(request, org_id)
    return render(request, ASSIGNMENTS_PAGE, _assignments_context(request, node))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_add(request, org_id: int):
    node = overseen(request, org_id)
    if not request.user.has_perm("oversight.assign_supervisors", node):
        raise Http404
    form = _assignment_form(request, node, request.POST or None)
    return verb(
        request,
        form,
        lambda data: services.assignment_create(committee=node, by=request.user, **data),
        done=lambda a: (
            _("%(person)s now follows %(cell)s.")
            % {"person": a.supervisor.get_full_name() or a.supervisor.username, "cell": a.cell.name}
        ),
        then=reverse("oversight:assignments", args=[node.pk]),
        template=ASSIGNMENTS_PAGE,
        context=lambda: _assignments_context(request, node, form),
        once=True,
    )


@login_required
@require_POST
def assignment_end(request, assignment_id: int):
    assignment = get_object_or_404(queries.assignments_for(request.user, VIEW), pk=assignment_id)
    if not request.user.has_perm("oversight.end_assignment", assignment):
        raise Http404
    return verb(
        request,
        AssignmentEndForm(request.POST),
        lambda data: services.assignment_end(assignment=assignment, **data),
        done=_("Assignment ended."),
        back=reverse("oversight:assignments", args=[assignment.committee_id]),
    )


# ---------------------------------------------------------------------------------------------- visits


@login_required
def visits(request, org_id: int):
    node = overseen(request, org_id)
    today = timezone.localdate()
    quarter = _quarter(request, today)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Visit.Kind.values else ""
    context = {
        "node": node,
        "quarter": quarter,
        "kind": kind,
        "kinds": Visit.Kind.choices,
        "page": queries.visits_page(request.user, node, quarter, kind=kind, today=today),
        "today": today,
        "done_form": FollowUpDoneForm(auto_id=False, initial={"done_on": today}),
    }
    return render(request, "oversight/supervision/visits.html", context)


def _visit_done_url(cell: Organization, visit: Visit) -> str:
    if visit.kind == Visit.Kind.SUPERVISOR:
        return reverse("oversight:supervision")
    return reverse("oversight:visits", args=[cell.pk])


@login_required
@require_http_methods(["GET", "POST"])
def visit_add(request, cell_id: int):
    cell = get_object_or_404(queries.visit_cells_for(request.user), pk=cell_id)
    kinds = visit_kinds(request.user, cell)
    if not kinds:
        raise Http404
    today = timezone.localdate()
    meetings = queries.visit_meetings(request.user, cell, today=today)
    meeting = queries.chosen_meeting(meetings, request.GET.get("meeting", ""))
    initial = {"kind": kinds[0], "on": today, "attended": "yes"}
    if meeting is not None:
        initial["meeting"] = meeting.pk
        initial["on"] = min(today, timezone.localtime(meeting.scheduled_at).date())
    form = VisitForm(request.POST or None, kinds=kinds, meetings=meetings, initial=initial)
    return verb(
        request,
        form,
        lambda data: services.visit_add(cell=cell, visitor=request.user, today=today, **data),
        done=_("Visit recorded."),
        then=lambda visit: _visit_done_url(cell, visit),
        template=VISIT_FORM,
        context=lambda: {"cell": cell, "meeting": meeting, "kinds": kinds},
        once=True,
    )


@login_required
@require_POST
def visit_follow_up(request, visit_id: int):
    visit = get_object_or_404(queries.visits_for(request.user, VIEW), pk=visit_id)
    if not request.user.has_perm("oversight.close_follow_up", visit):
        raise Http404
    back = request.POST.get("back", "")
    back = back if back.startswith("/oversight/") else reverse("oversight:visits", args=[visit.cell_id])
    return verb(
        request,
        FollowUpDoneForm(request.POST),
        lambda data: services.visit_follow_up_done(visit=visit, **data),
        done=_("Follow-up marked done."),
        back=back,
    )
