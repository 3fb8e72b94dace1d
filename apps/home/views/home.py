"""The home page (what waits for the user, their next meetings) and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from apps.common.scoping import Role, grants_for, today
from apps.home.queries.todo import todo_for
from apps.meetings.queries import meeting as meeting_queries
from apps.members.models import Member
from apps.members.queries.member import probation_due_members
from apps.orgs.models import Organization


@login_required
def home(request):
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
        "todo": todo_for(request.user, today()),
        "next_meetings": (coming := meeting_queries.next_meetings(request.user, now=timezone.localtime())),
        "meets_today": bool(coming) and timezone.localdate(coming[0].scheduled_at) == today(),
    }
    return render(request, "home/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
