"""Verbs of preparing a meeting (preparer, documents, board pre-meeting, agenda, notices) and of its minutes
(generate, edit, adopt, correct).

Several people work on the same meeting at once. Agenda changes lock the meeting row while renumbering, so
positions stay 1..n; draft minutes use optimistic concurrency on ``Minutes.revision`` (a stale save is refused
with the other person's text, nothing is lost); after adoption every change is a new, attributed version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.common.scoping import Role
from apps.common.text import nfc
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes, MinutesVersion, Vote
from apps.meetings.queries import prep as queries_prep
from apps.meetings.rules import documents
from apps.meetings.rules import minutes as minutes_text
from apps.meetings.services import docs as services_docs
from apps.meetings.services import mail
from apps.meetings.services import meeting as services
from apps.members.models import Member
from apps.outbox.models import OutboundMessage
from apps.outbox.rules import delivery as outbox_rules
from apps.outbox.services import delivery as outbox
from apps.outbox.sms import sms_configured

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _require_editable(meeting: Meeting) -> None:
    """Preparation can change until the meeting is cancelled or its minutes are adopted."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ADOPTED).exists():
        raise ValidationError(_("The minutes are adopted: the record can no longer change."))


# ---------------------------------------------------------------------------------------------- preparer


@transaction.atomic
def meeting_set_preparer(*, meeting: Meeting, preparer: Member | None) -> Meeting:
    """Assign (or clear) the member who prepares the report and the draft resolution."""
    live = _lock(meeting)
    _require_editable(live)
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
    _require_editable(meeting)
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
    _require_editable(live)
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


# ---------------------------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class NotifyResult:
    members: int  # active members of the cell: everyone to notify
    members_mailed: int
    supervisors: int
    supervisors_mailed: int
    members_texted: int = 0
    members_to_tell: int = 0  # no e-mail and no SMS: told in person, from the printed notice list


def _supervisors(meeting: Meeting) -> list:
    today = timezone.localdate()
    return list(
        get_user_model()
        .objects.filter(
            role_grants__organization_id=meeting.cell_id,
            role_grants__role=Role.SUPERVISOR,
            role_grants__starts_on__lte=today,
        )
        .filter(Q(role_grants__ends_on__isnull=True) | Q(role_grants__ends_on__gte=today))
        .distinct()
        .order_by("pk")
    )


def _notice_lines(meeting: Meeting) -> tuple[str, list[str]]:
    when = timezone.localtime(meeting.scheduled_at)
    subject = _("Invitation: %(kind)s of %(cell)s on %(date)s") % {
        "kind": meeting.get_kind_display(),
        "cell": meeting.cell.name,
        "date": f"{when:%d/%m/%Y}",
    }
    lines = [
        _("Time: %(time)s, %(date)s") % {"time": f"{when:%H:%M}", "date": f"{when:%d/%m/%Y}"},
        _("Place: %(place)s") % {"place": meeting.place or "…"},
    ]
    if meeting.topic:
        lines.append(_("Topic: %(topic)s") % {"topic": meeting.topic})
    return subject, lines


def _notice(meeting: Meeting) -> tuple[str, str]:
    subject, facts = _notice_lines(meeting)
    lines = [_("%(cell)s invites you to its meeting.") % {"cell": meeting.cell.name}, "", *facts]
    lines += ["", _("Agenda:")]
    lines += [f"{item.position}. {item.title}" for item in queries_prep.agenda_of(meeting)]
    published = meeting.documents.filter(published_at__isnull=False).order_by("kind", "pk")
    if published:
        lines += ["", _("Documents to read before the meeting (log in to chibo to read them):")]
        lines += [f"- {d.title}" for d in published]
    return subject, "\n".join(lines)


def _notice_sms(meeting: Meeting) -> str:
    subject, facts = _notice_lines(meeting)
    return "\n".join([subject, *facts])


