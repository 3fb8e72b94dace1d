from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from apps.common.scoping import Role, grants_for, today
from apps.orgs.models import Organization


def paginate(request, queryset, per_page: int | None = None):
    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request):
    from apps.members.models import Member
    from apps.members.queries import probation_due_members

    grants = grants_for(request.user)
    nodes = {o.pk: o for o in Organization.objects.filter(pk__in={g.organization_id for g in grants})}
    roles: dict[int, list[str]] = {}
    for g in grants:  # one line per node, with every role held there
        roles.setdefault(g.organization_id, []).append(str(Role(g.role).label))
    roles = [(", ".join(labels), nodes[org_id]) for org_id, labels in roles.items()]
    member = Member.objects.filter(user=request.user).select_related("cell").first()
    context = {
        "roles": roles,
        "member": member,
        "probation_due_count": probation_due_members(request.user, on=today()).count(),  # a COUNT, not the rows
    }
    return render(request, "common/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
