"""Verbs of the live meeting: start and end, attendance, QR self check-in, guests, speakers (votes: services_votes).

Several people (secretary and minute-taker) work on the same meeting at once: every verb changes one row (or
increments counters with F()), in one transaction, so concurrent writers never overwrite each other's work."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.text import nfc
from apps.meetings.models import AgendaItem, Attendance, Guest, Meeting, Speech, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.services.meeting import require_open
from apps.members.models import Member

LATE_AFTER = timedelta(minutes=15)


@transaction.atomic
def meeting_start(*, meeting: Meeting, presiding: Member | None = None, minute_taker: Member | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("The meeting has already started."))
    for person in (presiding, minute_taker):
        if person is not None and person.cell_id != meeting.cell_id:
            raise ValidationError(_("The presiding officer and the minute-taker must be members of the cell."))
    meeting.status = Meeting.Status.IN_PROGRESS
    meeting.started_at = timezone.now()
    meeting.presiding = presiding
    meeting.minute_taker = minute_taker
    meeting.checkin_token = secrets.token_urlsafe(24)  # a fresh code for this session only
    meeting.save(update_fields=["status", "started_at", "presiding", "minute_taker", "checkin_token"])
    return meeting


@transaction.atomic
def meeting_end(*, meeting: Meeting, spoken: list[int] | None = None) -> Meeting:
    """End the meeting. ``spoken`` settles the speakers still unticked: those listed did speak, the others stay on
    the record as put down but not heard (the meeting screen always asks before ending, views/live.py ``end``)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError(_("Only a meeting in progress can be ended."))
    if meeting.votes.filter(status=Vote.Status.OPEN).exists():
        raise ValidationError(_("Close the open votes before ending the meeting."))
    if spoken:
        audit.update(Speech.objects.filter(meeting=meeting, spoken=False, pk__in=spoken), spoken=True)
    meeting.status = Meeting.Status.CLOSED
    meeting.ended_at = timezone.now()
    meeting.save(update_fields=["status", "ended_at"])
    return meeting


def attendance_mark(
    *, meeting: Meeting, member: Member, status: str, reason: str = "", by=None, via: str = Attendance.Via.SECRETARY
) -> Attendance:
    """Record one member's attendance. Concurrent marks of the same member: the last one wins, none is lost."""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": _("Unknown attendance status.")})
    reason = nfc(reason)
    if status == Attendance.Status.EXCUSED and not reason:
        raise ValidationError({"reason": _("An absence with reason needs the reason.")})
    for attempt in range(2):
        try:
            with transaction.atomic():
                require_open(meeting)
                if not queries.markable_members(meeting).filter(pk=member.pk).exists():
                    raise ValidationError(_("This person is not a member of the cell."))
                row, _created = Attendance.objects.update_or_create(
                    meeting=meeting,
                    member=member,
                    defaults={"status": status, "reason": reason, "via": via, "marked_by": by},
                )
                return row
        except IntegrityError:  # two writers created the same row at once: the retry updates it
            if attempt:
                raise
    raise AssertionError("unreachable")


def attendance_mark_all_present(*, meeting: Meeting, by=None) -> int:
    """ "Everyone present": mark present every member of the cell not marked yet, then the secretary marks the
    exceptions. Exempted, suspended and temporarily attached members, and members of other cells attached here, are
    left for a tap of their own. A mark made meanwhile on another device is kept. Returns the number marked."""
    rows = queries.roll_call(meeting)
    marked = 0
    for row in rows:
        if row.status is not None or row.visiting or row.suspended:
            continue
        with transaction.atomic():
            require_open(meeting)
            _row, created = Attendance.objects.get_or_create(
                meeting=meeting,
                member=row.member,
                defaults={"status": Attendance.Status.PRESENT, "via": Attendance.Via.SECRETARY, "marked_by": by},
            )
        marked += created
    return marked


def checkin_qr(*, meeting: Meeting, token: str, member: Member | None) -> Attendance:
    """Self check-in from the member's phone with the code on the secretary's screen: only for this meeting and
    only while it is in progress."""
    if not secrets.compare_digest(token, meeting.checkin_token):
        raise ValidationError(_("This check-in code is not valid for this meeting."))
    started_at = meeting.started_at
    if meeting.status != Meeting.Status.IN_PROGRESS or started_at is None:
        raise ValidationError(_("Check-in is only open while the meeting is in progress."))
    if member is None or member.cell_id != meeting.cell_id or not member.active:
        raise ValidationError(_("Only members of the cell can check in."))
    existing = Attendance.objects.filter(meeting=meeting, member=member).first()
    if existing and existing.status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
        return existing
    late = timezone.now() > started_at + LATE_AFTER
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    return attendance_mark(meeting=meeting, member=member, status=status, by=member.user, via=Attendance.Via.QR)


@transaction.atomic
def guest_add(*, meeting: Meeting, name: str, position: str = "") -> Guest:
    require_open(meeting)
    guest = Guest(meeting=meeting, name=nfc(name), position=nfc(position))
    guest.full_clean()
    guest.save()
    return guest


@transaction.atomic
def speech_add(
    *, meeting: Meeting, item: AgendaItem, member: Member | None = None, guest: Guest | None = None, note: str = ""
) -> Speech:
    require_open(meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    if (member is None) == (guest is None):
        raise ValidationError(_("Choose a member or a guest."))
    if member is not None and not queries.markable_members(meeting).filter(pk=member.pk).exists():
        raise ValidationError(_("This person is not a member of the cell."))
    # Lock the item so that two people adding speakers at once get distinct positions.
    AgendaItem.objects.select_for_update().filter(pk=item.pk).first()
    last = Speech.objects.filter(agenda_item=item).aggregate(m=Max("position"))["m"] or 0
    return Speech.objects.create(
        meeting=meeting, agenda_item=item, member=member, guest=guest, position=last + 1, note=nfc(note)
    )


@transaction.atomic
def speech_move(*, speech: Speech, offset: int) -> None:
    """Move a speaker up (-1) or down (+1) the list of their agenda item."""
    require_open(speech.meeting)
    AgendaItem.objects.select_for_update().filter(pk=speech.agenda_item_id).first()
    ordered = list(Speech.objects.filter(agenda_item_id=speech.agenda_item_id).order_by("position", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == speech.pk)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        moved = []
        for position, s in enumerate(ordered, start=1):
            if s.position != position:
                s.position = position
                moved.append(s)
        audit.bulk_update(Speech, moved, ["position"])  # one write for the list, one audit entry per speaker moved


@transaction.atomic
def speech_record(*, speech: Speech, spoken: bool, note: str) -> Speech:
    require_open(speech.meeting)
    audit.update(Speech.objects.filter(pk=speech.pk), spoken=spoken, note=nfc(note))
    speech.spoken, speech.note = spoken, nfc(note)
    return speech


@transaction.atomic
def speech_remove(*, speech: Speech) -> None:
    require_open(speech.meeting)
    speech.delete()
