"""Preparing a meeting: its preparer, documents, board pre-meeting and agenda (the notices are views/notices.py,
the minutes views/minutes.py).

Who: the cell's leaders and the committee's staff manage; supervisors and inspectors read everything; a plain
member of the cell reads the agenda and the documents published to members. Another cell's meeting is not found
(404)."""

import mimetypes
import os

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.prep import (
    AgendaItemAddForm,
    AgendaItemEditForm,
    AgendaItemMoveForm,
    BoardMeetingForm,
    BoardMinutesForm,
    DocumentForm,
    PreparerForm,
)
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.queries import prep as queries_prep
from apps.meetings.queries.meeting import agenda_items_for, meetings_for
from apps.meetings.services import prep as services_prep

# ---------------------------------------------------------------------------------------------- helpers


def _meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(queries_prep.prepared(meetings_for(request.user, action)), pk=meeting_id)


def _prepared(record: MeetingDocument | AgendaItem):
    """A board meeting's documents and agenda items are not managed here (a board meeting is itself part of a
    preparation): not found."""
    if record.meeting.kind == Meeting.Kind.BOARD:
        raise Http404
    return record


def _prepare_url(meeting_id: int, anchor: str = "") -> str:
    return reverse("meetings:prepare", args=[meeting_id]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------- preparation


@login_required
def prepare(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    drafts = request.user.has_perm("meetings.read_drafts", meeting)
    page = queries_prep.prepare_page(request.user, meeting, drafts=drafts)
    context = {
        "meeting": meeting,
        "page": page,
        "agenda": page.agenda,
        "can_manage": can_manage,
        "internal": drafts,
    }
    if can_manage:
        context["preparer_form"] = PreparerForm(
            initial={"preparer": meeting.preparer_id}, members=queries_prep.preparer_choices(meeting)
        )
        context["agenda_form"] = AgendaItemAddForm()
    return render(request, "meetings/prep/prepare.html", context)


@login_required
@require_POST
def prepare_preparer(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    return verb(
        request,
        PreparerForm(request.POST, members=queries_prep.preparer_choices(meeting)),
        lambda data: services_prep.meeting_set_preparer(meeting=meeting, preparer=data["preparer"]),
        done=_("Preparer saved."),
        back=_prepare_url(meeting.pk, "preparer"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    return verb(
        request,
        form,
        lambda data: services_prep.document_add(meeting=meeting, by=request.user, **data),
        done=_("Document added. Publish it when members may read it."),
        then=_prepare_url(meeting.pk, "documents"),
        template="meetings/prep/document_form.html",
        context={"meeting": meeting},
    )


def _document_verb(request, document_id: int, action, *, done: str):
    """Publishing or approving a document of a meeting being prepared, from its row on the page."""
    document = _prepared(get_object_or_404(queries_prep.documents_for(request.user, MANAGE), pk=document_id))
    return verb(
        request,
        forms.Form(request.POST),
        lambda data: action(document=document),
        done=done,
        back=_prepare_url(document.meeting_id, "documents"),
    )


@login_required
@require_POST
def document_publish(request, document_id: int):
    return _document_verb(
        request, document_id, services_prep.document_publish, done=_("The document is now available to members.")
    )


@login_required
@require_POST
def document_approve(request, document_id: int):
    return _document_verb(
        request, document_id, services_prep.document_approve, done=_("Lead paper approved by the board.")
    )


@login_required
def document_file(request, document_id: int):
    """Uploaded documents are served through scoping, never from a public folder; members get published ones."""
    document = get_object_or_404(queries_prep.documents_for(request.user, VIEW), pk=document_id)
    if not document.file:
        raise Http404
    if document.published_at is None and not request.user.has_perm("meetings.read_drafts", document.meeting):
        raise Http404
    name = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def board_meeting(request, meeting_id: int):
    """The board's pre-meeting of a meeting: schedule it, then record its short minutes."""
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm("meetings.read_drafts", meeting):
        raise Http404
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    if request.method == "POST" and not can_manage:
        raise Http404
    board = queries_prep.board_meeting_of(meeting)
    board_minutes = queries_prep.board_minutes_of(meeting)
    page = {"meeting": meeting, "board": board, "board_minutes": board_minutes}
    if board is not None:
        page["board_agenda"] = queries_prep.agenda_of(board)
    if not can_manage:
        return render(request, "meetings/prep/board.html", {**page, "form": None})
    if board is None:
        form = BoardMeetingForm(request.POST or None, initial={"place": meeting.place})
        done = _("Board pre-meeting scheduled.")

        def action(data):
            return services_prep.board_meeting_create(meeting=meeting, **data)

    else:
        form = BoardMinutesForm(request.POST or None, initial={"text": board_minutes.text if board_minutes else ""})
        done = _("Minutes of the board pre-meeting saved.")

        def action(data):
            return services_prep.board_minutes_record(board=board, text=data["text"], by=request.user)

    return verb(
        request,
        form,
        action,
        done=done,
        then=reverse("meetings:board_meeting", args=[meeting.pk]),
        template="meetings/prep/board.html",
        context=page,
    )


# ---------------------------------------------------------------------------------------------- agenda (htmx)


def _agenda_verb(request, meeting: Meeting, form, action):
    """An agenda change: for htmx the agenda's card drawn again (with the form's errors after a refusal); without
    JavaScript, back to the page."""

    def fragment(bound):
        errors = [e for field_errors in bound.errors.values() for e in field_errors] if bound is not None else []
        context = {
            "meeting": meeting,
            "agenda": queries_prep.agenda_of(meeting),
            "can_manage": True,
            "agenda_form": AgendaItemAddForm(),
            "agenda_errors": errors,
        }
        return render(request, "meetings/prep/prepare.html#agenda", context)

    return verb(request, form, action, done=None, back=_prepare_url(meeting.pk, "agenda"), fragment=fragment)


def _manageable_item(request, item_id: int) -> AgendaItem:
    return _prepared(get_object_or_404(agenda_items_for(request.user, MANAGE), pk=item_id))


@login_required
@require_POST
def agenda_item_add(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    return _agenda_verb(
        request,
        meeting,
        AgendaItemAddForm(request.POST),
        lambda data: services_prep.agenda_item_add(meeting=meeting, **data),
    )


@login_required
@require_POST
def agenda_item_edit(request, item_id: int):
    item = _manageable_item(request, item_id)
    return _agenda_verb(
        request,
        item.meeting,
        AgendaItemEditForm(request.POST),
        lambda data: services_prep.agenda_item_rename(item=item, title=data["title"]),
    )


@login_required
@require_POST
def agenda_item_move(request, item_id: int):
    item = _manageable_item(request, item_id)
    form = AgendaItemMoveForm(request.POST)
    return _agenda_verb(
        request, item.meeting, form, lambda data: services_prep.agenda_item_move(item=item, offset=form.offset)
    )


@login_required
@require_POST
def agenda_item_delete(request, item_id: int):
    item = _manageable_item(request, item_id)
    return _agenda_verb(
        request, item.meeting, forms.Form(request.POST), lambda data: services_prep.agenda_item_delete(item=item)
    )
