"""Reads of the live meeting: the meeting screen and its htmx fragments (the counts, a roll-call row, an agenda item
with its speakers), each in a fixed number of queries whatever the cell's size; speakers' lookup; whether the record
may still change."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from apps.common.scoping import VIEW
from apps.meetings.models import AgendaItem, Attendance, BallotReceipt, Guest, Meeting, MeetingDocument, Minutes, Speech
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import votes as rules_votes
from apps.members.models import CellRole, Member


def speeches_for(user, action: str = VIEW) -> QuerySet[Speech]:
    """The one lookup of speakers' list entries for views, with their meeting and agenda item."""
    return Speech.objects.visible_to(user, action).select_related("meeting", "agenda_item")


def minutes_adopted(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ADOPTED).exists()


def record_open(meeting: Meeting) -> bool:
    """Whether the meeting's record may still change: not cancelled, minutes not adopted (services.meeting.require_open
    says why not)."""
    return meeting.status != Meeting.Status.CANCELLED and not minutes_adopted(meeting)


def unconfirmed_speeches(meeting: Meeting) -> list[Speech]:
    """Members and guests put on a speakers' list but not ticked as having spoken: asked about at the end."""
    return list(
        Speech.objects.filter(meeting=meeting, spoken=False)
        .select_related("member", "guest", "agenda_item")
        .order_by("agenda_item__position", "position", "pk")
    )


def speaker(meeting: Meeting, kind: str, pk: int) -> tuple[Member | None, Guest | None]:
    """The member ("m") or guest ("g") chosen as a speaker, if they belong to the meeting (else None: refused)."""
    if kind == "m":
        return queries.markable_members(meeting).filter(pk=pk).first(), None
    return None, Guest.objects.filter(meeting=meeting, pk=pk).first()


def _speeches() -> Prefetch:
    return Prefetch("speeches", queryset=Speech.objects.select_related("member", "guest").order_by("position", "pk"))


def _present(rows: list[queries.RollCallRow]) -> list[Member]:
    """Who may be put on a speakers' list: the members marked present or late."""
    return [r.member for r in rows if r.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)]


def cell_members(meeting: Meeting) -> QuerySet[Member]:
    """Who may preside or take the minutes: the cell's active members."""
    return Member.objects.filter(cell_id=meeting.cell_id, active=True)


def secretary_id(meeting: Meeting) -> int | None:
    """The cell's secretary, who presides unless the secretary chooses otherwise (1 query)."""
    return (
        CellRole.objects.filter(cell_id=meeting.cell_id, office=CellRole.Office.SECRETARY, ends_on__isnull=True)
        .values_list("member_id", flat=True)
        .first()
    )


def meeting_screen(user, meeting: Meeting) -> dict:
    """Everything the meeting screen shows, in a fixed number of queries whatever the cell's size: the roll call (5),
    the agenda items and their speakers (2), the votes, the guests, the member at the screen, their ballot receipts
    (when they are a member), the minutes' status, whether a draft resolution exists."""
    rows = queries.roll_call(meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).prefetch_related(_speeches()))
    votes = list(queries.with_receipts(meeting.votes.all()))
    guests = list(Guest.objects.filter(meeting=meeting))
    me = queries.own_member(user)
    voted = (
        set(
            BallotReceipt.objects.filter(vote__meeting=meeting, member=me, sealed=True).values_list(
                "vote_id", flat=True
            )
        )
        if me
        else set()
    )
    my_row = next((r for r in rows if me and r.member.pk == me.pk), None)
    can_manage = user.has_perm("meetings.manage_meeting", meeting)
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
        "present_members": _present(rows),
        "statuses": Attendance.Status.choices,
    }


def live_counts(meeting: Meeting) -> dict:
    """The attendance figures every screen showing the meeting polls (the roll call: 5 queries)."""
    rows = queries.roll_call(meeting)
    return {"meeting": meeting, "summary": queries.summary(rows), "eligible": queries.eligible(rows)}


def roll_row(meeting: Meeting, member: Member) -> dict:
    """One member's row of the roll call with the figures, for the fragment a mark answers with (5 queries)."""
    rows = queries.roll_call(meeting)
    return {
        "meeting": meeting,
        "row": next(r for r in rows if r.member.pk == member.pk),
        "summary": queries.summary(rows),
        "eligible": queries.eligible(rows),
        "statuses": Attendance.Status.choices,
    }


def agenda_item(item: AgendaItem) -> dict:
    """An agenda item with its speakers and who may be added to them, for its fragment (9 queries)."""
    meeting = item.meeting
    rows = queries.roll_call(meeting)
    return {
        "meeting": meeting,
        "item": AgendaItem.objects.filter(pk=item.pk).prefetch_related(_speeches()).get(),
        "guests": list(meeting.guests.all()),
        "present_members": _present(rows),
    }
