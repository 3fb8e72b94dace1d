"""A meeting's notices: telling the members and the supervising committee member, recording members told in
person, and the printable notice list. For the cell's leaders and the committee's staff; another cell's meeting is
not found (404)."""

from dataclasses import replace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.notices import NoticeToldForm
from apps.meetings.models import Meeting
from apps.meetings.queries import notices as queries_notices
from apps.meetings.queries import prep as queries_prep
from apps.meetings.queries.meeting import meetings_for
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs
from apps.meetings.services import notices as services_notices


def _meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(queries_prep.prepared(meetings_for(request.user, action)), pk=meeting_id)


def _notices_url(meeting_id: int) -> str:
    return reverse("meetings:prepare", args=[meeting_id]) + "#notify"


@login_required
@require_POST
def notify(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)

    def send(data):
        result = services_notices.meeting_notify(meeting=meeting)
        messages.success(
            request,
            _(
                "Notice queued for %(members)s members: %(mailed)s by e-mail, %(texted)s by SMS; "
                "%(supervisors)s supervisor(s) by e-mail."
            )
            % {
                "members": result.members,
                "mailed": result.members_mailed,
                "texted": result.members_texted,
                "supervisors": result.supervisors_mailed,
            },
        )
        if result.members_to_tell:
            messages.warning(
                request,
                _("%(count)s members have no e-mail or SMS: tell them in person from the printed notice list.")
                % {"count": result.members_to_tell},
            )
        if not result.supervisors:
            messages.warning(request, _("No supervising committee member is assigned to this cell."))
        return result

    return verb(request, forms.Form(request.POST), send, done=None, back=_notices_url(meeting.pk))


@login_required
@require_POST
def notices_told(request, meeting_id: int):
    """The secretary records members told in person or who signed the printed notice list."""
    meeting = _meeting(request, meeting_id, MANAGE)

    def record(data):
        count = services_notices.notice_mark_told(meeting=meeting, member_ids=data["members"], by=request.user)
        messages.success(request, _("Recorded as told in person: %(count)s member(s).") % {"count": count})
        return count

    return verb(
        request,
        NoticeToldForm(request.POST, rows=queries_notices.notice_rows(meeting)),
        record,
        done=None,
        back=_notices_url(meeting.pk),
    )


@login_required
@require_GET
def notices_print(request, meeting_id: int):
    """The printable notice list: the meeting, its time, place and content, and the members still to tell (or
    everyone, ``?all=1``) with a column to sign. For the cell's leaders and the committee's people."""
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm("meetings.read_drafts", meeting):
        raise Http404
    everyone = request.GET.get("all") == "1"
    rows = queries_notices.notice_rows(meeting)
    head = services_docs.letterhead(meeting)
    context = {
        "meeting": meeting,
        # A notice is issued before its meeting: dated the day it is printed (no later than the meeting's day).
        "head": replace(head, day=min(timezone.localdate(), head.day)),
        "subject": documents.subject_lines(
            kind=meeting.kind, day=services_docs.meeting_day(meeting), topic=meeting.topic
        ),
        "agenda": queries_prep.agenda_of(meeting),
        "rows": rows if everyone else [r for r in rows if r.to_tell],
        "everyone": everyone,
    }
    return render(request, "meetings/notices/print.html", context)
