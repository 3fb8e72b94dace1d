"""Preparing a meeting (preparer, documents, board pre-meeting, agenda, notices) and its minutes.

Who: the cell's leaders and the committee's staff manage; supervisors and inspectors read everything; a plain
member of the cell reads the agenda and the documents published to members. The minute-taker of the meeting
may also write its draft minutes. Another cell's meeting is not found (404)."""

import mimetypes
import os
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW, allows
from apps.common.views import error_messages, form_error_messages, verb
from apps.meetings.forms.notices import NoticeToldForm
from apps.meetings.forms.prep import (
    AgendaItemAddForm,
    AgendaItemEditForm,
    AgendaItemMoveForm,
    BoardMeetingForm,
    BoardMinutesForm,
    DocumentForm,
    MinutesCorrectForm,
    MinutesForm,
    PreparerForm,
    RevisionForm,
)
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes
from apps.meetings.queries import prep as queries_prep
from apps.meetings.rules import documents
from apps.meetings.services import docs as services_docs
from apps.meetings.services import prep as services_prep

# ---------------------------------------------------------------------------------------------- helpers


def _prep_meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(queries_prep.meetings_for_prep(request.user, action), pk=meeting_id)


def _reads_drafts(user, meeting: Meeting) -> bool:
    """The cell's leaders and the committee's people read documents before they are published to members;
    a plain member reads only what was published."""
    return allows(user, VIEW, meeting.cell.path)


def _writes_minutes(user, meeting: Meeting) -> bool:
    """Those who manage the meeting, and its minute-taker (an active member of the cell)."""
    if user.has_perm("meetings.manage_meeting", meeting):
        return True
    return (
        meeting.minute_taker_id is not None
        and user.has_perm("meetings.attend", meeting)
        and user.member.pk == meeting.minute_taker_id
    )


def _prepare_url(meeting_id: int, anchor: str = "") -> str:
    return reverse("meetings:prepare", args=[meeting_id]) + (f"#{anchor}" if anchor else "")


def _to_prepare(meeting_id: int, anchor: str = ""):
    return redirect(_prepare_url(meeting_id, anchor))


# ---------------------------------------------------------------------------------------------- preparation


