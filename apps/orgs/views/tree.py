from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import RESTRUCTURE, today
from apps.common.views import paginate, verb
from apps.meetings.queries import meeting as meeting_queries
from apps.members.queries import member as member_queries
from apps.orgs.forms.tree import MoveForm, OrganizationForm
from apps.orgs.models import Organization
from apps.orgs.queries import tree as queries
from apps.orgs.rules import tree as rules
from apps.orgs.services import tree as services


def _visible(request, org_id: int, action: str = "view") -> Organization:
    return get_object_or_404(queries.organizations_for(request.user, action), pk=org_id)


@login_required
def tree(request):
    text = request.GET.get("q", "").strip()
    if text:
        page = paginate(request, queries.search(request.user, text))
        rows = queries.with_counts(list(page.object_list), on=today())
        return render(request, "orgs/tree.html", {"rows": rows, "page": page, "q": text, "searching": True})
    rows = queries.with_counts(list(queries.roots_for(request.user)), on=today())
    return render(request, "orgs/tree.html", {"rows": rows, "q": ""})


@login_required
def children(request, org_id: int):
    """htmx fragment: the children of a node with their rolled-up counts (opened on demand)."""
    parent = _visible(request, org_id)
    rows = queries.with_counts(list(queries.children_of(request.user, parent)), on=today())
    return render(request, "orgs/tree.html#node-list", {"rows": rows})


@login_required
def detail(request, org_id: int):
    org = _visible(request, org_id)
    on = today()
    (row,) = queries.with_counts([org], on=on)
    child_rows = queries.with_counts(list(queries.children_of(request.user, org)), on=on)
    context = {
        "org": org,
        "counts": row.counts,
        "rows": child_rows,
        "breadcrumb": list(queries.ancestors_visible(request.user, org)),
        "can_manage": request.user.has_perm("orgs.manage_members", org),
        "can_restructure": request.user.has_perm("orgs.restructure", org),
    }
    if org.is_cell:
        members = member_queries.members_for(request.user, within=org, on=on)
        context["page"] = paginate(request, members)
        # With each holder's cell: the template shows a link to the holder's page only if it opens for the user.
        context["offices"] = list(member_queries.current_offices(org, on=on).select_related("member__cell"))
        context["supervisors"] = list(member_queries.supervisors_of(org, on=on))
        context["held"], context["coming"] = meeting_queries.recent_and_upcoming(request.user, org, now=timezone.now())
    return render(request, "orgs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request, org_id: int):
    parent = _visible(request, org_id, RESTRUCTURE)
    form = OrganizationForm(request.POST or None, initial={"kind": "cell"})
    return verb(
        request,
        form,
        lambda data: services.organization_create(parent=parent, **data),
        done=_("Organisation created."),
        then=lambda node: reverse("orgs:detail", args=[node.pk]),
        template="orgs/form.html",
        context={"parent": parent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def move(request, org_id: int):
    node = _visible(request, org_id, RESTRUCTURE)
    if node.depth == 1:
        raise PermissionDenied
    parent_kinds = [k for k in rules.ALLOWED_PARENT_KINDS[node.kind] if k]
    targets = queries.organizations_for(request.user, RESTRUCTURE).filter(kind__in=parent_kinds)
    form = MoveForm(request.POST or None, targets=targets)
    return verb(
        request,
        form,
        lambda data: services.organization_move(node=node, new_parent=data["new_parent"]),
        done=_("Organisation moved with its whole subtree."),
        then=reverse("orgs:detail", args=[node.pk]),
        template="orgs/move.html",
        context={"org": node},
    )
