"""The pages of the party tree: the tree, a node's children (htmx) and a node's page. They show the members'
figures, a cell's members and meetings, so they live here on the top floor, under the tree's URL names
(``orgs:tree``, ``orgs:children``, ``orgs:detail``: chibo/urls.py); the tree's verbs stay in apps/orgs/views."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.common.scoping import VIEW, today
from apps.common.views import paginate
from apps.home.queries import node as queries
from apps.members.queries import member as queries_member
from apps.orgs.queries import tree as queries_tree


@login_required
def tree(request):
    text = request.GET.get("q", "").strip()
    if text:
        page = paginate(request, queries_tree.search(request.user, text))
        rows = queries.with_counts(list(page.object_list), on=today())
        return render(request, "home/node/tree.html", {"rows": rows, "page": page, "q": text, "searching": True})
    rows = queries.with_counts(list(queries_tree.roots_for(request.user)), on=today())
    return render(request, "home/node/tree.html", {"rows": rows, "q": ""})


@login_required
def children(request, org_id: int):
    """htmx fragment: the children of a node with their rolled-up counts (opened on demand)."""
    parent = get_object_or_404(queries_tree.organizations_for(request.user, VIEW), pk=org_id)
    rows = queries.with_counts(list(queries_tree.children_of(request.user, parent)), on=today())
    return render(request, "home/node/tree.html#node-list", {"rows": rows})


@login_required
def detail(request, org_id: int):
    org = get_object_or_404(queries_tree.organizations_for(request.user, VIEW), pk=org_id)
    on = today()
    context = {
        "org": org,
        **queries.node_page(request.user, org, on=on, now=timezone.now()),
        "can_manage": request.user.has_perm("orgs.manage_members", org),
        "can_restructure": request.user.has_perm("orgs.restructure", org),
    }
    if org.is_cell:
        context["page"] = paginate(request, queries_member.member_list(request.user, within=org, on=on))
    return render(request, "home/node/detail.html", context)
