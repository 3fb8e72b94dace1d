"""The annual grading of an organisation's year (its members', or its sub-organisations' ratings) and one rating's
page, where each step (self-assessment, appraisal, decision by the level above) is taken in turn."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import ButtonForm
from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb, year_or_404
from apps.grading.forms.grading import DecisionForm, PointsForm
from apps.grading.queries import grading as queries
from apps.grading.services import grading as services
from apps.orgs.queries.tree import organizations_for

RATING_TEMPLATE = "grading/grading/rating.html"


@login_required
def year(request, org_id: int, year: int):
    year = year_or_404(year)
    org = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    context = {
        "org": org,
        "year": year,
        "can_start": organizations_for(request.user, MANAGE).filter(pk=org.pk).exists(),
        **queries.year_overview(request.user, org, year),
    }
    return render(request, "grading/grading/year.html", context)


@login_required
@require_POST
def start(request, org_id: int, year: int):
    year = year_or_404(year)
    org = get_object_or_404(organizations_for(request.user, MANAGE), pk=org_id)

    def start_ratings(_cleaned):
        created = services.ratings_start(organization=org, year=year)
        messages.success(request, _("%(n)d ratings created.") % {"n": created})

    url = reverse("grading:year", args=[org.pk, year])
    return verb(request, ButtonForm(request.POST), start_ratings, done=None, then=url, back=url)


# Each step: its form, and the service that takes it (``grading.<step>`` says who may, and when).
STEPS = {
    "self": (PointsForm, services.rating_self_assess),
    "appraise": (PointsForm, services.rating_appraise),
    "decide": (DecisionForm, services.rating_decide),
}
PERMS = {"self": "grading.self_assess", "appraise": "grading.appraise", "decide": "grading.decide"}


@login_required
@require_http_methods(["GET", "POST"])
def rating(request, rating_id: int):
    rating = get_object_or_404(queries.ratings_for(request.user, VIEW), pk=rating_id)
    initial = {"disunity": rating.disunity}
    # rules.has_perm, not user.has_perm: Django lets a superuser through every permission, and nobody (a superuser
    # neither) self-assesses another member's rating or takes a step out of turn.
    step_forms = {
        step: form_class(prefix=step, initial=initial)
        for step, (form_class, _service) in STEPS.items()
        if rules.has_perm(PERMS[step], request.user, rating)
    }
    context = {"rating": rating, "forms": step_forms, "evidence": queries.evidence_rows(rating.evidence)}
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None:
        return render(request, RATING_TEMPLATE, context)
    if step not in step_forms:
        raise PermissionDenied
    form_class, service = STEPS[step]
    form = step_forms[step] = form_class(request.POST, prefix=step)

    def take_step(data):
        if step == "decide":
            return service(rating=rating, user=request.user, note=data["note"], level=data["level"])
        return service(
            rating=rating,
            user=request.user,
            note=data["note"],
            points=data["points"],
            facts={"disunity": data["disunity"]},
        )

    return verb(
        request,
        form,
        take_step,
        done=_("Saved."),
        then=reverse("grading:rating", args=[rating.pk]),
        template=RATING_TEMPLATE,
        context=context,
    )
