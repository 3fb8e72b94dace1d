"""Rubrics as data, for committee staff: the sheets in force for their subtree, importing a new one, editing one
(a used version is never changed: saving makes the next version) and copying one into their committee's subtree."""

import json
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.common.forms import apply_errors
from apps.common.scoping import RESTRUCTURE, ROLE_ACTIONS, VIEW, allows, grants_for
from apps.common.views import verb
from apps.orgs.models import Organization
from apps.quality.forms.rubrics import CopyForm, RubricEditForm, plain_number
from apps.quality.models import Rubric, RubricCategory, RubricItem
from apps.quality.queries.score import level_label
from apps.quality.services import rubrics as services

MAX_IMPORT_BYTES = 512 * 1024


def rubrics_for(user):
    """Rubrics attached inside the user's subtrees, plus the sheets attached to no committee: the national defaults
    and the library sheets (public regulation data, the same for everyone; read-only here, but committee staff may
    copy them into their subtree)."""
    if not getattr(user, "is_authenticated", False):
        return Rubric.objects.none()
    scoped = Rubric.objects.visible_to(user, VIEW).values("pk")
    return Rubric.objects.filter(Q(pk__in=scoped) | Q(applies_to__isnull=True)).select_related("issuer", "applies_to")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("rubric file (JSON)"),
        help_text=gettext_lazy("The format of docs/scoring.md: code, name, dates, categories, items, levels."),
    )


@login_required
def rubric_list(request):
    rubrics = rubrics_for(request.user).order_by("code", "-version")
    return render(request, "quality/rubrics/list.html", {"rubrics": rubrics})


def with_parts(rubrics: QuerySet[Rubric]) -> QuerySet[Rubric]:
    """Rubrics with their categories and items in the sheet's order (2 more queries)."""
    return rubrics.prefetch_related(
        Prefetch(
            "categories",
            queryset=RubricCategory.objects.order_by("position", "pk").prefetch_related(
                Prefetch("items", queryset=RubricItem.objects.order_by("position", "pk"))
            ),
        )
    )


def latest_version(user, rubric: Rubric) -> Rubric:
    """The latest version of the rubric's code that the user can see (one query); the rubric itself if none newer."""
    return rubrics_for(user).filter(code=rubric.code).order_by("-version").first() or rubric


def may_edit(user, rubric: Rubric) -> bool:
    """Restructure rights on the subtree the rubric is attached to; the national sheets are read-only here."""
    return rubric.applies_to is not None and user.has_perm("orgs.restructure", rubric.applies_to)


def restructures_somewhere(user) -> bool:
    return user.is_superuser or any(RESTRUCTURE in ROLE_ACTIONS[g.role] for g in grants_for(user))


def copy_targets(user) -> QuerySet[Organization]:
    """The committees a user may attach a copied rubric to."""
    return Organization.objects.visible_to(user, RESTRUCTURE).filter(kind=Organization.Kind.COMMITTEE).order_by("path")


def rollup_lines(rollup: dict) -> list[str]:
    """The monthly → annual rule in words, one line per tier (engine.annual_level reads it the same way)."""
    lines = []
    for tier in rollup.get("tiers", []):
        conditions = []
        if tier.get("all_at_least"):
            conditions.append(_("every meeting %(level)s or better") % {"level": level_label(tier["all_at_least"])})
        for level, count in tier.get("at_least", []):
            conditions.append(
                _("at least %(count)s meetings %(level)s or better") % {"count": count, "level": level_label(level)}
            )
        for level, share in tier.get("at_least_share", []):
            conditions.append(
                _("at least %(share)s%% of the meetings %(level)s or better")
                % {"share": plain_number(Decimal(str(share)) * 100), "level": level_label(level)}
            )
        lines.append(f"{level_label(tier.get('level', ''))}: {'; '.join(conditions)}")
    if rollup.get("otherwise"):
        lines.append(_("Otherwise: %(level)s") % {"level": level_label(rollup["otherwise"])})
    return lines


def _read_only_parts(rubric: Rubric) -> dict:
    return {
        "levels": [(level_label(code), threshold) for code, threshold in rubric.levels],
        "knockouts": [
            (k.get("title", k.get("code", "")), level_label(k.get("max_level", ""))) for k in rubric.knockouts
        ],
        "rollup": rollup_lines(rubric.annual_rollup or {}),
    }


