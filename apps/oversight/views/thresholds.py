"""The thresholds of oversight at a node: the rule in force, its history, the versions issued below; committee
staff (manage rights on a committee) add a new version. Supervisors and the inspection commission read only (a
POST is refused, 403); outside the user's subtrees the node is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import today
from apps.common.views import verb
from apps.oversight.forms.thresholds import ThresholdsForm
from apps.oversight.queries import thresholds as queries
from apps.oversight.services import thresholds as services
from apps.oversight.views.warnings import overseen


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request, org_id: int):
    node = overseen(request, org_id)
    can_add = queries.sets_thresholds(request.user, node)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    day = today()
    form = None
    if can_add:
        current = queries.rule_at(node, day) if request.method == "GET" else None
        form = ThresholdsForm(request.POST or None, current=current)
    return verb(
        request,
        form,
        lambda data: services.thresholds_set(organization=node, by=request.user, **data),
        done=_("Thresholds saved."),
        then=reverse("oversight:thresholds", args=[node.pk]),
        template="oversight/thresholds/page.html",
        context=lambda: {"org": node, "can_add": can_add, **queries.thresholds_page(request.user, node, today=day)},
    )
