"""Documents of a meeting: .docx downloads, printable pages, and the paper attendance sheet entered afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from apps.common.audit import record_access
from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW, allows
from apps.meetings.forms.docs import PaperAttendanceForm
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user, action).select_related("cell", "presiding", "minute_taker"),
        pk=meeting_id,
    )


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def docx_minutes(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    minutes = get_object_or_404(Minutes.objects.visible_to(request.user), meeting=meeting)
    content = services_docs.minutes_export(meeting=meeting, minutes=minutes)
    record_access(meeting)
    return _docx(content, f"bien-ban-{services_docs.meeting_day(meeting):%Y-%m-%d}.docx")


@login_required
@require_GET
def docx_resolution(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    draft = (
        MeetingDocument.objects.visible_to(request.user)
        .filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    if draft is None:
        raise Http404
    content = services_docs.resolution_export(meeting=meeting, draft=draft)
    record_access(meeting)
    return _docx(content, f"nghi-quyet-{services_docs.meeting_day(meeting):%Y-%m-%d}.docx")


def _sees_roll_call(user, meeting: Meeting) -> bool:
    """The whole roll call (everyone's attendance) is for roles that see the cell's records, not for a plain member,
    who sees only their own attendance (Attendance.member_scope)."""
    return allows(user, VIEW, meeting.cell.path)


@login_required
@require_GET
def print_attendance(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if not _sees_roll_call(request.user, meeting):
        raise Http404
    rows = queries.roll_call(meeting)
    marked = any(row.attendance for row in rows)
    record_access(meeting)
    context = {
        "meeting": meeting,
        "head": services_docs.letterhead(meeting),
        "subject": documents.subject_lines(
            kind=meeting.kind, day=services_docs.meeting_day(meeting), topic=meeting.topic
        ),
        "rows": rows,
        "marked": marked,
        "can_manage": request.user.has_perm("meetings.manage_meeting", meeting),
        "summary": queries.summary(rows) if marked else None,
        "signatures": [
            (documents.MINUTE_TAKER, meeting.minute_taker),
            (documents.PRESIDING, meeting.presiding),
        ],
    }
    return render(request, "meetings/docs/print_attendance.html", context)


@login_required
@require_GET
def print_agenda(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    sections, number = [], 0
    for value, label in AgendaItem.Section.choices:  # one numbering through the sections, as read out
        lines = []
        for item in (i for i in items if i.section == value):
            number += 1
            lines.append((number, item))
        sections.append((label, lines))
    context = {
        "meeting": meeting,
        "head": services_docs.letterhead(meeting),
        "subject": documents.subject_lines(
            kind=meeting.kind, day=services_docs.meeting_day(meeting), topic=meeting.topic
        ),
        "sections": [(label, lines) for label, lines in sections if lines],
    }
    return render(request, "meetings/docs/print_agenda.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def paper_attendance(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    rows = queries.roll_call(meeting)
    form = PaperAttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            written = services_docs.attendance_paper_save(meeting=meeting, marks=form.marks(), by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            message = ngettext(
                "Paper attendance sheet saved: %(count)s mark changed.",
                "Paper attendance sheet saved: %(count)s marks changed.",
                written,
            )
            messages.success(request, message % {"count": written})
            return redirect("meetings:paper_attendance", meeting.pk)
    locked = meeting.status == Meeting.Status.CANCELLED or (
        Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ADOPTED).exists()
    )
    context = {"meeting": meeting, "form": form, "lines": form.lines(), "locked": locked}
    return render(request, "meetings/docs/paper_attendance.html", context)
