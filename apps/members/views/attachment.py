"""Temporary attachment of a member to another cell (sinh hoạt đảng tạm thời, DOMAIN.md §5).

The committee issues the introduction to the host organisation, so committee staff record it (restructure rights on
the member's cell, as for suspensions); the host is one of the cells they can see."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.scoping import RESTRUCTURE, VIEW
from apps.members.forms.attachment import AttachmentForm
from apps.members.queries import member as queries
from apps.members.services import member as services
from apps.members.views.member import member_action, member_or_404


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request, member_id: int):
    member = member_or_404(request, member_id, RESTRUCTURE)
    form = AttachmentForm(request.POST or None, cells=queries.other_cells(request.user, member, VIEW))
    return member_action(
        request,
        member,
        form,
        lambda data: services.attachment_add(member=member, **data),
        done=_("Temporary attachment recorded."),
        title=_("Temporary attachment to another cell"),
    )
