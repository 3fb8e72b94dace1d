"""Verbs on the party tree: add a sub-organisation, edit an organisation's details, move a subtree.

The pages that show the tree with its members' figures (the tree, a node's children, a node's page) read members
and meetings, which the tree's app may not import: they are apps/home/views/node.py, under the same URL names
(chibo/urls.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import RESTRUCTURE
from apps.common.views import verb
from apps.orgs.forms.tree import MoveForm, OrganizationEditForm, OrganizationForm
from apps.orgs.queries import tree as queries
from apps.orgs.services import tree as services


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request, org_id: int):
    parent = get_object_or_404(queries.organizations_for(request.user, RESTRUCTURE), pk=org_id)
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
def edit(request, org_id: int):
    """Name, level label and kind of unit of an organisation: for those who may restructure it (404 otherwise)."""
    node = get_object_or_404(queries.organizations_for(request.user, RESTRUCTURE), pk=org_id)
    initial = {"name": node.name, "level_label": node.level_label, "sector": node.sector}
    form = OrganizationEditForm(request.POST or None, initial=initial)
    return verb(
        request,
        form,
        lambda data: services.organization_update(org=node, **data),
        done=_("Organisation details saved."),
        then=reverse("orgs:detail", args=[node.pk]),
        template="orgs/edit.html",
        context={"org": node},
    )


@login_required
@require_http_methods(["GET", "POST"])
def move(request, org_id: int):
    node = get_object_or_404(queries.organizations_for(request.user, RESTRUCTURE), pk=org_id)
    if node.depth == 1:
        raise PermissionDenied
    form = MoveForm(request.POST or None, targets=queries.move_targets(request.user, node))
    return verb(
        request,
        form,
        lambda data: services.organization_move(node=node, new_parent=data["new_parent"]),
        done=_("Organisation moved with its whole subtree."),
        then=reverse("orgs:detail", args=[node.pk]),
        template="orgs/move.html",
        context={"org": node},
    )