@login_required
def prepare(request, meeting_id: int):
    meeting = _prep_meeting(request, meeting_id)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    drafts = _reads_drafts(request.user, meeting)
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
    meeting = _prep_meeting(request, meeting_id, MANAGE)
    form = PreparerForm(request.POST, members=queries_prep.preparer_choices(meeting))
    if form.is_valid():
        try:
            services_prep.meeting_set_preparer(meeting=meeting, preparer=form.cleaned_data["preparer"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Preparer saved."))
    else:
        messages.error(request, _("Choose a member of the cell."))
    return _to_prepare(meeting.pk, "preparer")


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, meeting_id: int):
    meeting = _prep_meeting(request, meeting_id, MANAGE)
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


def _manageable_document(request, document_id: int) -> MeetingDocument:
    return get_object_or_404(
        queries_prep.documents_for(request.user, MANAGE).exclude(meeting__kind=Meeting.Kind.BOARD), pk=document_id
    )


@login_required
@require_POST
def document_publish(request, document_id: int):
    document = _manageable_document(request, document_id)
    try:
        services_prep.document_publish(document=document)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The document is now available to members."))
    return _to_prepare(document.meeting_id, "documents")


@login_required
@require_POST
def document_approve(request, document_id: int):
    document = _manageable_document(request, document_id)
    try:
        services_prep.document_approve(document=document)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Lead paper approved by the board."))
    return _to_prepare(document.meeting_id, "documents")


@login_required
def document_file(request, document_id: int):
    """Uploaded documents are served through scoping, never from a public folder; members get published ones."""
    document = get_object_or_404(queries_prep.documents_for(request.user, VIEW), pk=document_id)
    if not document.file:
        raise Http404
    if document.published_at is None and not _reads_drafts(request.user, document.meeting):
        raise Http404
    name = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def board_meeting(request, meeting_id: int):
    """The board's pre-meeting of a meeting: schedule it, then record its short minutes."""
    meeting = _prep_meeting(request, meeting_id)
    if not _reads_drafts(request.user, meeting):
        raise Http404
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    if request.method == "POST" and not can_manage:
        raise Http404
    board = queries_prep.board_meeting_of(meeting)
    board_minutes = queries_prep.board_minutes_of(meeting)
    form = None
    if can_manage:
        if board is None:
            form = BoardMeetingForm(request.POST or None, initial={"place": meeting.place})
        else:
            form = BoardMinutesForm(request.POST or None, initial={"text": board_minutes.text if board_minutes else ""})
    if request.method == "POST" and form.is_valid():
        try:
            if board is None:
                services_prep.board_meeting_create(meeting=meeting, **form.cleaned_data)
                messages.success(request, _("Board pre-meeting scheduled."))
            else:
                services_prep.board_minutes_record(board=board, text=form.cleaned_data["text"], by=request.user)
                messages.success(request, _("Minutes of the board pre-meeting saved."))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("meetings:board_meeting", meeting.pk)
    context = {"meeting": meeting, "board": board, "board_minutes": board_minutes, "form": form}
    if board is not None:
        context["board_agenda"] = queries_prep.agenda_of(board)
    return render(request, "meetings/prep/board.html", context)


@login_required
@require_POST
def notify(request, meeting_id: int):
    meeting = _prep_meeting(request, meeting_id, MANAGE)
    try:
        result = services_prep.meeting_notify(meeting=meeting)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
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
    return _to_prepare(meeting.pk, "notify")


@login_required
@require_POST
def notices_told(request, meeting_id: int):
    """The secretary records members told in person or who signed the printed notice list."""
    meeting = _prep_meeting(request, meeting_id, MANAGE)
    form = NoticeToldForm(request.POST, rows=queries_prep.notice_rows(meeting))
    if not form.is_valid():
        form_error_messages(request, form)
        return _to_prepare(meeting.pk, "notify")
    try:
        count = services_prep.notice_mark_told(
            meeting=meeting, member_ids=form.cleaned_data["members"], by=request.user
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Recorded as told in person: %(count)s member(s).") % {"count": count})
    return _to_prepare(meeting.pk, "notify")


@login_required
@require_GET
def notices_print(request, meeting_id: int):
    """The printable notice list: the meeting, its time, place and content, and the members still to tell (or
    everyone, ``?all=1``) with a column to sign. For the cell's leaders and the committee's people."""
    meeting = _prep_meeting(request, meeting_id)
    if not _reads_drafts(request.user, meeting):
        raise Http404
    everyone = request.GET.get("all") == "1"
    rows = queries_prep.notice_rows(meeting)
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
    return render(request, "meetings/docs/print_notices.html", context)


# ---------------------------------------------------------------------------------------------- agenda (htmx)


def _agenda_response(request, meeting: Meeting, error: ValidationError | None = None):
    """The agenda fragment for htmx; without JavaScript, back to the page."""
    if request.htmx:
        context = {
            "meeting": meeting,
            "agenda": queries_prep.agenda_of(meeting),
            "can_manage": True,
            "agenda_form": AgendaItemAddForm(),
            "agenda_errors": error.messages if error else [],
        }
        return render(request, "meetings/prep/prepare.html#agenda", context)
    if error:
        error_messages(request, error)
    return _to_prepare(meeting.pk, "agenda")


def _manageable_item(request, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user, MANAGE)
        .exclude(meeting__kind=Meeting.Kind.BOARD)
        .select_related("meeting__cell"),
        pk=item_id,
    )


def _invalid(form) -> ValidationError:
    return ValidationError([e for errors in form.errors.values() for e in errors])


@login_required
@require_POST
def agenda_item_add(request, meeting_id: int):
    meeting = _prep_meeting(request, meeting_id, MANAGE)
    form = AgendaItemAddForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, meeting, _invalid(form))
    try:
        services_prep.agenda_item_add(meeting=meeting, **form.cleaned_data)
    except ValidationError as exc:
        return _agenda_response(request, meeting, exc)
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_item_edit(request, item_id: int):
    item = _manageable_item(request, item_id)
    form = AgendaItemEditForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, item.meeting, _invalid(form))
    try:
        services_prep.agenda_item_rename(item=item, title=form.cleaned_data["title"])
    except ValidationError as exc:
        return _agenda_response(request, item.meeting, exc)
    return _agenda_response(request, item.meeting)


@login_required
@require_POST
def agenda_item_move(request, item_id: int):
    item = _manageable_item(request, item_id)
    form = AgendaItemMoveForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, item.meeting, _invalid(form))
    try:
        services_prep.agenda_item_move(item=item, offset=form.offset)
    except ValidationError as exc:
        return _agenda_response(request, item.meeting, exc)
    return _agenda_response(request, item.meeting)


