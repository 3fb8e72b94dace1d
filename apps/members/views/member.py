import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.audit import record_access
from apps.common.scoping import MANAGE, RESTRUCTURE, allows, forget_grants, today
from apps.common.views import paginate, verb
from apps.members.forms.member import (
    CellRoleForm,
    ExemptionForm,
    MemberCreateForm,
    MemberForm,
    SuspensionForm,
    TransferForm,
)
from apps.members.models import Member
from apps.members.queries import member as queries
from apps.members.rules import member as rules
from apps.members.services import member as services
from apps.orgs.models import Organization
from apps.orgs.queries import tree as org_queries


def _member(request, member_id: int, action: str = "view") -> Member:
    return get_object_or_404(queries.member_detail(request.user, member_id, action=action))


def _member_action(request, member: Member, form, action, *, done: str, title: str):
    """A verb on one member (members/action.html); back to the member's page when it is done, or to the home page
    when the verb took the user's own right to see it (a secretary who hands the office over)."""

    def then(_result) -> str:
        forget_grants(request.user)  # the verb may have ended the user's own grant
        if queries.member_detail(request.user, member.pk).exists():
            return reverse("members:detail", args=[member.pk])
        return reverse("home")

    return verb(
        request,
        form,
        action,
        done=done,
        then=then,
        template="members/action.html",
        context={"member": member, "title": title},
    )


def _in_force(periods) -> bool:
    return rules.in_force_on([(p.starts_on, p.ends_on) for p in periods], today())


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
    return verb(
        request,
        form,
        lambda data: services.member_create(
            cell=cell, member=form.instance, joined_on=data["joined_on"], joined_from=data["joined_from"]
        ),
        done=_("Member added."),
        then=lambda member: reverse("members:detail", args=[member.pk]),
        template="members/form.html",
        context={"cell": cell},
        once=True,  # two quick clicks on "Save" add the member once
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = MemberForm(request.POST or None, request.FILES or None, instance=member)
    return verb(
        request,
        form,
        lambda _data: services.member_update(member=form.instance),
        done=_("Changes saved."),
        then=reverse("members:detail", args=[member.pk]),
        template="members/form.html",
        context={"member": member, "cell": member.cell},
    )


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

    def transfer(data):
        if data["to_cell"]:
            return services.member_transfer(member=member, to_cell=data["to_cell"], on=data["on"], note=data["note"])
        return services.member_transfer_out(
            member=member, on=data["on"], to_organization=data["to_organization"], note=data["note"]
        )

    return _member_action(request, member, form, transfer, done=_("Member transferred."), title=_("Transfer"))


@login_required
@require_http_methods(["GET", "POST"])
def exemption_add(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = ExemptionForm(request.POST or None)
    return _member_action(
        request,
        member,
        form,
        lambda data: services.exemption_add(member=member, **data),
        done=_("Exemption recorded."),
        title=_("Exemption"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def suspension_add(request, member_id: int):
    """Record a suspension of party activity: decided by a committee, so committee staff (restructure rights)."""
    member = _member(request, member_id, RESTRUCTURE)
    form = SuspensionForm(request.POST or None)
    return _member_action(
        request,
        member,
        form,
        lambda data: services.suspension_add(member=member, **data),
        done=_("Suspension recorded."),
        title=_("Suspension"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cell_role_assign(request, member_id: int):
    member = _member(request, member_id, MANAGE)
    form = CellRoleForm(request.POST or None)
    return _member_action(
        request,
        member,
        form,
        lambda data: services.cell_role_assign(member=member, **data),
        done=_("Office assigned."),
        title=_("Cell office"),
    )


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
