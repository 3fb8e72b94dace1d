"""Verbs of a meeting's notices: telling the members and the supervising committee member the time, place and
content (through the outbox), and recording the members told in person."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.scoping import Role
from apps.meetings.models import Meeting
from apps.meetings.queries import notices as queries_notices
from apps.meetings.queries import prep as queries_prep
from apps.meetings.services import mail
from apps.outbox.models import OutboundMessage
from apps.outbox.rules import delivery as outbox_rules
from apps.outbox.services import delivery as outbox
from apps.outbox.sms import sms_configured


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


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

    Each member to notify (``queries_notices.notice_members``: the cell's active members, less those attached to
    another cell on the day, plus members of other cells attached to this one) gets the notice by e-mail (an
    account with an address that has not switched preparation messages off), else by SMS when the operator
    configured it and the member has a phone number, else is left for the secretary to tell in person from the
    printed notice list. Messages go through the
    outbox: queued now, delivered by the worker, and the checklist counts a member as notified once the notice
    was delivered. ``members_notified_at`` keeps the time the first notice was sent."""
    live = _lock(meeting)
    if live.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Notices are sent before the meeting starts."))
    members = list(queries_notices.notice_members(live).select_related("user").order_by("pk"))
    member_users = [m.user for m in members if m.user is not None]
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
        recipients=[outbox.Recipient(address=m.user.email, user=m.user, member=m) for m in by_email if m.user],
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
    members = list(queries_notices.notice_members(live).filter(pk__in=wanted).order_by("pk"))
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
