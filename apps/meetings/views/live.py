"""The meeting screen: one page that works on a phone, with htmx fragments for the parts that change live."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import error_messages
from apps.meetings.forms.live import EndForm, GuestForm, MarkForm, SpeechForm, SpeechRecordForm, StartForm
from apps.meetings.models import (
    AgendaItem,
    Attendance,
    BallotReceipt,
    Guest,
    Meeting,
    MeetingDocument,
    Minutes,
    Speech,
    Vote,
)
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import votes as rules_votes
from apps.meetings.services import live as services_live
from apps.members.models import CellRole, Member

NOT_SAVED = "X-Not-Saved"  # on an htmx answer that shows why a change was refused (static/js/htmx-status.js)


def _meeting(request, meeting_id: int, action: str = VIEW) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user, action).select_related("cell", "presiding", "minute_taker"),
        pk=meeting_id,
    )


def _own_member(request) -> Member | None:
    return Member.objects.filter(user=request.user, active=True).first()


def _context(request, meeting: Meeting) -> dict:
    """Everything the meeting screen shows, in a fixed number of queries whatever the cell's size."""
    rows = queries.roll_call(meeting)  # 2 queries
    items = list(
        AgendaItem.objects.filter(meeting=meeting).prefetch_related(
            Prefetch("speeches", queryset=Speech.objects.select_related("member", "guest").order_by("position", "pk"))
        )
    )  # 2 queries
    votes = list(Vote.objects.filter(meeting=meeting))
    guests = list(Guest.objects.filter(meeting=meeting))
    me = _own_member(request)
    voted = (
        set(BallotReceipt.objects.filter(vote__meeting=meeting, member=me).values_list("vote_id", flat=True))
        if me
        else set()
    )
    my_row = next((r for r in rows if me and r.member.pk == me.pk), None)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    minutes = Minutes.objects.filter(meeting=meeting).values_list("status", "adopted_at").first()
    minutes_status, adopted_at = minutes or (None, None)
    minutes_adopted = minutes_status == Minutes.Status.ADOPTED
    return {
        "meeting": meeting,
        "rows": rows,
        "summary": queries.summary(rows),
        "eligible": queries.eligible(rows),
        "items": items,
        "guests": guests,
        "votes": [(v, queries.vote_result(v, rows)) for v in votes],
        "can_manage": can_manage,
        "me": me,
        "my_row": my_row,
        "voted": voted,
        "may_vote": bool(my_row and rules_votes.may_vote(my_row.voter)),
        "minutes_status": minutes_status,
        "minutes_adopted": minutes_adopted,
        "adopted_at": adopted_at,
        # The record can still change: managers, until the minutes are adopted (then the screen is read-only).
        "editable": can_manage and not minutes_adopted and meeting.status != Meeting.Status.CANCELLED,
        "has_resolution": MeetingDocument.objects.filter(
            meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION
        ).exists(),
        "present_members": [r.member for r in rows if r.status in ("present", "late")],
        "start_form": _start_form(meeting) if can_manage and meeting.status == Meeting.Status.PLANNED else None,
        "statuses": Attendance.Status.choices,
        "checkin_url": request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.checkin_token])),
    }


def _start_form(meeting: Meeting) -> StartForm:
    """The start form, with the cell's secretary presiding unless the secretary chooses otherwise (1 query)."""
    secretary = (
        CellRole.objects.filter(cell_id=meeting.cell_id, office=CellRole.Office.SECRETARY, ends_on__isnull=True)
        .values_list("member_id", flat=True)
        .first()
    )
    return StartForm(
        members=Member.objects.filter(cell_id=meeting.cell_id, active=True), initial={"presiding": secretary}
    )


@login_required
def detail(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return render(request, "meetings/live/detail.html", _context(request, meeting))


@login_required
def live_counts(request, meeting_id: int):
    """Polled by every screen showing the meeting, so the secretary and the minute-taker see each other's marks."""
    meeting = _meeting(request, meeting_id)
    rows = queries.roll_call(meeting)
    return render(
        request,
        "meetings/live/detail.html#counts",
        {"meeting": meeting, "summary": queries.summary(rows), "eligible": queries.eligible(rows)},
    )


def _back(request, meeting: Meeting, anchor: str = ""):
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else ""))


def _fail(request, meeting: Meeting, exc: ValidationError, anchor: str = ""):
    error_messages(request, exc)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")
        return response
    return _back(request, meeting, anchor)


