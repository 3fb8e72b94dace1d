"""Pages of the annual calendar: a cell's year, the committee's overview, planning and editing meetings, the
member's page with apologies (the private feed and mail preferences are views/feed.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common import rules
from apps.common.scoping import MANAGE, VIEW, today
from apps.common.views import paginate, verb, year_or_404, year_param
from apps.meetings.forms.calendar import (
    ApologyDecisionForm,
    ApologyForm,
    MeetingNewForm,
    MeetingPlanForm,
    MeetingRuleForm,
)
from apps.meetings.models import AnnualCalendar
from apps.meetings.queries import calendar as queries
from apps.meetings.queries.meeting import meetings_for
from apps.meetings.services import calendar as services


def _cell(request, cell_id: int, action: str = VIEW):
    return get_object_or_404(queries.cells_for(request.user, action), pk=cell_id)


def _calendar_url(cell_id: int, year: int) -> str:
    return reverse("meetings:calendar", args=[cell_id, year])


def _meeting_year(meeting) -> int:
    return timezone.localtime(meeting.scheduled_at).year


# ---------------------------------------------------------------------------------------------- a cell's year


@login_required
def calendar(request, cell_id: int, year: int):
    cell = _cell(request, cell_id)
    year = year_or_404(year)
    can_manage = request.user.has_perm("meetings.manage_cell", cell)
    cal = queries.calendar_of(request.user, cell=cell, year=year)
    meetings = list(queries.calendar_meetings(request.user, cell=cell, year=year))
    rule = queries.rule_of(request.user, cell=cell)
    context = {
        "cell": cell,
        "year": year,
        "calendar": cal,
        "meetings": meetings,
        "checks": queries.calendar_checks(meetings, year),
        "rule": rule,
        "can_manage": can_manage,
        "can_register": cal is not None and request.user.has_perm("meetings.register_calendar", cal),
        "can_generate": can_manage and (cal is None or (cal.status == AnnualCalendar.Status.DRAFT and not meetings)),
        "now": timezone.now(),
    }
    if can_manage:
        context["rule_form"] = MeetingRuleForm(instance=rule)
        context["apologies"] = list(queries.pending_apologies(request.user, cell=cell))
    return render(request, "meetings/calendar/calendar.html", context)


@login_required
@require_POST
def calendar_generate(request, cell_id: int, year: int):
    cell = _cell(request, cell_id, MANAGE)
    year = year_or_404(year)

    def generate(data):
        cal = services.calendar_generate(cell=cell, year=year, by=request.user)
        count = cal.meetings.count()
        messages.success(request, _("%(count)s meetings planned for %(year)s.") % {"count": count, "year": year})
        return cal

    return verb(request, forms.Form(request.POST), generate, done=None, back=_calendar_url(cell.pk, year))


def _rule_year(request) -> int:
    """The year whose calendar page the rule's form came from (posted, or in the query string), else this year."""
    text = request.POST.get("year") or request.GET.get("year") or ""
    return int(text) if text.isdigit() and rules.year_ok(int(text)) else today().year


@login_required
@require_http_methods(["GET", "POST"])
def calendar_rule(request, cell_id: int):
    cell = _cell(request, cell_id, MANAGE)
    rule = queries.rule_of(request.user, cell=cell)
    year = _rule_year(request)
    form = MeetingRuleForm(request.POST or None, instance=rule)
    page = {"cell": cell, "year": year, "rule": rule, "can_manage": True}

    def fragment(bound):
        """The rule's card: after a save, the rule as stored with a "saved" note; after a refusal, the errors."""
        shown = bound or MeetingRuleForm(instance=queries.rule_of(request.user, cell=cell))
        return render(
            request, "meetings/calendar/rule.html#rule-form", {**page, "rule_form": shown, "saved": bound is None}
        )

    return verb(
        request,
        form,
        lambda data: services.meeting_rule_save(cell=cell, **data),
        done=None if request.htmx else _("The meeting rule was saved."),
        then=_calendar_url(cell.pk, year),
        template="meetings/calendar/rule.html#rule-form" if request.htmx else "meetings/calendar/rule.html",
        context={**page, "rule_form": form, "saved": False},
        fragment=fragment,
    )


@login_required
@require_POST
def calendar_submit(request, calendar_id: int):
    cal = get_object_or_404(queries.calendars_for(request.user, MANAGE), pk=calendar_id)
    return verb(
        request,
        forms.Form(request.POST),
        lambda data: services.calendar_submit(calendar=cal, by=request.user),
        done=_("The calendar was submitted to the committee."),
        back=_calendar_url(cal.cell_id, cal.year),
    )


@login_required
@require_POST
def calendar_register(request, calendar_id: int):
    cal = get_object_or_404(queries.calendars_for(request.user, MANAGE), pk=calendar_id)
    if not request.user.has_perm("meetings.register_calendar", cal):
        raise PermissionDenied
    if request.POST.get("next", "") == "overview":
        back = f"{reverse('meetings:calendars')}?year={cal.year}"
    else:
        back = _calendar_url(cal.cell_id, cal.year)
    return verb(
        request,
        forms.Form(request.POST),
        lambda data: services.calendar_register(calendar=cal, by=request.user),
        done=_("The calendar of %(cell)s was registered.") % {"cell": cal.cell.name},
        back=back,
    )


