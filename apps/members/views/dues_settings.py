"""Dues settings pages (DOMAIN.md §9): the dues rates a committee sets for its subtree, and a member's dues basis.

Rates are data with effective dates: a rate is never edited in place; a newer row with a later date takes over,
and only a rate not yet in force may be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.audit import record_access
from apps.common.forms import apply_errors
from apps.common.scoping import RESTRUCTURE, VIEW, allows, subtree_filter, today
from apps.members.forms.dues import DuesBasisForm, DuesRateForm
from apps.members.models import DuesBasis, DuesRate, Member, MemberDuesBasis
from apps.members.queries import watch as queries_watch
from apps.members.rules import watch
from apps.members.services import dues as services_dues
from apps.orgs.models import Organization
from apps.orgs.queries import tree as org_queries

# --- reads ------------------------------------------------------------------------------------------------------


def rates_for(user, org: Organization) -> QuerySet[DuesRate]:
    """The rates that reach ``org`` (one query): those issued inside its subtree that the user may see, and those
    issued by the committees above it — settings inherited by an organisation the caller has already found
    visible (read-only here, as national rubrics are on the rubrics page)."""
    steplen = Organization.steplen
    above = [org.path[:end] for end in range(steplen, len(org.path), steplen)]
    inside = DuesRate.objects.visible_to(user, VIEW).filter(subtree_filter(DuesRate.scope_path, org.path))
    return (
        DuesRate.objects.filter(Q(pk__in=inside.values("pk")) | Q(organization__path__in=above))
        .select_related("organization")
        .order_by("basis", "-effective_from", "-organization__depth", "pk")
    )


@dataclass
class RateRow:
    rate: DuesRate
    inherited: bool  # issued by a committee above: read-only on this page
    in_force: bool  # the row this organisation's dues use today for its basis
    upcoming: bool  # not in force yet: nobody's dues were computed with it
    can_delete: bool


def rate_rows(user, org: Organization, *, on) -> tuple[list[RateRow], list[RateRow]]:
    """(rows that apply to ``org``: its own and inherited, rows set by organisations below it)."""
    rates = list(rates_for(user, org))
    applying = [r for r in rates if len(r.organization.path) <= len(org.path)]
    current: dict[str, DuesRate] = {}
    for rate in applying:
        if rate.effective_from > on:
            continue
        best = current.get(rate.basis)
        # the newest date wins; at equal dates the committee nearest the organisation (queries_watch does the same)
        if best is None or (rate.effective_from, rate.organization.depth) > (
            best.effective_from,
            best.organization.depth,
        ):
            current[rate.basis] = rate

    def row(rate: DuesRate) -> RateRow:
        upcoming = rate.effective_from > on
        inherited = len(rate.organization.path) < len(org.path)
        return RateRow(
            rate=rate,
            inherited=inherited,
            in_force=current.get(rate.basis) is rate,
            upcoming=upcoming,
            can_delete=upcoming and not inherited and allows(user, RESTRUCTURE, rate.organization.path),
        )

    below = [row(r) for r in rates if len(r.organization.path) > len(org.path)]
    return [row(r) for r in applying], below


def default_percent(basis: str) -> Decimal:
    """The percent used when no rate is in force (the settings read by ``watch.dues_amount``)."""
    fallback = watch.SALARY_PERCENT if basis == DuesBasis.SALARY else watch.PENSION_PERCENT
    return Decimal(str(getattr(settings, f"CHIBO_DUES_{basis.upper()}_PERCENT", fallback)))


def may_set_rates(user, org: Organization) -> bool:
    """Committee staff (restructure rights) set the rates of a committee; a cell inherits its committee's."""
    return not org.is_cell and allows(user, RESTRUCTURE, org.path)


# --- dues rates ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_rates(request, org_id: int):
    org = get_object_or_404(org_queries.organizations_for(request.user, VIEW), pk=org_id)
    can_add = may_set_rates(request.user, org)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = DuesRateForm(request.POST or None) if can_add else None
    if request.method == "POST" and form.is_valid():
        try:
            services_dues.dues_rate_set(organization=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Dues rate added."))
            return redirect("members:dues_rates", org.pk)
    rows, below = rate_rows(request.user, org, on=today())
    context = {
        "org": org,
        "rows": rows,
        "below": below,
        "form": form,
        "can_add": can_add,
        "default_salary": default_percent(DuesBasis.SALARY),
        "default_pension": default_percent(DuesBasis.PENSION),
    }
    return render(request, "members/dues_settings/rates.html", context)


@login_required
@require_POST
def dues_rate_delete(request, rate_id: int):
    rate = get_object_or_404(DuesRate.objects.visible_to(request.user, VIEW).select_related("organization"), pk=rate_id)
    if not allows(request.user, RESTRUCTURE, rate.organization.path):
        raise PermissionDenied
    try:
        services_dues.dues_rate_delete(rate=rate, on=today())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Dues rate deleted."))
    return redirect("members:dues_rates", rate.organization_id)


# --- a member's dues basis ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dues_basis(request, member_id: int):
    """The member's bases history and, for the cell's managers, a form to add one. Shown on the member's dues page
    (loaded there by htmx) and as a page of its own without JavaScript. The income is personal data: every view
    is an access entry in the audit log; the amounts are never written to messages or logs."""
    member = get_object_or_404(Member.objects.visible_to(request.user, VIEW).select_related("cell"), pk=member_id)
    can_add = request.user.has_perm("members.change_member", member)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = DuesBasisForm(request.POST or None) if can_add else None
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services_dues.dues_basis_set(member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Dues basis saved."))
                return redirect("members:dues_member", member.pk)
            saved, form = True, DuesBasisForm()
    month = today().replace(day=1)
    bases = list(
        MemberDuesBasis.objects.visible_to(request.user, VIEW).filter(member=member).order_by("-effective_from", "pk")
    )
    current = next((b for b in bases if b.effective_from <= month), None)  # a month's dues use its first day's
    suggested: Decimal | None = None
    if current is not None:
        suggested = queries_watch.suggested_amounts([member], cell=member.cell, month=month).get(member.pk)
    record_access(member)
    context = {
        "member": member,
        "bases": bases,
        "current": current,
        "month": month,
        "suggested": suggested,
        "form": form,
        "saved": saved,
    }
    template = "members/dues_settings/basis.html#bases" if request.htmx else "members/dues_settings/basis.html"
    return render(request, template, context)
