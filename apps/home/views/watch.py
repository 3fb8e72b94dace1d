"""The membership watch page (DOMAIN.md §9), ``members:watch`` (chibo/urls.py). The system lists alerts; decisions
are the cell's. It reads the meetings' attendance, so it lives on the top floor."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from rules import test_rule

from apps.common.scoping import today
from apps.common.views import year_param
from apps.home.queries import watch as queries
from apps.members.queries import member as queries_member
from apps.members.rules import watch


@login_required
def watch_list(request):
    if not test_rule("members.watch", request.user):
        raise Http404
    year = year_param(request)
    level = request.GET.get("level", "")
    context = {
        "rows": queries.watch_list(request.user, year=year, today=today(), level=level),
        "year": year,
        "level": level,
        "years": range(today().year, today().year - 5, -1),
        "probation": queries_member.probation_due(request.user, on=today()),
        "alert_months": watch.alert_months(),
        "warning_months": watch.warning_months(),
        "streak_limit": watch.streak_limit(),
    }
    return render(request, "home/watch/list.html", context)
