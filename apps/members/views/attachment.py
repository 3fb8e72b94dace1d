"""Temporary attachment of a member to another cell (sinh hoạt đảng tạm thời, DOMAIN.md §5).

The committee issues the introduction to the host organisation, so committee staff record it (restructure rights on
the member's cell, as for suspensions); the host is one of the cells they can see."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import RESTRUCTURE, VIEW
from apps.members.forms.attachment import AttachmentForm
from apps.members.services import member as services
from apps.members.views.member import _member, _member_action
from apps.orgs.models import Organization
from apps.orgs.queries import tree as org_queries


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request, member_id: int):
    member = _member(request, member_id, RESTRUCTURE)
    cells = (
        org_queries.organizations_for(request.user, VIEW)
        .filter(kind=Organization.Kind.CELL)
        .exclude(pk=member.cell_id)
        .order_by("name")
    )
    form = AttachmentForm(request.POST or None, cells=cells)
    return _member_action(
        request,
        member,
        form,
        lambda data: services.attachment_add(member=member, **data),
        done=_("Temporary attachment recorded."),
        title=_("Temporary attachment to another cell"),
    )
