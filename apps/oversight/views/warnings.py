"""The early warnings of a node's subtree (issue 12, point 5): grouped by kind, filtered by kind, each line with
the organisation, the reason and a link to the evidence. Read only (GET).

Who: committee staff, supervisors, the inspection commission and a cell's secretaries on the subtrees they hold
(``queries.thresholds.oversees``); any other node is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.common.scoping import VIEW, today
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for
from apps.oversight.queries import thresholds as queries_thresholds
from apps.oversight.queries import warnings as queries
from apps.oversight.rules import warnings as rules

SHOWN = 100  # lines per kind on the page when no kind is picked (the kind's own page shows them all)


def overseen(request, org_id: int) -> Organization:
    """The node of an oversight page: one the user sees and oversees (a plain member's own cell is not), else 404."""
    node = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if not queries_thresholds.oversees(request.user, node):
        raise Http404
    return node


@login_required
@require_GET
def warnings(request, org_id: int):
    node = overseen(request, org_id)
    kind = request.GET.get("kind", "")
    if kind not in rules.KINDS:
        kind = ""
    found = queries.warnings_for(request.user, node, today=today())
    groups = queries.grouped(found)
    counts = {group.kind: len(group.warnings) for group in groups}
    if kind:
        groups = [group for group in groups if group.kind == kind]
    context = {
        "org": node,
        "kind": kind,
        "groups": groups,
        "shown": None if kind else SHOWN,
        "total": len(found),
        "tabs": [(k, rules.KIND_LABELS[k], counts.get(k, 0)) for k in rules.KINDS],
        "can_set": queries_thresholds.sets_thresholds(request.user, node),
    }
    return render(request, "oversight/warnings/page.html", context)
