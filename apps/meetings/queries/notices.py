"""Reads of the meeting notices: whom a meeting's notice is for, and how each member's notice went (a pure rule
over plain facts, and the query gathering them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.meetings.models import Meeting
from apps.members.models import Attachment, Member
from apps.outbox.models import OutboundMessage
from apps.outbox.rules import delivery as outbox_rules

REACHED, PENDING, FAILED, UNREACHED = "reached", "pending", "failed", "unreached"


@dataclass(frozen=True)
class NoticeFact:
    """One notice message to a member, as plain values."""

    channel: str
    status: str
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str = ""
    due_at: datetime | None = None  # a queued message: when its (next) try was due


@dataclass(frozen=True)
class NoticeRow:
    member: Member
    state: str  # REACHED, PENDING (on its way), FAILED (every message failed) or UNREACHED (nothing sent)
    channel: str = ""  # how the member was reached, or is being reached, or failed to be
    at: datetime | None = None  # when the member was first reached
    error: str = ""
    attempts: int = 0

    @property
    def to_tell(self) -> bool:
        """Left for the secretary: no message on its way and none delivered (told in person or on paper)."""
        return self.state in (FAILED, UNREACHED)


def _stalled_as_failed(fact: NoticeFact, now: datetime) -> NoticeFact:
    if (
        fact.status == OutboundMessage.Status.QUEUED
        and fact.due_at
        and outbox_rules.stalled(due_at=fact.due_at, now=now)
    ):
        return replace(
            fact, status=OutboundMessage.Status.FAILED, last_error=str(_("sending stopped and did not resume"))
        )
    return fact


def _sent_order(fact: NoticeFact) -> float:
    return fact.sent_at.timestamp() if fact.sent_at else float("inf")


def notice_state(facts: list[NoticeFact], *, now: datetime | None = None) -> tuple[str, NoticeFact | None]:
    """A member's notice: reached when any message was delivered (the first delivery counts), on its way while
    one is queued, failed when every message failed, unreached when none was sent.

    Given ``now``, a queued message whose try was due long ago (the worker stopped while sending it) counts as
    failed: it is not on its way, and the member goes on the printed list."""
    if now is not None:
        facts = [_stalled_as_failed(f, now) for f in facts]
    sent = sorted((f for f in facts if f.status == OutboundMessage.Status.SENT), key=_sent_order)
    if sent:
        return REACHED, sent[0]
    queued = [f for f in facts if f.status == OutboundMessage.Status.QUEUED]
    if queued:
        return PENDING, queued[-1]
    if facts:
        return FAILED, facts[-1]
    return UNREACHED, None


def notice_members(meeting: Meeting) -> QuerySet[Member]:
    """Whom a meeting's notice is for: the cell's active members, except those temporarily attached to another cell
    on the meeting's day (they meet there), and the members of other cells attached to this one on the day
    (DOMAIN.md §5: they meet with the host cell). One query (the attachments are subqueries)."""
    day = timezone.localdate(meeting.scheduled_at)
    in_force = Attachment.objects.in_force_on(day)
    away = in_force.exclude(host_id=meeting.cell_id).values("member_id")
    visiting = in_force.filter(host_id=meeting.cell_id).values("member_id")
    return Member.objects.filter(active=True).filter(
        (Q(cell_id=meeting.cell_id) & ~Q(pk__in=away)) | Q(pk__in=visiting)
    )


def notice_rows(meeting: Meeting) -> list[NoticeRow]:
    """Every member to notify (``notice_members``) with their notice's delivery (2 queries)."""
    members = list(notice_members(meeting).select_related("user").order_by("full_name_search", "pk"))
    facts: dict[int, list[NoticeFact]] = {}
    for member_id, channel, status, sent_at, attempts, error, created_at, next_attempt_at in (
        OutboundMessage.objects.filter(
            meeting=meeting, purpose=OutboundMessage.Purpose.NOTICE, member_id__in=[m.pk for m in members]
        )
        .order_by("created_at", "pk")
        .values_list(
            "member_id", "channel", "status", "sent_at", "attempts", "last_error", "created_at", "next_attempt_at"
        )
    ):
        due = next_attempt_at or created_at
        facts.setdefault(member_id, []).append(NoticeFact(channel, status, sent_at, attempts, error, due))
    rows = []
    now = timezone.now()
    for member in members:
        state, fact = notice_state(facts.get(member.pk, []), now=now)
        rows.append(
            NoticeRow(
                member=member,
                state=state,
                channel=fact.channel if fact else "",
                at=fact.sent_at if fact and state == REACHED else None,
                error=fact.last_error if fact and state == FAILED else "",
                attempts=fact.attempts if fact else 0,
            )
        )
    return rows


def notified(rows: list[NoticeRow]) -> dict:
    """The checklist's facts about notices (``PreparationFacts``' fields): when the last member was reached, out of
    how many."""
    reached = [r.at for r in rows if r.state == REACHED]
    everyone = bool(rows) and len(reached) == len(rows)
    return {
        "members_notified_at": max((at for at in reached if at), default=None) if everyone else None,
        "members_to_notify": len(rows),
        "members_reached": len(reached),
    }