@login_required
def rubric_detail(request, rubric_id: int):
    rubric = get_object_or_404(with_parts(rubrics_for(request.user)), pk=rubric_id)
    latest = latest_version(request.user, rubric)
    context = {
        "rubric": rubric,
        "latest": latest if latest.pk != rubric.pk else None,
        "may_edit": latest.pk == rubric.pk and may_edit(request.user, rubric),
        "may_copy": restructures_somewhere(request.user),
        **_read_only_parts(rubric),
    }
    return render(request, "quality/rubrics/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rubric_import(request, org_id: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
    if not allows(request.user, RESTRUCTURE, org.path):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)

    def import_file(cleaned):
        upload = cleaned["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is too large for a rubric."))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # not JSON, a 5,000-digit number, [[[[…
            raise ValidationError(_("The file is not valid JSON (UTF-8).")) from exc
        if not isinstance(data, dict):
            raise ValidationError(_("The file must hold one rubric."))
        return services.rubric_import(data=data, issuer=org, applies_to=org)

    return verb(
        request,
        form,
        import_file,
        done=_("Rubric imported."),
        then=lambda rubric: reverse("quality:rubric", args=[rubric.pk]),
        template="quality/rubrics/import.html",
        context={"org": org},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request, rubric_id: int):
    """One form for the whole sheet. Unused: changed in place; used for a score: saved as the next version, the old
    one kept for its scores (services.rubric_revise). Only the latest version is edited."""
    rubric = get_object_or_404(with_parts(rubrics_for(request.user)), pk=rubric_id)
    if not may_edit(request.user, rubric):
        raise PermissionDenied
    latest = latest_version(request.user, rubric)
    context = {"rubric": rubric, **_read_only_parts(rubric)}
    if latest.pk != rubric.pk:
        status = 409 if request.method == "POST" else 200
        return render(request, "quality/rubrics/edit.html", {**context, "latest": latest}, status=status)
    form = RubricEditForm(request.POST if request.method == "POST" else None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        changes, categories, items = form.changes()
        if not (changes or categories or items):
            messages.info(request, _("Nothing was changed."))
            return redirect("quality:rubric", rubric.pk)
        try:
            saved = services.rubric_revise(rubric=rubric, changes=changes, categories=categories, items=items)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if saved.pk != rubric.pk:
                messages.success(
                    request,
                    _("Saved as version %(new)s. Meetings already scored keep version %(old)s.")
                    % {"new": saved.version, "old": rubric.version},
                )
            else:
                messages.success(
                    request,
                    _("Saved in version %(version)s: it had not been used for a score yet.")
                    % {"version": saved.version},
                )
            return redirect("quality:rubric", saved.pk)
    return render(request, "quality/rubrics/edit.html", {**context, "form": form, "next_version": rubric.version + 1})


@login_required
@require_http_methods(["GET", "POST"])
def rubric_copy(request, rubric_id: int, org_id: int | None = None):
    """Copy a rubric the user can see (e.g. a national sheet) into a committee of theirs as a new rubric (version 1),
    to adapt it there. Without ``org_id`` the user picks the committee among those they restructure."""
    rubric = get_object_or_404(rubrics_for(request.user), pk=rubric_id)
    targets = copy_targets(request.user)
    initial = {"name": rubric.name}
    if org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org_id)
        if not request.user.has_perm("orgs.restructure", org) or org.is_cell:
            raise PermissionDenied
        targets = targets.filter(pk=org.pk)
        initial.update(organization=org.pk, code=f"{rubric.code}-{org.code}"[:40])
    elif not restructures_somewhere(request.user):
        raise PermissionDenied
    else:
        first = next((g for g in grants_for(request.user) if RESTRUCTURE in ROLE_ACTIONS[g.role]), None)
        initial["organization"] = first.organization_id if first else None
    form = CopyForm(request.POST if request.method == "POST" else None, organizations=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        data = services.rubric_dict(rubric)
        data.update(code=form.cleaned_data["code"], name=form.cleaned_data["name"], version=1)
        try:
            copy = services.rubric_import(data=data, issuer=org, applies_to=org)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Copied as %(code)s for %(org)s: you can now adapt it.") % {"code": copy.code, "org": org.name},
            )
            return redirect("quality:rubric", copy.pk)
    return render(request, "quality/rubrics/copy.html", {"rubric": rubric, "form": form})