# ------------------------------------------------------------------------------------------- the committee's overview


@login_required
def calendars(request):
    year = year_param(request)
    status = request.GET.get("status", "")
    if status not in queries.OVERVIEW_STATUSES:
        status = ""
    page = paginate(request, queries.overview_cells(request.user, year=year, status=status))
    rows = queries.overview_rows(request.user, page.object_list)
    for row in rows:
        row.can_register = row.calendar is not None and request.user.has_perm(
            "meetings.register_calendar", row.calendar
        )
    context = {
        "year": year,
        "status": status,
        "page": page,
        "rows": rows,
        "totals": queries.overview_totals(request.user, year=year),
        "statuses": [("missing", _("No calendar")), *AnnualCalendar.Status.choices],
    }
    return render(request, "meetings/calendar/overview.html", context)


# ---------------------------------------------------------------------------------------------- planning meetings


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, cell_id: int):
    cell = _cell(request, cell_id, MANAGE)
    form = MeetingNewForm(request.POST or None)
    return verb(
        request,
        form,
        lambda data: services.calendar_meeting_add(cell=cell, by=request.user, **data),
        done=_("Meeting added."),
        then=lambda meeting: _calendar_url(cell.pk, _meeting_year(meeting)),
        template="meetings/calendar/meeting_form.html",
        context={"cell": cell, "meeting": None},
        once=True,  # a double submit adds the meeting once
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    meeting = get_object_or_404(meetings_for(request.user, MANAGE), pk=meeting_id)
    initial = {"scheduled_at": timezone.localtime(meeting.scheduled_at), "place": meeting.place, "topic": meeting.topic}
    form = MeetingPlanForm(request.POST or None, initial=initial)
    changed_before = meeting.date_changed_at

    def update(data):
        updated = services.calendar_meeting_update(meeting=meeting, by=request.user, **data)
        if updated.date_changed_at != changed_before:
            messages.success(request, _("Changes saved. The cell's members were told of the new date."))
        else:
            messages.success(request, _("Changes saved."))
        return updated

    return verb(
        request,
        form,
        update,
        done=None,
        then=lambda updated: _calendar_url(updated.cell_id, _meeting_year(updated)),
        template="meetings/calendar/meeting_form.html",
        context={"cell": meeting.cell, "meeting": meeting},
    )


# ---------------------------------------------------------------------------------------------- the member's page


@login_required
def mine(request):
    member = queries.member_of(request.user)
    context = {"member": member}
    if member is not None:
        now = timezone.now()
        upcoming = queries.member_upcoming(request.user, member=member, now=now)
        for meeting in upcoming:
            meeting.my_apology = meeting.my_apologies[0] if meeting.my_apologies else None
            meeting.apology_open = services.apology_open(meeting, now=now)
        context.update(
            upcoming=upcoming,
            history=paginate(request, queries.member_attendance(request.user, member=member)),
            year=timezone.localtime(now).year,
        )
    return render(request, "meetings/calendar/mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apology(request, meeting_id: int):
    meeting = get_object_or_404(meetings_for(request.user), pk=meeting_id)
    if not request.user.has_perm("meetings.attend", meeting):
        raise PermissionDenied
    # An administrator passes the permission without being a member: they have no apology to send.
    member = queries.member_of(request.user, active=False)
    existing = queries.apology_of(request.user, meeting=meeting, member=member) if member else None
    form = ApologyForm(request.POST or None)
    page = {"meeting": meeting, "existing": existing, "open": services.apology_open(meeting), "member": member}
    if existing is not None:  # sent once: the page shows it and its decision
        return render(request, "meetings/calendar/apology.html", {"form": form, **page})

    def send(data):
        if member is None:
            raise ValidationError(_("Only members of the meeting's cell can send an apology."))
        return services.apology_submit(meeting=meeting, member=member, reason=data["reason"])

    return verb(
        request,
        form,
        send,
        done=_("Your apology was sent to the secretary."),
        then=reverse("meetings:mine"),
        template="meetings/calendar/apology.html",
        context=page,
    )


@login_required
@require_POST
def apology_decide(request, apology_id: int):
    row = get_object_or_404(queries.apologies_for(request.user, MANAGE), pk=apology_id)
    form = ApologyDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)

    def fragment(bound):
        """The apology's row as it now stands, with the refusal's reason after a refusal."""
        decided = get_object_or_404(queries.apologies_for(request.user, MANAGE), pk=apology_id)
        return render(request, "meetings/calendar/calendar.html#apology-row", {"a": decided, "form": bound})

    return verb(
        request,
        form,
        lambda data: services.apology_decide(apology=row, accept=form.accept, by=request.user),
        done=None if request.htmx else _("Decision recorded."),
        back=_calendar_url(row.meeting.cell_id, _meeting_year(row.meeting)),
        fragment=fragment,
    )
