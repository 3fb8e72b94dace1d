"""A meeting's minutes: generated from the record, edited as a draft, read back and adopted, corrected after.

Who: those who manage the meeting, and its minute-taker for the draft (``meetings.write_minutes``); everyone who
sees the meeting reads them. Another cell's meeting is not found (404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.minutes import MinutesAdoptForm, MinutesCorrectForm, MinutesForm, RevisionForm
from apps.meetings.models import Meeting, Minutes
from apps.meetings.queries import minutes as queries_minutes
from apps.meetings.queries.meeting import meetings_for
from apps.meetings.services import minutes as services_minutes


def _meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(meetings_for(request.user, action), pk=meeting_id)


def _writer_meeting(request, meeting_id: int) -> Meeting:
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm("meetings.write_minutes", meeting):
        raise Http404
    return meeting


def _minutes_url(meeting: Meeting) -> str:
    return reverse("meetings:minutes", args=[meeting.pk])


def _page_context(request, meeting: Meeting, *, form=None, correct_form=None, stale=None) -> dict:
    minutes = queries_minutes.minutes_of(request.user, meeting)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    can_write = request.user.has_perm("meetings.write_minutes", meeting)
    if minutes is not None and minutes.status == Minutes.Status.DRAFT and can_write and form is None:
        form = MinutesForm(initial={"text": minutes.text, "revision": minutes.revision})
    if minutes is not None and minutes.status == Minutes.Status.ADOPTED and can_manage and correct_form is None:
        correct_form = MinutesCorrectForm(initial={"text": minutes.text})
    return {
        "meeting": meeting,
        "minutes": minutes,
        "can_manage": can_manage,
        "can_write": can_write,
        "form": form,
        "correct_form": correct_form,
        "stale": stale,
    }


def _page(request, meeting: Meeting, *, status: int = 200, **forms_shown):
    return render(
        request, "meetings/minutes/minutes.html", _page_context(request, meeting, **forms_shown), status=status
    )


@login_required
def minutes(request, meeting_id: int):
    return _page(request, _meeting(request, meeting_id))


@login_required
@require_POST
def minutes_generate(request, meeting_id: int):
    meeting = _writer_meeting(request, meeting_id)
    seen = RevisionForm(request.POST)  # the draft's revision on the page; none for a first generation
    revision = seen.cleaned_data["revision"] if seen.is_valid() else None
    return verb(
        request,
        forms.Form(request.POST),
        lambda data: services_minutes.minutes_generate(meeting=meeting, revision=revision),
        done=_("Minutes generated from the record. Check and complete them."),
        back=_minutes_url(meeting),
    )


@login_required
@require_POST
def minutes_save(request, meeting_id: int):
    """Not through ``verb``: a stale save answers 409 with the other person's text beside this person's, and the
    editor carries the newer revision (saving again is then a deliberate merge)."""
    meeting = _writer_meeting(request, meeting_id)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _page(request, meeting, form=form)
    try:
        services_minutes.minutes_save(meeting=meeting, **form.cleaned_data)
    except services_minutes.StaleMinutes as exc:
        # Keep this person's text in the editor, on top of the other person's revision, and show theirs.
        data = request.POST.copy()
        data["revision"] = exc.current_revision
        form = MinutesForm(data)
        form.is_valid()
        form.add_error(None, exc.messages)
        return _page(request, meeting, form=form, stale=exc, status=409)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(request, meeting, form=form)
    messages.success(request, _("Minutes saved."))
    return redirect(_minutes_url(meeting))


@login_required
@require_POST
def minutes_adopt(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    return verb(
        request,
        MinutesAdoptForm(request.POST),
        lambda data: services_minutes.minutes_adopt(meeting=meeting, revision=data["revision"], by=request.user),
        done=_("The minutes are read back and adopted. They can no longer change silently."),
        back=_minutes_url(meeting),
    )


@login_required
@require_POST
def minutes_correct(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = MinutesCorrectForm(request.POST)

    def correct(data):
        version = services_minutes.minutes_correct(meeting=meeting, by=request.user, **data)
        messages.success(request, _("Correction saved as version %(number)s.") % {"number": version.number})
        return version

    return verb(
        request,
        form,
        correct,
        done=None,
        then=reverse("meetings:minutes_history", args=[meeting.pk]),
        template="meetings/minutes/minutes.html",
        context=lambda: _page_context(request, meeting, correct_form=form),  # its "form" is the draft's editor, if any
    )


@login_required
def minutes_history(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    minutes = queries_minutes.minutes_of(request.user, meeting)
    rows = queries_minutes.minutes_history(minutes) if minutes else []
    return render(request, "meetings/minutes/history.html", {"meeting": meeting, "minutes": minutes, "rows": rows})
