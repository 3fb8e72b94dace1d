import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.audit import record_access
from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, forget_grants, today
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
from apps.orgs.queries.tree import organizations_for


def member_or_404(request, member_id: int, action: str = VIEW) -> Member:
    return get_object_or_404(queries.members_for(request.user, action), pk=member_id)


def member_action(request, member: Member, form, action, *, done: str, title: str):
    """A verb on one member (members/action.html); back to the member's page when it is done, or to the home page
    when the verb took the user's own right to see it (a secretary who hands the office over)."""

    def then(_result) -> str:
        forget_grants(request.user)  # the verb may have ended the user's own grant
        if queries.members_for(request.user).contains(member):
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
    page = paginate(request, queries.member_list(request.user, text=text, status=status, on=today()))
    return render(
        request,
        "members/list.html",
        {"page": page, "q": text, "status": status, "statuses": [*Member.Status.choices, ("exempted", _("Exempted"))]},
    )


@login_required
def member_detail(request, member_id: int):
    member = queries.with_history(member_or_404(request, member_id))
    record_access(member)
    context = {
        "member": member,
        "can_manage": request.user.has_perm("members.change_member", member),
        "can_suspend": request.user.has_perm("members.suspend_member", member),
        "exempt_now": _in_force(member.exemptions.all()),
        "suspended_now": _in_force(member.suspensions.all()),
    }
    return render(request, "members/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, cell_id: int):
    cell = get_object_or_404(organizations_for(request.user, MANAGE), pk=cell_id, kind=Organization.Kind.CELL)
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
    member = member_or_404(request, member_id, MANAGE)
    if request.method == "GET":
        record_access(member)  # the form shows the whole profile: a read like the detail page
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
    member = member_or_404(request, member_id, MANAGE)
    form = TransferForm(request.POST or None, cells=queries.other_cells(request.user, member, MANAGE))

    def transfer(data):
        if data["to_cell"]:
            return services.member_transfer(member=member, to_cell=data["to_cell"], on=data["on"], note=data["note"])
        return services.member_transfer_out(
            member=member, on=data["on"], to_organization=data["to_organization"], note=data["note"]
        )

    return member_action(request, member, form, transfer, done=_("Member transferred."), title=_("Transfer"))


def _period_verb(request, member_id: int, action: str, form_class, service, *, done: str, title: str):
    """A verb that records one period or office of a member from a form of its own fields."""
    member = member_or_404(request, member_id, action)
    form = form_class(request.POST or None)
    return member_action(request, member, form, lambda data: service(member=member, **data), done=done, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def exemption_add(request, member_id: int):
    return _period_verb(
        request,
        member_id,
        MANAGE,
        ExemptionForm,
        services.exemption_add,
        done=_("Exemption recorded."),
        title=_("Exemption"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def suspension_add(request, member_id: int):
    """Record a suspension of party activity: decided by a committee, so committee staff (restructure rights)."""
    return _period_verb(
        request,
        member_id,
        RESTRUCTURE,
        SuspensionForm,
        services.suspension_add,
        done=_("Suspension recorded."),
        title=_("Suspension"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cell_role_assign(request, member_id: int):
    return _period_verb(
        request,
        member_id,
        MANAGE,
        CellRoleForm,
        services.cell_role_assign,
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
    member = member_or_404(request, member_id)
    if not member.photo:
        raise Http404
    record_access(member)
    content_type = mimetypes.guess_type(member.photo.name)[0] or "application/octet-stream"
    return FileResponse(member.photo.open("rb"), content_type=content_type)
