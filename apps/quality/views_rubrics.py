"""Rubrics as data, for committee staff: the sheets in force for their subtree, and importing a new one."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.common.forms import apply_errors
from apps.common.scoping import RESTRUCTURE, VIEW, allows
from apps.orgs.models import Organization

from . import services
from .models import Rubric, RubricCategory, RubricItem

MAX_IMPORT_BYTES = 512 * 1024


def rubrics_for(user):
    """Rubrics attached inside the user's subtrees, plus the national defaults (public regulation data, the same
    for everyone) — read-only for the latter."""
    if not getattr(user, "is_authenticated", False):
        return Rubric.objects.none()
    scoped = Rubric.objects.visible_to(user, VIEW).values("pk")
    return Rubric.objects.filter(Q(pk__in=scoped) | Q(default_everywhere=True)).select_related("issuer", "applies_to")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("rubric file (JSON)"),
        help_text=gettext_lazy("The format of docs/scoring.md: code, name, dates, categories, items, levels."),
    )


@login_required
def rubric_list(request):
    rubrics = rubrics_for(request.user).order_by("code", "-version")
    return render(request, "quality/rubrics/list.html", {"rubrics": rubrics})


@login_required
def rubric_detail(request, rubric_id: int):
    rubric = get_object_or_404(
        rubrics_for(request.user).prefetch_related(
            Prefetch(
                "categories",
                queryset=RubricCategory.objects.order_by("position").prefetch_related(
                    Prefetch("items", queryset=RubricItem.objects.order_by("position", "pk"))
                ),
            )
        ),
        pk=rubric_id,
    )
    return render(request, "quality/rubrics/detail.html", {"rubric": rubric})


@login_required
@require_http_methods(["GET", "POST"])
def rubric_import(request, org_id: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
    if not allows(request.user, RESTRUCTURE, org.path):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(_("The file is too large for a rubric."))
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError(_("The file is not valid JSON (UTF-8).")) from exc
            if not isinstance(data, dict):
                raise ValidationError(_("The file must hold one rubric."))
            rubric = services.rubric_import(data=data, issuer=org, applies_to=org)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Rubric imported."))
            return redirect("quality:rubric", rubric.pk)
    return render(request, "quality/rubrics/import.html", {"form": form, "org": org})