@transaction.atomic
def meeting_notify(*, meeting: Meeting) -> NotifyResult:
    """Tell the cell's members and the supervising committee member(s) the time, place and content.

    Each member to notify (``queries_prep.notice_members``: the cell's active members, less those attached to
    another cell on the day, plus members of other cells attached to this one) gets the notice by e-mail (an
    account with an address that has not switched preparation messages off), else by SMS when the operator
    configured it and the member has a phone number, else is left for the secretary to tell in person from the
    printed notice list. Messages go through the
    outbox: queued now, delivered by the worker, and the checklist counts a member as notified once the notice
    was delivered. ``members_notified_at`` keeps the time the first notice was sent."""
    live = _lock(meeting)
    if live.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Notices are sent before the meeting starts."))
    members = list(queries_prep.notice_members(live).select_related("user").order_by("pk"))
    member_users = [m.user for m in members if m.user_id]
    supervisors = [u for u in _supervisors(live) if u not in member_users]
    subject, body = _notice(live)
    mailable = {u.pk for u in mail.recipients(member_users, "preparation")}
    declined = {u.pk for u in member_users if u.email and u.is_active} - mailable  # switched preparation off
    by_email = [m for m in members if m.user_id in mailable]
    by_sms = []
    if sms_configured():
        by_sms = [
            m
            for m in members
            if m.user_id not in mailable and m.user_id not in declined and outbox_rules.sms_address(m.phone)
        ]
    notice = OutboundMessage.Purpose.NOTICE
    outbox.message_queue(
        channel=OutboundMessage.Channel.EMAIL,
        purpose=notice,
        recipients=[outbox.Recipient(address=m.user.email, user=m.user, member=m) for m in by_email],
        subject=subject,
        body=body,
        meeting=live,
    )
    if by_sms:
        outbox.message_queue(
            channel=OutboundMessage.Channel.SMS,
            purpose=notice,
            recipients=[
                outbox.Recipient(address=outbox_rules.sms_address(m.phone), user=m.user, member=m) for m in by_sms
            ],
            subject=subject,
            body=_notice_sms(live),
            meeting=live,
        )
    supervisors_mailed = mail.send(supervisors, "preparation", subject, body, meeting=live, purpose=notice)
    now = timezone.now()
    fields = []
    if members and live.members_notified_at is None:
        live.members_notified_at = now
        fields.append("members_notified_at")
    if supervisors and live.supervisor_notified_at is None:
        live.supervisor_notified_at = now
        fields.append("supervisor_notified_at")
    if fields:
        live.save(update_fields=fields)
    meeting.members_notified_at, meeting.supervisor_notified_at = live.members_notified_at, live.supervisor_notified_at
    return NotifyResult(
        members=len(members),
        members_mailed=len(by_email),
        supervisors=len(supervisors),
        supervisors_mailed=supervisors_mailed,
        members_texted=len(by_sms),
        members_to_tell=len(members) - len(by_email) - len(by_sms),
    )


@transaction.atomic
def notice_mark_told(*, meeting: Meeting, member_ids: list[int], by) -> int:
    """The secretary records members told in person (or who signed the printed notice list): each counts as
    notified from now. Members already reached are left as they are. Returns how many were recorded."""
    live = _lock(meeting)
    if live.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Notices are sent before the meeting starts."))
    wanted = set(member_ids)
    members = list(queries_prep.notice_members(live).filter(pk__in=wanted).order_by("pk"))
    if not wanted or len(members) != len(wanted):
        raise ValidationError(_("Choose members of the cell who were told."))
    reached = set(
        OutboundMessage.objects.filter(
            meeting=live,
            purpose=OutboundMessage.Purpose.NOTICE,
            status=OutboundMessage.Status.SENT,
            member_id__in=wanted,
        ).values_list("member_id", flat=True)
    )
    told = [m for m in members if m.pk not in reached]
    outbox.message_record_in_person(purpose=OutboundMessage.Purpose.NOTICE, members=told, meeting=live, by=by)
    return len(told)


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
    _require_editable(live)
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
    _require_editable(_lock(item.meeting))
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
    _require_editable(live)
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
    _require_editable(live)
    if item.speeches.exists():
        raise ValidationError(_("Speakers are recorded on this item: it stays in the record."))
    AgendaItem.objects.filter(pk=item.pk).delete()
    _renumber(live, _ordered(live))


