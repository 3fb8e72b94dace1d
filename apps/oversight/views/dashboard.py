"""A node's dashboard (issue 12, point 2): its figures of a period with the change from the previous one, charts
drawn on the server as SVG, the sub-units' table (sortable, each row opening that sub-unit's dashboard), the
breakdown by kind of unit, the year's grades and, for a cell, its meetings of the period. Read only (GET).

Who sees what is the organisations' scoping: staff, supervisors and the inspection commission their subtree, a
cell's members their cell; any other node is not found (404), and so are its charts and its meetings."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.common.scoping import VIEW, today
from apps.orgs.queries.tree import organizations_for
from apps.oversight.forms.dashboard import ChartForm, DashboardForm
from apps.oversight.queries import dashboard as queries
from apps.oversight.rules import dashboard as rules


@login_required
@require_GET
def dashboard(request, org_id: int):
    node = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    day = today()
    form = DashboardForm(request.GET, today=day)
    choice = form.choice()
    page = queries.page(request.user, node, choice.period, sort=choice.sort, direction=choice.direction, today=day)
    context = {"form": form, "page": page, "org": node, "choice": choice, **rules.picker(choice.period, day)}
    return render(request, "oversight/dashboard/page.html", context)


@login_required
@require_GET
def cell_meetings(request, org_id: int):
    cell = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if not cell.is_cell:
        raise Http404
    day = today()
    form = DashboardForm(request.GET, today=day)
    choice = form.choice()
    context = {
        "form": form,
        "org": cell,
        "meetings": queries.cell_meetings(request.user, cell, choice.period),
        "choice": choice,
        **rules.picker(choice.period, day),
    }
    return render(request, "oversight/dashboard/meetings.html", context)


@login_required
@require_GET
def chart(request, org_id: int, name: str):
    node = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if name not in queries.CHARTS:
        raise Http404
    day = today()
    period, figure, narrow = ChartForm(request.GET, today=day).choice()
    svg = queries.chart(request.user, node, name, period, figure=figure, today=day, narrow=narrow)
    return HttpResponse(svg, content_type="image/svg+xml")