@login_required
@require_POST
def start(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = StartForm(request.POST, members=Member.objects.filter(cell_id=meeting.cell_id, active=True))
    if form.is_valid():
        try:
            services_live.meeting_start(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            return _fail(request, meeting, exc)
        messages.success(request, _("The meeting has started."))
    return _back(request, meeting)


@login_required
@require_POST
def end(request, meeting_id: int):
    """End the meeting. Speakers put on a list but not ticked are asked about first (a page listing them, each
    ticked "spoke" by default), so that nobody who spoke drops out of the minutes and the speaking rate."""
    meeting = _meeting(request, meeting_id, MANAGE)
    pending = list(services_live.unconfirmed_speeches(meeting))
    form = EndForm(request.POST, speeches=pending)
    if pending and not (request.POST.get("confirm") and form.is_valid()):
        return render(request, "meetings/live/end.html", {"meeting": meeting, "pending": pending, "form": form})
    spoken = [int(pk) for pk in form.cleaned_data["spoken"]] if pending else None
    try:
        services_live.meeting_end(meeting=meeting, spoken=spoken)
    except ValidationError as exc:
        return _fail(request, meeting, exc)
    messages.success(request, _("The meeting has ended."))
    return _back(request, meeting)


@login_required
@require_POST
def mark_all_present(request, meeting_id: int):
    """ "Everyone present": one tap marks every member not marked yet; the exceptions are tapped after."""
    meeting = _meeting(request, meeting_id, MANAGE)
    try:
        count = services_live.attendance_mark_all_present(meeting=meeting, by=request.user)
    except ValidationError as exc:
        return _fail(request, meeting, exc, "attendance")
    messages.success(request, _("%(count)d members marked present. Now mark the exceptions.") % {"count": count})
    return _back(request, meeting, "attendance")


@login_required
@require_POST
def mark(request, meeting_id: int, member_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    member = get_object_or_404(queries.markable_members(meeting), pk=member_id)
    form = MarkForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services_live.attendance_mark(meeting=meeting, member=member, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Unknown attendance status.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(request, meeting, f"m{member.pk}")
    rows = queries.roll_call(meeting)
    row = next(r for r in rows if r.member.pk == member.pk)
    response = render(
        request,
        "meetings/live/detail.html#roll-row-and-counts",
        {
            "meeting": meeting,
            "row": row,
            "error": error,
            "summary": queries.summary(rows),
            "eligible": queries.eligible(rows),
            "statuses": Attendance.Status.choices,
            "can_manage": True,
            # a mark refused because the record closed meanwhile (another device adopted the minutes) shows the row
            # read-only, as the reloaded screen would
            "editable": not error or services_live.record_open(meeting),
        },
    )
    if error:  # the row says why; the screen's saving indicator must not say "saved" (static/js/htmx-status.js)
        response[NOT_SAVED] = "1"
    return response


@login_required
@require_POST
def guest_add(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            services_live.guest_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            return _fail(request, meeting, exc, "guests")
    else:  # what is wrong: no name, or a name or position too long
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return _back(request, meeting, "guests")


def _speech(request, speech_id: int) -> Speech:
    return get_object_or_404(Speech.objects.visible_to(request.user, MANAGE).select_related("meeting"), pk=speech_id)


@login_required
@require_POST
def speech_add(request, item_id: int):
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user, MANAGE).select_related("meeting"), pk=item_id)
    meeting = item.meeting
    form = SpeechForm(request.POST)
    if not form.is_valid():
        return _fail(request, meeting, ValidationError(_("Choose a member or a guest.")), f"item{item.pk}")
    kind, pk = form.cleaned_data["speaker"]
    member = guest = None
    if kind == "m":
        member = queries.markable_members(meeting).filter(pk=pk).first()
    else:
        guest = Guest.objects.filter(meeting=meeting, pk=pk).first()
    try:
        services_live.speech_add(meeting=meeting, item=item, member=member, guest=guest, note=form.cleaned_data["note"])
    except ValidationError as exc:
        return _fail(request, meeting, exc, f"item{item.pk}")
    return _item_fragment(request, item)


def _item_fragment(request, item: AgendaItem):
    if not request.htmx:
        return _back(request, item.meeting, f"item{item.pk}")
    meeting = item.meeting
    item = AgendaItem.objects.prefetch_related(
        Prefetch("speeches", queryset=Speech.objects.select_related("member", "guest").order_by("position", "pk"))
    ).get(pk=item.pk)
    rows = queries.roll_call(meeting)
    return render(
        request,
        "meetings/live/detail.html#agenda-item",
        {
            "meeting": meeting,
            "item": item,
            "can_manage": True,
            "editable": True,
            "guests": list(meeting.guests.all()),
            "present_members": [r.member for r in rows if r.status in ("present", "late")],
        },
    )


@login_required
@require_POST
def speech_move(request, speech_id: int, direction: str):
    speech = _speech(request, speech_id)
    try:
        services_live.speech_move(speech=speech, offset=-1 if direction == "up" else 1)
    except ValidationError as exc:
        return _fail(request, speech.meeting, exc)
    return _item_fragment(request, speech.agenda_item)


@login_required
@require_POST
def speech_record(request, speech_id: int):
    speech = _speech(request, speech_id)
    form = SpeechRecordForm(request.POST)
    if form.is_valid():
        try:
            services_live.speech_record(speech=speech, **form.cleaned_data)
        except ValidationError as exc:
            return _fail(request, speech.meeting, exc)
    return _item_fragment(request, speech.agenda_item)


@login_required
@require_POST
def speech_remove(request, speech_id: int):
    speech = _speech(request, speech_id)
    item = speech.agenda_item
    try:
        services_live.speech_remove(speech=speech)
    except ValidationError as exc:
        return _fail(request, speech.meeting, exc)
    return _item_fragment(request, item)


@login_required
def checkin(request, token: str):
    """Where the QR code on the secretary's screen leads: the member confirms and is marked present."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("cell"), checkin_token=token)
    me = _own_member(request)
    if request.method == "POST":
        if me is None:
            messages.error(request, _("Only members of the cell can check in."))
        else:
            try:
                services_live.checkin_qr(meeting=meeting, token=token, member=me)
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("You are checked in. Welcome to the meeting."))
                return _back(request, meeting)
    return render(request, "meetings/live/checkin.html", {"meeting": meeting, "me": me})


@login_required
def checkin_qr(request, meeting_id: int):
    """The QR code (SVG) of the meeting's check-in link, shown on the secretary's screen during the meeting."""
    import segno

    meeting = _meeting(request, meeting_id, MANAGE)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        return HttpResponse(status=404)
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.checkin_token]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, dark="#000", light="#fff")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response
