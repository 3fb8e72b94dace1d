from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW
from apps.common.views import year_or_404
from apps.grading import permissions
from apps.grading.forms.grading import DecisionForm, PointsForm
from apps.grading.models import AnnualRating
from apps.grading.queries import grading as queries
from apps.grading.services import grading as services
from apps.orgs.models import Organization


@login_required
def year(request, org_id: int, year: int):
    year = year_or_404(year)
    org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
    context = {
        "org": org,
        "year": year,
        "can_start": Organization.objects.visible_to(request.user, MANAGE).filter(pk=org.pk).exists(),
        **queries.year_overview(request.user, org, year),
    }
    return render(request, "grading/year.html", context)


@login_required
@require_POST
def start(request, org_id: int, year: int):
    year = year_or_404(year)
    org = get_object_or_404(Organization.objects.visible_to(request.user, MANAGE), pk=org_id)
    try:
        created = services.ratings_start(organization=org, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d ratings created.") % {"n": created})
    return redirect("grading:year", org.pk, year)


EVIDENCE_LABELS = {
    "meetings": gettext_lazy("Meetings counted"),
    "meetings_held": gettext_lazy("Meetings held"),
    "present": gettext_lazy("Meetings attended"),
    "attendance_percent": gettext_lazy("Attendance (%)"),
    "unexcused": gettext_lazy("Absences without reason"),
    "tasks_total": gettext_lazy("Tasks"),
    "tasks_done": gettext_lazy("Tasks done"),
    "tasks_done_late": gettext_lazy("Tasks done late"),
    "tasks_overdue": gettext_lazy("Tasks overdue"),
    "tasks_late": gettext_lazy("Tasks late (done late or overdue)"),
    "targets_total": gettext_lazy("Targets"),
    "targets_met": gettext_lazy("Targets met or exceeded"),
    "targets_exceeded": gettext_lazy("Targets exceeded"),
    "exceeding_percent": gettext_lazy("Targets exceeded (%)"),
    "members_disciplined": gettext_lazy("Members disciplined"),
    "discipline_count": gettext_lazy("Disciplinary measures"),
    "disciplined": gettext_lazy("Disciplined in the year"),
    "meetings_scored": gettext_lazy("Meetings scored"),
    "meetings_good": gettext_lazy("Meetings scored Good"),
    "meeting_quality_year": gettext_lazy("Meeting quality of the year"),
    "cell_meetings_scored": gettext_lazy("Cell meetings scored"),
    "cell_meetings_good": gettext_lazy("Cell meetings scored Good"),
    "cell_meeting_quality_year": gettext_lazy("Cell's meeting quality of the year"),
}
QUALITY_LEVEL_KEYS = {"meeting_quality_year", "cell_meeting_quality_year"}


def _evidence_rows(evidence: dict) -> list[tuple]:
    """The evidence snapshot as (label, value) rows; meeting-quality levels by their names."""
    from apps.quality.queries.score import level_label

    return [
        (label, level_label(evidence[key]) if key in QUALITY_LEVEL_KEYS and evidence[key] else evidence[key])
        for key, label in EVIDENCE_LABELS.items()
        if key in evidence
    ]


# A step's form is shown only while the step can be taken (the services refuse the others anyway).
OPEN_AT = {
    "self": (AnnualRating.Status.DRAFT, AnnualRating.Status.SELF_ASSESSED),
    "appraise": (AnnualRating.Status.SELF_ASSESSED, AnnualRating.Status.APPRAISED),
    "decide": (AnnualRating.Status.APPRAISED,),
}

STEPS = {
    "self": (PointsForm, permissions.can_self_assess, services.rating_self_assess),
    "appraise": (PointsForm, permissions.can_appraise, services.rating_appraise),
    "decide": (DecisionForm, permissions.can_decide, services.rating_decide),
}


@login_required
@require_http_methods(["GET", "POST"])
def rating(request, rating_id: int):
    rating = get_object_or_404(
        AnnualRating.objects.visible_to(request.user, VIEW).select_related("member__user", "organization", "rule"),
        pk=rating_id,
    )
    allowed = {
        step: rating.status in OPEN_AT[step] and check(request.user, rating)
        for step, (_form, check, _service) in STEPS.items()
    }
    initial = {"disunity": rating.disunity}
    forms = {step: STEPS[step][0](prefix=step, initial=initial) for step, ok in allowed.items() if ok}
    step = request.POST.get("step") if request.method == "POST" else None
    if step is not None:
        if step not in forms:
            raise PermissionDenied
        form_class, _check, service = STEPS[step]
        form = forms[step] = form_class(request.POST, prefix=step)
        if form.is_valid():
            data = form.cleaned_data
            kwargs = (
                {"level": data["level"]}
                if step == "decide"
                else {"points": data["points"], "facts": {"disunity": data["disunity"]}}
            )
            try:
                service(rating=rating, user=request.user, note=data["note"], **kwargs)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("grading:rating", rating.pk)
    evidence = _evidence_rows(rating.evidence)
    return render(request, "grading/rating.html", {"rating": rating, "forms": forms, "evidence": evidence})