@login_required
@require_POST
def agenda_item_delete(request, item_id: int):
    item = _manageable_item(request, item_id)
    try:
        services_prep.agenda_item_delete(item=item)
    except ValidationError as exc:
        return _agenda_response(request, item.meeting, exc)
    return _agenda_response(request, item.meeting)


# ---------------------------------------------------------------------------------------------- minutes


def _minutes_meeting(request, meeting_id: int) -> Meeting:
    return get_object_or_404(queries_prep.meetings_for_minutes(request.user, VIEW), pk=meeting_id)


def _minutes_writer_meeting(request, meeting_id: int) -> Meeting:
    meeting = _minutes_meeting(request, meeting_id)
    if not _writes_minutes(request.user, meeting):
        raise Http404
    return meeting


def _minutes_manager_meeting(request, meeting_id: int) -> Meeting:
    return get_object_or_404(queries_prep.meetings_for_minutes(request.user, MANAGE), pk=meeting_id)


def _minutes_of(request, meeting: Meeting) -> Minutes | None:
    return Minutes.objects.visible_to(request.user).filter(meeting=meeting).select_related("adopted_by").first()


def _minutes_page(request, meeting: Meeting, *, form=None, correct_form=None, stale=None, status: int = 200):
    minutes = _minutes_of(request, meeting)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    can_write = _writes_minutes(request.user, meeting)
    if minutes is not None and minutes.status == Minutes.Status.DRAFT and can_write and form is None:
        form = MinutesForm(initial={"text": minutes.text, "revision": minutes.revision})
    if minutes is not None and minutes.status == Minutes.Status.ADOPTED and can_manage and correct_form is None:
        correct_form = MinutesCorrectForm(initial={"text": minutes.text})
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "can_manage": can_manage,
        "can_write": can_write,
        "form": form,
        "correct_form": correct_form,
        "stale": stale,
    }
    return render(request, "meetings/prep/minutes.html", context, status=status)


@login_required
def minutes(request, meeting_id: int):
    return _minutes_page(request, _minutes_meeting(request, meeting_id))


@login_required
@require_POST
def minutes_generate(request, meeting_id: int):
    meeting = _minutes_writer_meeting(request, meeting_id)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data["revision"] if form.is_valid() else None
    try:
        services_prep.minutes_generate(meeting=meeting, revision=revision)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Minutes generated from the record. Check and complete them."))
    return redirect("meetings:minutes", meeting.pk)


@login_required
@require_POST
def minutes_save(request, meeting_id: int):
    meeting = _minutes_writer_meeting(request, meeting_id)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _minutes_page(request, meeting, form=form, status=200)
    try:
        services_prep.minutes_save(meeting=meeting, **form.cleaned_data)
    except services_prep.StaleMinutes as exc:
        # Keep this person's text in the editor, on top of the other person's revision, and show theirs.
        data = request.POST.copy()
        data["revision"] = exc.current_revision
        form = MinutesForm(data)
        form.is_valid()
        form.add_error(None, exc.messages)
        return _minutes_page(request, meeting, form=form, stale=exc, status=409)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _minutes_page(request, meeting, form=form, status=200)
    messages.success(request, _("Minutes saved."))
    return redirect("meetings:minutes", meeting.pk)


@login_required
@require_POST
def minutes_adopt(request, meeting_id: int):
    meeting = _minutes_manager_meeting(request, meeting_id)
    form = RevisionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["revision"] is None:
        messages.error(request, _("Reload the minutes and try again."))
        return redirect("meetings:minutes", meeting.pk)
    try:
        services_prep.minutes_adopt(meeting=meeting, revision=form.cleaned_data["revision"], by=request.user)
    except services_prep.StaleMinutes:
        messages.error(request, _("The minutes changed since you read them: read them again before adopting."))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The minutes are read back and adopted. They can no longer change silently."))
    return redirect("meetings:minutes", meeting.pk)


@login_required
@require_POST
def minutes_correct(request, meeting_id: int):
    meeting = _minutes_manager_meeting(request, meeting_id)
    form = MinutesCorrectForm(request.POST)
    if form.is_valid():
        try:
            version = services_prep.minutes_correct(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Correction saved as version %(number)s.") % {"number": version.number})
            return redirect("meetings:minutes_history", meeting.pk)
    return _minutes_page(request, meeting, correct_form=form, status=200)


@login_required
def minutes_history(request, meeting_id: int):
    meeting = _minutes_meeting(request, meeting_id)
    minutes = _minutes_of(request, meeting)
    rows = queries_prep.minutes_history(minutes) if minutes else []
    return render(request, "meetings/prep/history.html", {"meeting": meeting, "minutes": minutes, "rows": rows})
