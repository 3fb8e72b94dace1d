"""Discipline records (kỷ luật) of an organisation's subtree by year, and recording one (committee staff).

They are evidence for the annual grading (``queries.grading.evidence_for_member`` / ``evidence_for_cell``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.audit import record_access
from apps.common.scoping import VIEW, today
from apps.common.views import verb, year_param
from apps.grading.forms.discipline import DisciplineForm
from apps.grading.queries import discipline as queries
from apps.grading.services import discipline as services_discipline
from apps.members.queries.member import members_for
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for

TEMPLATE = "grading/discipline/list.html"


def _rows(request, org: Organization, year: int) -> list[tuple]:
    """The year's records with their form of discipline in words."""
    records = list(queries.year_disciplines(request.user, org, year=year))
    if any(r.member_id for r in records):
        record_access(org)  # members' discipline is sensitive: one access entry per reading of the list
    return [(r, services_discipline.form_label(r.form)) for r in records]


@login_required
@require_http_methods(["GET", "POST"])
def discipline(request, org_id: int):
    org = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    year = year_param(request)
    can_add = request.user.has_perm("grading.record_discipline", org)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    # Read when the page is drawn: a recorded measure redirects without reading the list (nor logging an access).
    page = {"org": org, "year": year, "rows": SimpleLazyObject(lambda: _rows(request, org, year))}
    if not can_add:
        return render(request, TEMPLATE, {**page, "form": None})
    members = members_for(request.user, VIEW).filter(cell=org, active=True) if org.is_cell else []
    form = DisciplineForm(request.POST or None, organization=org, members=members)

    def record(data):
        return services_discipline.discipline_record(
            organization=org,
            member=data["member"],
            on=data["on"],
            form=data["form"],
            decision_ref=data["decision_ref"],
            today=today(),
        )

    return verb(
        request,
        form,
        record,
        done=_("Discipline recorded."),
        then=lambda row: f"{reverse('grading:discipline', args=[org.pk])}?year={row.on.year}",
        template=TEMPLATE,
        context=page,
    )
