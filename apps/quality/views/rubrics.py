"""Rubrics as data, for committee staff: the sheets in force for their subtree, importing a new one, editing one
(a used version is never changed: saving makes the next version) and copying one into their committee's subtree."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import VIEW
from apps.common.views import verb
from apps.orgs.queries.tree import organizations_for
from apps.quality.forms.rubric_edit import RubricEditForm
from apps.quality.forms.rubrics import CopyForm, ImportForm
from apps.quality.queries import rubrics as queries
from apps.quality.rules.rubrics.labels import read_only_parts
from apps.quality.services import rubrics as services

MAX_IMPORT_BYTES = 512 * 1024


@login_required
def rubric_list(request):
    rubrics = queries.rubrics_for(request.user, VIEW).order_by("code", "-version")
    return render(request, "quality/rubrics/list.html", {"rubrics": rubrics})


@login_required
def rubric_detail(request, rubric_id: int):
    rubric = get_object_or_404(queries.with_parts(queries.rubrics_for(request.user, VIEW)), pk=rubric_id)
    latest = queries.latest_version(request.user, rubric)
    context = {
        "rubric": rubric,
        "latest": latest if latest.pk != rubric.pk else None,
        **read_only_parts(rubric),
    }
    return render(request, "quality/rubrics/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rubric_import(request, org_id: int):
    org = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    if not request.user.has_perm("orgs.restructure", org):
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
    rubric = get_object_or_404(queries.with_parts(queries.rubrics_for(request.user, VIEW)), pk=rubric_id)
    if rubric.applies_to is None or not request.user.has_perm("quality.edit_rubric", rubric):
        raise PermissionDenied  # a national sheet is read-only here, for a superuser too
    latest = queries.latest_version(request.user, rubric)
    context = {"rubric": rubric, **read_only_parts(rubric)}
    if latest.pk != rubric.pk:
        status = 409 if request.method == "POST" else 200
        return render(request, "quality/rubrics/edit.html", {**context, "latest": latest}, status=status)
    form = RubricEditForm(request.POST if request.method == "POST" else None, rubric=rubric)

    def save(_cleaned):
        changes, categories, items = form.changes()
        if not (changes or categories or items):
            messages.info(request, _("Nothing was changed."))
            return rubric
        saved = services.rubric_revise(rubric=rubric, changes=changes, categories=categories, items=items)
        if saved.pk != rubric.pk:
            messages.success(
                request,
                _("Saved as version %(new)s. Meetings already scored keep version %(old)s.")
                % {"new": saved.version, "old": rubric.version},
            )
        else:
            messages.success(
                request,
                _("Saved in version %(version)s: it had not been used for a score yet.") % {"version": saved.version},
            )
        return saved

    return verb(
        request,
        form,
        save,
        done=None,  # the message says which version was saved (``save``)
        then=lambda saved: reverse("quality:rubric", args=[saved.pk]),
        template="quality/rubrics/edit.html",
        context={**context, "next_version": rubric.version + 1},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_copy(request, rubric_id: int, org_id: int | None = None):
    """Copy a rubric the user can see (e.g. a national sheet) into a committee of theirs as a new rubric (version 1),
    to adapt it there. Without ``org_id`` the user picks the committee among those they restructure."""
    rubric = get_object_or_404(queries.rubrics_for(request.user, VIEW), pk=rubric_id)
    targets = queries.copy_targets(request.user)
    initial = {"name": rubric.name}
    if org_id is not None:
        org = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
        if not request.user.has_perm("orgs.restructure", org) or org.is_cell:
            raise PermissionDenied
        targets = targets.filter(pk=org.pk)
        initial.update(organization=org.pk, code=f"{rubric.code}-{org.code}"[:40])
    elif not request.user.has_perm("quality.copy_rubric"):
        raise PermissionDenied
    else:
        initial["organization"] = queries.first_copy_target(request.user)
    form = CopyForm(request.POST if request.method == "POST" else None, organizations=targets, initial=initial)

    def copy(cleaned):
        org = cleaned["organization"]
        data = {**queries.rubric_dict(rubric), "code": cleaned["code"], "name": cleaned["name"], "version": 1}
        copied = services.rubric_import(data=data, issuer=org, applies_to=org)
        messages.success(
            request, _("Copied as %(code)s for %(org)s: you can now adapt it.") % {"code": copied.code, "org": org.name}
        )
        return copied

    return verb(
        request,
        form,
        copy,
        done=None,  # the message names the copy and its committee (``copy``)
        then=lambda copied: reverse("quality:rubric", args=[copied.pk]),
        template="quality/rubrics/copy.html",
        context={"rubric": rubric},
    )
