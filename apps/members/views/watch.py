"""Membership watch and party dues pages (DOMAIN.md §9). The system lists alerts; decisions are the cell's."""

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common import rules
from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import verb, year_param
from apps.members.forms.dues import DuesMonthForm
from apps.members.models import Member
from apps.members.queries import member as queries
from apps.members.queries import watch as queries_watch
from apps.members.rules import watch
from apps.members.services import dues as services_dues
from apps.orgs.models import Organization
from apps.orgs.queries import tree as org_queries

LEVELS = ("alert", "warning", "streak")


def _month(request) -> date:
    """The ``month`` of the query string (yyyy-mm, within the years the system serves), else this month."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", request.GET.get("month", ""))
    if found and rules.month_ok(int(found[1]), int(found[2])):
        return date(int(found[1]), int(found[2]), 1)
    return today().replace(day=1)


@login_required
def watch_list(request):
    if not queries_watch.can_watch(request.user):
        raise Http404
    year = year_param(request)
    level = request.GET.get("level", "")
    rows = queries_watch.watch_list(request.user, year=year, today=today())
    if level in (watch.ALERT, watch.WARNING):
        rows = [r for r in rows if r.level == level]
    elif level == "streak":
        rows = [r for r in rows if r.streak_breaks]
    context = {
        "rows": rows,
        "year": year,
        "level": level,
        "years": range(today().year, today().year - 5, -1),
        "probation": queries.probation_due(request.user, on=today()),
        "alert_months": watch.alert_months(),
        "warning_months": watch.warning_months(),
        "streak_limit": watch.streak_limit(),
    }
    return render(request, "members/watch/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dues_month(request, cell_id: int):
    cell = get_object_or_404(
        org_queries.organizations_for(request.user, MANAGE).filter(kind=Organization.Kind.CELL), pk=cell_id
    )
    month = _month(request)
    lines = queries_watch.dues_sheet(request.user, cell=cell, month=month, action=MANAGE)
    form = DuesMonthForm(request.POST or None, lines=lines)
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return verb(
        request,
        form,
        lambda _data: services_dues.dues_record_month(cell=cell, month=month, entries=form.entries(), by=request.user),
        done=_("Dues saved."),
        then=f"{reverse('members:dues', args=[cell.pk])}?month={month:%Y-%m}",
        template="members/watch/dues_month.html",
        context={"cell": cell, "month": month, "previous": previous, "following": following},
    )


@login_required
def dues_member(request, member_id: int):
    member = get_object_or_404(Member.objects.visible_to(request.user, VIEW).select_related("cell"), pk=member_id)
    year = year_param(request)
    months = queries_watch.dues_year(member, year=year)
    total = sum((row.amount for _m, row in months if row is not None), 0)
    context = {
        "member": member,
        "year": year,
        "months": months,
        "total": total,
        "can_manage": request.user.has_perm("members.change_member", member),
    }
    return render(request, "members/watch/dues_member.html", context)
