from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW
from apps.orgs.models import Organization

from . import permissions, queries, services
from .forms import DecisionForm, PointsForm
from .models import AnnualRating


@login_required
def year(request, org_id: int, year: int):
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
    org = get_object_or_404(Organization.objects.visible_to(request.user, MANAGE), pk=org_id)
    try:
        created = services.ratings_start(organization=org, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d ratings created.") % {"n": created})
    return redirect("grading:year", org.pk, year)


EVIDENCE_LABELS = {
    "meetings": _lazy("Meetings counted"),
    "meetings_held": _lazy("Meetings held"),
    "present": _lazy("Meetings attended"),
    "attendance_percent": _lazy("Attendance (%)"),
    "unexcused": _lazy("Absences without reason"),
    "tasks_total": _lazy("Tasks"),
    "tasks_done": _lazy("Tasks done"),
    "tasks_done_late": _lazy("Tasks done late"),
    "tasks_overdue": _lazy("Tasks overdue"),
    "tasks_late": _lazy("Tasks late (done late or overdue)"),
    "targets_total": _lazy("Targets"),
    "targets_met": _lazy("Targets met or exceeded"),
    "targets_exceeded": _lazy("Targets exceeded"),
    "exceeding_percent": _lazy("Targets exceeded (%)"),
    "members_disciplined": _lazy("Members disciplined"),
    "discipline_count": _lazy("Disciplinary measures"),
    "disciplined": _lazy("Disciplined in the year"),
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
    allowed = {step: check(request.user, rating) for step, (_form, check, _service) in STEPS.items()}
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
    evidence = [(label, rating.evidence[key]) for key, label in EVIDENCE_LABELS.items() if key in rating.evidence]
    return render(request, "grading/rating.html", {"rating": rating, "forms": forms, "evidence": evidence})