# ---------------------------------------------------------------------------------------------- minutes


class StaleMinutes(ValidationError):
    """Someone else saved the draft since this person loaded it: their text is kept here, nothing is lost."""

    def __init__(self, minutes: Minutes):
        super().__init__(
            _(
                "Someone else saved the minutes while you were editing (now revision %(revision)s). Your text was "
                "not saved: compare it with theirs below, then save again."
            )
            % {"revision": minutes.revision},
            code="stale",
        )
        self.current_text = minutes.text
        self.current_revision = minutes.revision


def _adopted_error() -> ValidationError:
    return ValidationError(_("The minutes are adopted: a change is a correction with its reason."), code="adopted")


@transaction.atomic
def minutes_generate(*, meeting: Meeting, revision: int | None = None) -> Minutes:
    """Generate the draft minutes from the record. Regenerating replaces the draft text, so it carries the
    revision the person has seen; adopted minutes are never regenerated."""
    text = minutes_text.render_minutes(queries_prep.minutes_data(meeting))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, text=text)
    if minutes.status == Minutes.Status.ADOPTED:
        raise _adopted_error()
    if revision is not None and revision != minutes.revision:
        raise StaleMinutes(minutes)
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return minutes


@transaction.atomic
def minutes_save(*, meeting: Meeting, text: str, revision: int) -> Minutes:
    """Save the edited draft if nobody saved since ``revision``; otherwise refuse with their text."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Generate the minutes first."))
    if minutes.status == Minutes.Status.ADOPTED:
        raise _adopted_error()
    if revision != minutes.revision:
        raise StaleMinutes(minutes)
    text = nfc(text)
    if not text:
        raise ValidationError({"text": _("The minutes cannot be empty.")})
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return minutes


@transaction.atomic
def minutes_adopt(*, meeting: Meeting, revision: int, by) -> Minutes:
    """ "Read back and adopted": the text the meeting heard becomes version 1 and is locked, and the minutes get
    their official number (the next of the cell's term, in the order of adoption)."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Generate the minutes first."))
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("The minutes are already adopted."))
    if revision != minutes.revision:
        raise StaleMinutes(minutes)
    status = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).get()
    if status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED):
        raise ValidationError(_("Minutes are adopted at the meeting, once it has started."))
    if not minutes.text.strip():
        raise ValidationError(_("The minutes cannot be empty."))
    if Vote.objects.filter(meeting=meeting, status=Vote.Status.OPEN).exists():
        # adopted minutes freeze the votes: one still open could then never be closed nor voided
        raise ValidationError(_("Close the open votes before adopting the minutes."))
    minutes.status = Minutes.Status.ADOPTED
    minutes.adopted_at = timezone.now()
    minutes.adopted_by = by
    minutes.save(update_fields=["status", "adopted_at", "adopted_by"])
    MinutesVersion.objects.create(minutes=minutes, number=1, text=minutes.text, author=by, reason="")
    services_docs.document_number_issue(meeting=meeting, doc_type=documents.DOC_MINUTES)
    return minutes


@transaction.atomic
def minutes_correct(*, meeting: Meeting, text: str, reason: str, by) -> MinutesVersion:
    """A correction of adopted minutes: a new version with its author, time and reason; nothing changes silently."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status != Minutes.Status.ADOPTED:
        raise ValidationError(_("Only adopted minutes are corrected; a draft is simply edited."))
    text, reason = nfc(text), nfc(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the correction.")
    if not text:
        errors["text"] = _("The minutes cannot be empty.")
    elif text == nfc(minutes.text):
        errors["text"] = _("The text is unchanged.")
    if errors:
        raise ValidationError(errors)
    number = (minutes.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MinutesVersion(minutes=minutes, number=number, text=text, author=by, reason=reason)
    version.full_clean()
    version.save()
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return version
