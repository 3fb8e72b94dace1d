"""Party dues pages (DOMAIN.md §9): a cell's month, a member's year and dues basis, the dues rates a committee sets
for its subtree.

Rates are data with effective dates: a rate is never edited in place; a newer row with a later date takes over,
and only a rate not yet in force may be deleted.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules import test_rule

from apps.common import rules
from apps.common.audit import record_access
from apps.common.forms import ButtonForm
from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import verb, year_param
from apps.members.forms.dues import DuesBasisForm, DuesMonthForm, DuesRateForm
from apps.members.queries import dues as queries
from apps.members.queries.member import members_for
from apps.members.services import dues as services
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for


def _month(request) -> date:
    """The ``month`` of the query string (yyyy-mm, within the years the system serves), else this month."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", request.GET.get("month", ""))
    if found and rules.month_ok(int(found[1]), int(found[2])):
        return date(int(found[1]), int(found[2]), 1)
    return today().replace(day=1)


# --- a cell's month, a member's year ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_month(request, cell_id: int):
    cell = get_object_or_404(organizations_for(request.user, MANAGE), pk=cell_id, kind=Organization.Kind.CELL)
    month = _month(request)
    lines = queries.dues_sheet(request.user, cell=cell, month=month, action=MANAGE)
    form = DuesMonthForm(request.POST or None, lines=lines)
    return verb(
        request,
        form,
        lambda _data: services.dues_record_month(cell=cell, month=month, entries=form.entries(), by=request.user),
        done=_("Dues saved."),
        then=f"{reverse('members:dues', args=[cell.pk])}?month={month:%Y-%m}",
        template="members/dues/month.html",
        context={
            "cell": cell,
            "month": month,
            "previous": month - relativedelta(months=1),
            "following": month + relativedelta(months=1),
        },
    )


@login_required
def dues_member(request, member_id: int):
    member = get_object_or_404(members_for(request.user, VIEW), pk=member_id)
    year = year_param(request)
    months, total = queries.dues_year(member, year=year)
    context = {
        "member": member,
        "year": year,
        "months": months,
        "total": total,
        "can_manage": request.user.has_perm("members.change_member", member),
    }
    return render(request, "members/dues/member.html", context)


# --- dues rates ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_rates(request, org_id: int):
    org = get_object_or_404(organizations_for(request.user, VIEW), pk=org_id)
    can_add = test_rule("members.set_dues_rates", request.user, org)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    return verb(
        request,
        DuesRateForm(request.POST or None) if can_add else None,
        lambda data: services.dues_rate_set(organization=org, **data),
        done=_("Dues rate added."),
        then=reverse("members:dues_rates", args=[org.pk]),
        template="members/dues/rates.html",
        context=lambda: {"org": org, "can_add": can_add, **queries.rates_page(request.user, org, on=today())},
    )


@login_required
@require_POST
def dues_rate_delete(request, rate_id: int):
    rate = get_object_or_404(queries.dues_rates_for(request.user, VIEW), pk=rate_id)
    if not request.user.has_perm("members.delete_dues_rate", rate):
        raise PermissionDenied
    return verb(
        request,
        ButtonForm(request.POST),
        lambda _data: services.dues_rate_delete(rate=rate, on=today()),
        done=_("Dues rate deleted."),
        back=reverse("members:dues_rates", args=[rate.organization_id]),
    )


# --- a member's dues basis ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_basis(request, member_id: int):
    """The member's bases history and, for the cell's managers, a form to add one. Shown on the member's dues page
    (loaded there by htmx, which gets the section alone) and as a page of its own without JavaScript. The income is
    personal data: every page or section that shows it is an access entry in the audit log; the amounts are never
    written to messages or logs."""
    member = get_object_or_404(members_for(request.user, VIEW), pk=member_id)
    can_add = request.user.has_perm("members.change_member", member)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    template = "members/dues/basis.html#bases" if request.htmx else "members/dues/basis.html"
    month = today().replace(day=1)  # a month's dues use the basis in force on its first day

    def page(*, saved: bool = False) -> dict:
        return {"member": member, "saved": saved, **queries.basis_page(request.user, member, month=month)}

    response = verb(
        request,
        DuesBasisForm(request.POST or None) if can_add else None,
        lambda data: services.dues_basis_set(member=member, **data),
        done=None if request.htmx else _("Dues basis saved."),  # htmx: the section says it was saved
        then=reverse("members:dues_member", args=[member.pk]),
        template=template,
        context=page(),
        fragment=lambda bound: render(
            request, template, {"form": DuesBasisForm() if bound is None else bound, **page(saved=bound is None)}
        ),
    )
    if response.status_code == 200:  # the bases were shown (the page, or its section)
        record_access(member)
    return response
