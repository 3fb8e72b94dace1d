"""Pages of the annual calendar: a cell's year, the committee's overview, planning and editing meetings, the
member's page with apologies, the iCalendar feed and mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, today
from apps.common.views import paginate, verb
from apps.meetings.forms.calendar import (
    ApologyForm,
    MeetingNewForm,
    MeetingPlanForm,
    MeetingRuleForm,
    NotificationPreferenceForm,
)
from apps.meetings.models import AnnualCalendar, Apology, CalendarFeed, Meeting, NotificationPreference
from apps.meetings.queries import calendar as queries
from apps.meetings.services import calendar as services
from apps.members.models import Member

YEARS = range(2000, 2101)


def _cell(request, cell_id: int, action: str = "view"):
    return get_object_or_404(queries.cells_for(request.user, action), pk=cell_id)


def _year(year: int) -> int:
    if year not in YEARS:
        raise Http404
    return year


def _calendar_url(cell_id: int, year: int) -> str:
    return reverse("meetings:calendar", args=[cell_id, year])


# ---------------------------------------------------------------------------------------------- a cell's year


@login_required
def calendar(request, cell_id: int, year: int):
    cell = _cell(request, cell_id)
    year = _year(year)
    can_manage = services.manages_cell(request.user, cell)
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
        "can_register": cal is not None and services.registers_calendar(request.user, cal),
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
    year = _year(year)
    try:
        cal = services.calendar_generate(cell=cell, year=year, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        count = cal.meetings.count()
        messages.success(request, _("%(count)s meetings planned for %(year)s.") % {"count": count, "year": year})
    return redirect(_calendar_url(cell.pk, year))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_rule(request, cell_id: int):
    cell = _cell(request, cell_id, MANAGE)
    rule = queries.rule_of(request.user, cell=cell)
    year = request.POST.get("year") or request.GET.get("year") or str(today().year)
    year = int(year) if year.isdigit() and int(year) in YEARS else today().year
    form = MeetingRuleForm(request.POST or None, instance=rule)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.meeting_rule_save(cell=cell, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            saved = True
            if not request.htmx:
                messages.success(request, _("The meeting rule was saved."))
                return redirect(_calendar_url(cell.pk, year))
            form = MeetingRuleForm(instance=rule)
    context = {"cell": cell, "year": year, "rule_form": form, "rule": rule, "saved": saved, "can_manage": True}
    template = "meetings/calendar/rule.html#rule-form" if request.htmx else "meetings/calendar/rule.html"
    return render(request, template, context)


@login_required
@require_POST
def calendar_submit(request, calendar_id: int):
    cal = get_object_or_404(AnnualCalendar.objects.visible_to(request.user, MANAGE), pk=calendar_id)
    try:
        services.calendar_submit(calendar=cal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The calendar was submitted to the committee."))
    return redirect(_calendar_url(cal.cell_id, cal.year))


@login_required
@require_POST
def calendar_register(request, calendar_id: int):
    cal = get_object_or_404(
        AnnualCalendar.objects.visible_to(request.user, MANAGE).select_related("cell"), pk=calendar_id
    )
    if not request.user.has_perm("meetings.register_calendar", cal):
        raise PermissionDenied
    try:
        services.calendar_register(calendar=cal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The calendar of %(cell)s was registered.") % {"cell": cal.cell.name})
    back = request.POST.get("next", "")
    if back == "overview":
        return redirect(f"{reverse('meetings:calendars')}?year={cal.year}")
    return redirect(_calendar_url(cal.cell_id, cal.year))


# ------------------------------------------------------------------------------------------- the committee's overview


@login_required
def calendars(request):
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in YEARS else today().year
    status = request.GET.get("status", "")
    if status not in queries.OVERVIEW_STATUSES:
        status = ""
    page = paginate(request, queries.overview_cells(request.user, year=year, status=status))
    rows = queries.overview_rows(request.user, page.object_list)
    for row in rows:
        row.can_register = row.calendar is not None and services.registers_calendar(request.user, row.calendar)
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
        then=lambda meeting: _calendar_url(cell.pk, timezone.localtime(meeting.scheduled_at).year),
        template="meetings/calendar/meeting_form.html",
        context={"cell": cell, "meeting": None},
        once=True,  # a double submit adds the meeting once
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user, MANAGE).select_related("cell", "calendar"), pk=meeting_id
    )
    initial = {"scheduled_at": timezone.localtime(meeting.scheduled_at), "place": meeting.place, "topic": meeting.topic}
    form = MeetingPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed_before = meeting.date_changed_at
        try:
            meeting = services.calendar_meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if meeting.date_changed_at != changed_before:
                messages.success(request, _("Changes saved. The cell's members were told of the new date."))
            else:
                messages.success(request, _("Changes saved."))
            return redirect(_calendar_url(meeting.cell_id, timezone.localtime(meeting.scheduled_at).year))
    return render(
        request, "meetings/calendar/meeting_form.html", {"form": form, "cell": meeting.cell, "meeting": meeting}
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
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("cell"), pk=meeting_id)
    if not request.user.has_perm("meetings.attend", meeting):
        raise PermissionDenied
    # An administrator passes the permission without being a member: they have no apology to send.
    member = Member.objects.filter(user=request.user).first()
    existing = (
        Apology.objects.visible_to(request.user).filter(meeting=meeting, member=member).first() if member else None
    )
    form = ApologyForm(request.POST or None)
    if request.method == "POST" and member is None:
        form.add_error(None, _("Only members of the meeting's cell can send an apology."))
    if request.method == "POST" and member is not None and existing is None and form.is_valid():
        try:
            services.apology_submit(meeting=meeting, member=member, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your apology was sent to the secretary."))
            return redirect("meetings:mine")
    context = {
        "meeting": meeting,
        "form": form,
        "existing": existing,
        "open": services.apology_open(meeting),
        "member": member,
    }
    return render(request, "meetings/calendar/apology.html", context)


@login_required
@require_POST
def apology_decide(request, apology_id: int):
    row = get_object_or_404(
        Apology.objects.visible_to(request.user, MANAGE).select_related("meeting", "member"), pk=apology_id
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return HttpResponse(status=400)
    error = ""
    try:
        row = services.apology_decide(apology=row, accept=decision == "accept", by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return render(request, "meetings/calendar/calendar.html#apology-row", {"a": row, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(_calendar_url(row.meeting.cell_id, timezone.localtime(row.meeting.scheduled_at).year))


# ---------------------------------------------------------------------------------------------- feed and preferences


def feed(request, token: str):
    """The private iCalendar feed: the token is the credential (no login, so calendar apps can subscribe)."""
    subscription = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not subscription.user.is_active:
        raise Http404
    text = queries.feed_text(
        subscription.user,
        now=timezone.now(),
        name=_("Party cell meetings"),
        link=lambda m: request.build_absolute_uri(reverse("meetings:detail", args=[m.pk])),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chibo.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_manage(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The feed address was revoked."))
        else:
            services.calendar_feed_create(user=request.user)
            messages.success(request, _("A new private feed address was created."))
        return redirect("meetings:feed_manage")
    subscription = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("meetings:feed", args=[subscription.token])) if subscription else ""
    return render(request, "meetings/calendar/feed.html", {"feed": subscription, "url": url})


@login_required
@require_http_methods(["GET", "POST"])
def notification_prefs(request):
    pref = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect("meetings:notification_prefs")
    return render(request, "meetings/calendar/prefs.html", {"form": form, "has_email": bool(request.user.email)})
