"""Documents of a meeting: .docx downloads, printable pages, and the paper attendance sheet entered afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from apps.common.audit import record_access
from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.docs import PaperAttendanceForm
from apps.meetings.models import Meeting
from apps.meetings.queries import docs as queries_docs
from apps.meetings.queries import live as queries_live
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def docx_minutes(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    minutes = get_object_or_404(queries.minutes_for(request.user, VIEW), meeting=meeting)
    content = services_docs.minutes_export(meeting=meeting, minutes=minutes)
    record_access(meeting)
    return _docx(content, f"bien-ban-{services_docs.meeting_day(meeting):%Y-%m-%d}.docx")


@login_required
@require_GET
def docx_resolution(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    draft = queries_docs.draft_resolution(request.user, meeting)
    if draft is None:
        raise Http404
    content = services_docs.resolution_export(meeting=meeting, draft=draft)
    record_access(meeting)
    return _docx(content, f"nghi-quyet-{services_docs.meeting_day(meeting):%Y-%m-%d}.docx")


def _printed(meeting: Meeting) -> dict:
    """What every printed page of the meeting heads with: the letterhead and the subject line."""
    return {
        "meeting": meeting,
        "head": services_docs.letterhead(meeting),
        "subject": documents.subject_lines(
            kind=meeting.kind, day=services_docs.meeting_day(meeting), topic=meeting.topic
        ),
    }


@login_required
@require_GET
def print_attendance(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    if not request.user.has_perm("meetings.see_roll_call", meeting):
        raise Http404
    sheet = queries_docs.attendance_sheet(meeting)
    record_access(meeting)
    context = {
        **_printed(meeting),
        **sheet,
        "can_manage": request.user.has_perm("meetings.manage_meeting", meeting),
        "signatures": [
            (documents.MINUTE_TAKER, meeting.minute_taker),
            (documents.PRESIDING, meeting.presiding),
        ],
    }
    return render(request, "meetings/docs/print_attendance.html", context)


@login_required
@require_GET
def print_agenda(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    context = {**_printed(meeting), "sections": queries_docs.agenda_sections(meeting)}
    return render(request, "meetings/docs/print_agenda.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def paper_attendance(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    form = PaperAttendanceForm(request.POST or None, rows=queries.roll_call(meeting))

    def save(data) -> None:
        written = services_docs.attendance_paper_save(meeting=meeting, marks=form.marks(), by=request.user)
        message = ngettext(
            "Paper attendance sheet saved: %(count)s mark changed.",
            "Paper attendance sheet saved: %(count)s marks changed.",
            written,
        )
        messages.success(request, message % {"count": written})

    return verb(
        request,
        form,
        save,
        done=None,
        then=reverse("meetings:paper_attendance", args=[meeting.pk]),
        template="meetings/docs/paper_attendance.html",
        context={"meeting": meeting, "lines": form.lines(), "locked": not queries_live.record_open(meeting)},
    )
