"""Verbs of preparing a meeting: its preparer, documents, board pre-meeting and agenda (the notices are
services/notices.py, the minutes services/minutes.py).

Several people work on the same meeting at once. Agenda changes lock the meeting row while renumbering, so
positions stay 1..n."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.services import meeting as services
from apps.meetings.services.meeting import require_open
from apps.members.models import Member

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# ---------------------------------------------------------------------------------------------- preparer


@transaction.atomic
def meeting_set_preparer(*, meeting: Meeting, preparer: Member | None) -> Meeting:
    """Assign (or clear) the member who prepares the report and the draft resolution."""
    live = _lock(meeting)
    require_open(live)
    if preparer is not None and (preparer.cell_id != live.cell_id or not preparer.active):
        raise ValidationError({"preparer": _("The preparer must be an active member of the cell.")})
    if preparer is None:
        live.preparer_assigned_at = None
    elif preparer.pk != live.preparer_id or live.preparer_assigned_at is None:
        live.preparer_assigned_at = timezone.now()
    live.preparer = preparer
    live.save(update_fields=["preparer", "preparer_assigned_at"])
    meeting.preparer, meeting.preparer_assigned_at = preparer, live.preparer_assigned_at
    return live


# ---------------------------------------------------------------------------------------------- documents


@transaction.atomic
def document_add(*, meeting: Meeting, kind: str, title: str, text: str = "", file=None, by) -> MeetingDocument:
    """Add a document typed in the page and/or uploaded (at most 10 MB). It is not yet available to members."""
    require_open(meeting)
    if kind not in MeetingDocument.Kind.values or kind == MeetingDocument.Kind.BOARD_MINUTES:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    if kind == MeetingDocument.Kind.LEAD_PAPER and meeting.kind != Meeting.Kind.THEMATIC:
        raise ValidationError({"kind": _("A lead paper belongs to a thematic meeting.")})
    text = nfc(text)
    if not text and not file:
        raise ValidationError({"text": _("Type the text of the document or upload a file.")})
    if file and file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file must be smaller than 10 MB.")})
    document = MeetingDocument(meeting=meeting, kind=kind, title=nfc(title), text=text, uploaded_by=by)
    if file:
        document.file = file
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_publish(*, document: MeetingDocument) -> MeetingDocument:
    """Make the document available to members; the first publication time is kept (the ≥1 day check uses it)."""
    live = MeetingDocument.objects.select_for_update().get(pk=document.pk)
    if live.kind == MeetingDocument.Kind.BOARD_MINUTES:
        raise ValidationError(_("The board's minutes are not published to members."))
    if live.published_at is None:
        live.published_at = timezone.now()
        live.save(update_fields=["published_at"])
    return live


@transaction.atomic
def document_approve(*, document: MeetingDocument) -> MeetingDocument:
    """The board approves a lead paper (thematic meeting); the first approval time is kept."""
    live = MeetingDocument.objects.select_for_update().get(pk=document.pk)
    if live.kind != MeetingDocument.Kind.LEAD_PAPER:
        raise ValidationError(_("Only a lead paper is approved by the board."))
    if live.approved_at is None:
        live.approved_at = timezone.now()
        live.save(update_fields=["approved_at"])
    return live


# ---------------------------------------------------------------------------------------------- board pre-meeting


@transaction.atomic
def board_meeting_create(*, meeting: Meeting, scheduled_at: datetime, place: str = "") -> Meeting:
    """The cell board's pre-meeting (DOMAIN.md §5: the board meets first), before the meeting it prepares."""
    live = _lock(meeting)
    require_open(live)
    if live.kind == Meeting.Kind.BOARD:
        raise ValidationError(_("A board meeting is not prepared by another board meeting."))
    if Meeting.objects.filter(prepares=live).exists():
        raise ValidationError(_("The board pre-meeting of this meeting already exists."))
    if scheduled_at >= live.scheduled_at:
        raise ValidationError({"scheduled_at": _("The board meets before the meeting it prepares.")})
    return services.meeting_create(
        cell=live.cell, kind=Meeting.Kind.BOARD, scheduled_at=scheduled_at, place=place, prepares=live
    )


@transaction.atomic
def board_minutes_record(*, board: Meeting, text: str, by) -> MeetingDocument:
    """The short minutes of the board pre-meeting; recorded once it has taken place (first recording time kept)."""
    board = _lock(board)
    if board.kind != Meeting.Kind.BOARD:
        raise ValidationError(_("These minutes belong to a board pre-meeting."))
    if board.scheduled_at > timezone.now():
        raise ValidationError(_("The board pre-meeting has not taken place yet."))
    text = nfc(text)
    if not text:
        raise ValidationError({"text": _("Write the short minutes of the board pre-meeting.")})
    document = (
        MeetingDocument.objects.filter(meeting=board, kind=MeetingDocument.Kind.BOARD_MINUTES)
        .order_by("uploaded_at", "pk")
        .first()
    )
    if document is None:
        with translation.override("vi"):  # stored as it reads in the record
            title = _("Minutes of the board pre-meeting")
        document = MeetingDocument(meeting=board, kind=MeetingDocument.Kind.BOARD_MINUTES, title=title)
    document.text = text
    document.uploaded_by = document.uploaded_by or by
    document.full_clean()
    document.save()
    return document


# ---------------------------------------------------------------------------------------------- agenda


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _ordered(meeting: Meeting) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, section: str = AgendaItem.Section.BODY) -> AgendaItem:
    """Add an item at the end of its section (opening, body or closing)."""
    live = _lock(meeting)  # two people adding at once get distinct, consecutive positions
    require_open(live)
    if section not in AgendaItem.Section.values:
        raise ValidationError({"section": _("Choose the part of the meeting.")})
    ordered = _ordered(live)
    rank = list(AgendaItem.Section.values).index(section)
    index = sum(1 for item in ordered if list(AgendaItem.Section.values).index(item.section) <= rank)
    item = AgendaItem(meeting=live, position=index + 1, section=section, title=nfc(title))
    item.full_clean()
    item.save()
    ordered.insert(index, item)
    _renumber(live, ordered)  # shift what follows
    return item


@transaction.atomic
def agenda_item_rename(*, item: AgendaItem, title: str) -> AgendaItem:
    require_open(_lock(item.meeting))
    live = AgendaItem.objects.get(pk=item.pk)
    live.title = nfc(title)
    live.full_clean()
    live.save(update_fields=["title"])
    return live


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, offset: int) -> None:
    """Move an item up (-1) or down (+1). At the edge of its part of the meeting it crosses into the next part
    (the last opening item moved down becomes the first item of the body)."""
    live = _lock(item.meeting)
    require_open(live)
    ordered = _ordered(live)
    index = next((i for i, row in enumerate(ordered) if row.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This agenda item no longer exists."))
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    row, neighbour = ordered[index], ordered[target]
    if row.section != neighbour.section:
        row.section = neighbour.section
        row.save(update_fields=["section"])
        return
    ordered[index], ordered[target] = neighbour, row
    _renumber(live, ordered)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    live = _lock(item.meeting)
    require_open(live)
    if item.speeches.exists():
        raise ValidationError(_("Speakers are recorded on this item: it stays in the record."))
    item.delete()  # django-auditlog records the deletion (its signal)
    _renumber(live, _ordered(live))
