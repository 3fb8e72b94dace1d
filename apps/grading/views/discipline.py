"""Discipline records (kỷ luật) of an organisation's subtree by year, and recording one (committee staff).

They are evidence for the annual grading (``queries.evidence_for_member`` / ``evidence_for_cell``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.audit import record_access
from apps.common.forms import apply_errors
from apps.common.scoping import RESTRUCTURE, VIEW, allows, subtree_filter, today
from apps.common.views import year_param
from apps.grading.forms.discipline import DisciplineForm
from apps.grading.models import Discipline
from apps.grading.services import discipline as services_discipline
from apps.members.models import Member
from apps.orgs.models import Organization


def can_record_discipline(user, org: Organization) -> bool:
    """Committee staff: restructure rights on the organisation concerned or on its parent (a grant on the parent
    covers the organisation, so one test on the organisation's path suffices)."""
    return allows(user, RESTRUCTURE, org.path)


def disciplines_for(user, org: Organization, *, year: int):
    """The year's records of the organisation's subtree that the user may see (a plain member: their own)."""
    return (
        Discipline.objects.visible_to(user, VIEW)
        .filter(subtree_filter(Discipline.scope_path, org.path), on__year=year)
        .select_related("member", "organization")
        .order_by("-on", "organization__path", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def discipline(request, org_id: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
    year = year_param(request)
    can_add = can_record_discipline(request.user, org)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = None
    if can_add:
        members = Member.objects.visible_to(request.user, VIEW).filter(cell=org, active=True) if org.is_cell else []
        form = DisciplineForm(request.POST or None, organization=org, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services_discipline.discipline_record(
                organization=org,
                member=data["member"],
                on=data["on"],
                form=data["form"],
                decision_ref=data["decision_ref"],
                today=today(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Discipline recorded."))
            return redirect(f"{reverse('grading:discipline', args=[org.pk])}?year={row.on.year}")
    records = list(disciplines_for(request.user, org, year=year))
    if any(r.member_id for r in records):
        record_access(org)  # members' discipline is sensitive: one access entry per reading of the list
    rows = [(r, services_discipline.form_label(r.form)) for r in records]
    context = {"org": org, "year": year, "rows": rows, "form": form}
    return render(request, "grading/discipline.html", context)
