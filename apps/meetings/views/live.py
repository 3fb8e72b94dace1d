"""The meeting screen: one page that works on a phone, with htmx fragments for the parts that change live."""

from __future__ import annotations

import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.live import EndForm, GuestForm, MarkForm, SpeechForm, SpeechRecordForm, StartForm
from apps.meetings.models import AgendaItem, Meeting
from apps.meetings.queries import live as queries_live
from apps.meetings.queries import meeting as queries
from apps.meetings.services import live as services_live
from apps.members.models import Member


def detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _checkin_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.checkin_token]))


def screen(request, meeting: Meeting) -> dict:
    """The meeting screen's context: its data (queries_live.meeting_screen), the check-in link and, before the
    meeting starts, the start form with the cell's secretary presiding unless the secretary chooses otherwise."""
    page = queries_live.meeting_screen(request.user, meeting)
    page["checkin_url"] = _checkin_url(request, meeting)
    page["start_form"] = None
    if page["can_manage"] and meeting.status == Meeting.Status.PLANNED:
        secretary = queries_live.secretary_id(meeting)
        page["start_form"] = StartForm(members=queries_live.cell_members(meeting), initial={"presiding": secretary})
    return page


@login_required
def detail(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    return render(request, "meetings/live/detail.html", screen(request, meeting))


@login_required
def live_counts(request, meeting_id: int):
    """Polled by every screen showing the meeting, so the secretary and the minute-taker see each other's marks."""
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), pk=meeting_id)
    return render(request, "meetings/live/detail.html#counts", queries_live.live_counts(meeting))


@login_required
@require_POST
def start(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    return verb(
        request,
        StartForm(request.POST, members=queries_live.cell_members(meeting)),
        lambda data: services_live.meeting_start(meeting=meeting, **data),
        done=_("The meeting has started."),
        back=detail_url(meeting),
    )


@login_required
@require_POST
def end(request, meeting_id: int):
    """End the meeting. Speakers put on a list but not ticked are asked about first (a page listing them, each
    ticked "spoke" by default), so that nobody who spoke drops out of the minutes and the speaking rate."""
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    pending = queries_live.unconfirmed_speeches(meeting)
    form = EndForm(request.POST if pending else {}, speeches=pending)
    if pending and not (request.POST.get("confirm") and form.is_valid()):
        return render(request, "meetings/live/end.html", {"meeting": meeting, "pending": pending, "form": form})
    return verb(
        request,
        form,
        lambda data: services_live.meeting_end(meeting=meeting, spoken=[int(pk) for pk in data["spoken"]]),
        done=_("The meeting has ended."),
        back=detail_url(meeting),
    )


@login_required
@require_POST
def mark_all_present(request, meeting_id: int):
    """ "Everyone present": one tap marks every member not marked yet; the exceptions are tapped after."""
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)

    def everyone(_data) -> None:
        count = services_live.attendance_mark_all_present(meeting=meeting, by=request.user)
        messages.success(request, _("%(count)d members marked present. Now mark the exceptions.") % {"count": count})

    return verb(request, forms.Form(request.POST), everyone, done=None, back=detail_url(meeting, "attendance"))


@login_required
@require_POST
def mark(request, meeting_id: int, member_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    member = get_object_or_404(queries.markable_members(meeting), pk=member_id)
    return verb(
        request,
        MarkForm(request.POST),
        lambda data: services_live.attendance_mark(meeting=meeting, member=member, by=request.user, **data),
        done=None,
        back=detail_url(meeting, f"m{member.pk}"),
        fragment=lambda form: _roll_row(request, meeting, member, form),
    )


def _roll_row(request, meeting: Meeting, member: Member, form: MarkForm | None):
    """The member's row with the figures; after a refusal, the reasons in the row, and the row read-only when the
    record closed meanwhile (another device adopted the minutes), as the reloaded screen would show it."""
    page = queries_live.roll_row(meeting, member)
    page.update(mark_form=form, can_manage=True, editable=form is None or queries_live.record_open(meeting))
    return render(request, "meetings/live/detail.html#roll-row-and-counts", page)


@login_required
@require_POST
def guest_add(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    return verb(
        request,
        GuestForm(request.POST),
        lambda data: services_live.guest_add(meeting=meeting, **data),
        done=None,
        back=detail_url(meeting, "guests"),
    )


def _speech_verb(request, item: AgendaItem, form: forms.Form, action):
    """A change to an agenda item's speakers: htmx gets the item drawn again (with the reasons after a refusal)."""
    return verb(
        request,
        form,
        action,
        done=None,
        back=detail_url(item.meeting, f"item{item.pk}"),
        fragment=lambda form: _item(request, item, form),
    )


def _item(request, item: AgendaItem, form: forms.Form | None):
    page = queries_live.agenda_item(item)
    page.update(item_form=form, can_manage=True, editable=form is None or queries_live.record_open(item.meeting))
    return render(request, "meetings/live/detail.html#agenda-item", page)


@login_required
@require_POST
def speech_add(request, item_id: int):
    item = get_object_or_404(queries.agenda_items_for(request.user, MANAGE), pk=item_id)
    meeting = item.meeting

    def add(data):
        member, guest = queries_live.speaker(meeting, *data["speaker"])
        return services_live.speech_add(meeting=meeting, item=item, member=member, guest=guest, note=data["note"])

    return _speech_verb(request, item, SpeechForm(request.POST), add)


@login_required
@require_POST
def speech_move(request, speech_id: int, direction: str):
    speech = get_object_or_404(queries_live.speeches_for(request.user, MANAGE), pk=speech_id)
    offset = -1 if direction == "up" else 1
    return _speech_verb(
        request,
        speech.agenda_item,
        forms.Form(request.POST),
        lambda _data: services_live.speech_move(speech=speech, offset=offset),
    )


@login_required
@require_POST
def speech_record(request, speech_id: int):
    speech = get_object_or_404(queries_live.speeches_for(request.user, MANAGE), pk=speech_id)
    return _speech_verb(
        request,
        speech.agenda_item,
        SpeechRecordForm(request.POST),
        lambda data: services_live.speech_record(speech=speech, **data),
    )


@login_required
@require_POST
def speech_remove(request, speech_id: int):
    speech = get_object_or_404(queries_live.speeches_for(request.user, MANAGE), pk=speech_id)
    return _speech_verb(
        request, speech.agenda_item, forms.Form(request.POST), lambda _data: services_live.speech_remove(speech=speech)
    )


@login_required
def checkin(request, token: str):
    """Where the QR code on the secretary's screen leads: the member confirms and is marked present."""
    meeting = get_object_or_404(queries.meetings_for(request.user, VIEW), checkin_token=token)
    me = queries.own_member(request.user)
    return verb(
        request,
        forms.Form(request.POST if request.method == "POST" else None),
        lambda _data: services_live.checkin_qr(meeting=meeting, token=token, member=me),
        done=_("You are checked in. Welcome to the meeting."),
        then=detail_url(meeting),
        template="meetings/live/checkin.html",
        context={"meeting": meeting, "me": me},
    )


@login_required
def checkin_qr(request, meeting_id: int):
    """The QR code (SVG) of the meeting's check-in link, shown on the secretary's screen during the meeting."""
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        return HttpResponse(status=404)
    buffer = io.BytesIO()
    segno.make(_checkin_url(request, meeting), error="m").save(buffer, kind="svg", scale=6, dark="#000", light="#fff")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response
