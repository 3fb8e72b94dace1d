import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.audit import record_access
from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, RESTRUCTURE, allows, today
from apps.common.views import paginate
from apps.orgs import queries as org_queries
from apps.orgs.models import Organization

from . import queries, services
from .forms import CellRoleForm, ExemptionForm, MemberCreateForm, MemberForm, SuspensionForm, TransferForm
from .models import Member


def _member(request, member_id: int, action: str = "view") -> Member:
    return get_object_or_404(queries.member_detail(request.user, member_id, action=action))


def _in_force(periods) -> bool:
    day = today()
    return any(p.starts_on <= day and (p.ends_on is None or p.ends_on >= day) for p in periods)


@login_required
def member_list(request):
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    qs = queries.members_for(request.user, text=text, status=status, on=today())
    page = paginate(request, qs)
    return render(
        request,
        "members/list.html",
        {"page": page, "q": text, "status": status, "statuses": [*Member.Status.choices, ("exempted", _("Exempted"))]},
    )


@login_required
def member_detail(request, member_id: int):
    member = _member(request, member_id)
    record_access(member)
    context = {
        "member": member,
        "can_manage": request.user.has_perm("members.change_member", member),
        "can_suspend": allows(request.user, RESTRUCTURE, member.cell.path),
        "exempt_now": _in_force(member.exemptions.all()),
        "suspended_now": _in_force(member.suspensions.all()),
    }
    return render(request, "members/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, cell_id: int):
    cell = get_object_or_404(
        org_queries.organizations_for(request.user, MANAGE).filter(kind=Organization.Kind.CELL), pk=cell_id
    )
    form = MemberCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_create(
                cell=cell, member=form.instance, joined_on=data["joined_on"], joined_from=data["joined_from"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("members:detail", member.pk)
    return render(request, "members/form.html", {"form": form, "cell": cell})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = MemberForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:detail", member.pk)
    return render(request, "members/form.html", {"form": form, "member": member, "cell": member.cell})


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    cells = (
        org_queries.organizations_for(request.user, MANAGE)
        .filter(kind=Organization.Kind.CELL)
        .exclude(pk=member.cell_id)
    )
    form = TransferForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["to_cell"]:
                services.member_transfer(member=member, to_cell=data["to_cell"], on=data["on"], note=data["note"])
            else:
                services.member_transfer_out(
                    member=member, on=data["on"], to_organization=data["to_organization"], note=data["note"]
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member transferred."))
            return redirect("members:detail", member.pk)
    return render(request, "members/action.html", {"form": form, "member": member, "title": _("Transfer")})


@login_required
@require_http_methods(["GET", "POST"])
def exemption_add(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_add(member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Exemption recorded."))
            return redirect("members:detail", member.pk)
    return render(request, "members/action.html", {"form": form, "member": member, "title": _("Exemption")})


@login_required
@require_http_methods(["GET", "POST"])
def suspension_add(request, member_id: int):
    """Record a suspension of party activity: decided by a committee, so committee staff (restructure rights)."""
    member = _member(request, member_id, RESTRUCTURE)
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspension_add(member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Suspension recorded."))
            return redirect("members:detail", member.pk)
    return render(request, "members/action.html", {"form": form, "member": member, "title": _("Suspension")})


@login_required
@require_http_methods(["GET", "POST"])
def cell_role_assign(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = CellRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cell_role_assign(member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Office assigned."))
            return redirect("members:detail", member.pk)
    return render(request, "members/action.html", {"form": form, "member": member, "title": _("Cell office")})


@login_required
def probation_due(request):
    rows = queries.probation_due(request.user, on=today())
    return render(request, "members/probation_due.html", {"rows": rows})


@login_required
def member_photo(request, member_id: int):
    """Photos are personal data: served through the same scoping as the profile, never from a public folder."""
    member = _member(request, member_id)
    if not member.photo:
        raise Http404
    content_type = mimetypes.guess_type(member.photo.name)[0] or "application/octet-stream"
    return FileResponse(member.photo.open("rb"), content_type=content_type)
