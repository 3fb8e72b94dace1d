"""Reads of the preparation and minutes features: the preparation checklist (a pure rule over plain facts and
the query gathering them), the preparation page, the facts the minutes are generated from, the minutes history.

The checklist is used again by the quality score (DOMAIN.md §7: "documents available ≥1 day before", "the board
meets first"), so it returns plain dataclasses and every fact keeps its timestamp."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import VIEW
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes, MinutesVersion, Speech, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import docs as rules_docs
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import minutes as minutes_text
from apps.members.models import Attachment, Member
from apps.outbox.models import OutboundMessage
from apps.outbox.rules import delivery as outbox_rules

# ---------------------------------------------------------------------------------------------- checklist (pure)

DRAFT_REPORT = "draft_report"
DRAFT_RESOLUTION = "draft_resolution"
LEAD_PAPER = "lead_paper"
THEMATIC = "thematic"


@dataclass(frozen=True)
class DocumentFact:
    kind: str
    uploaded_at: datetime
    published_at: datetime | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class PreparationFacts:
    """What the checklist needs to know about one meeting's preparation, as plain values."""

    kind: str
    scheduled_at: datetime
    topic: str = ""
    preparer: str = ""  # the preparer's name, "" when nobody is assigned
    preparer_assigned_at: datetime | None = None
    documents: tuple[DocumentFact, ...] = ()
    board_at: datetime | None = None  # when the board pre-meeting took place (started, else scheduled)
    board_minutes_at: datetime | None = None  # when its short minutes were recorded
    board_ended: bool = False  # the board meeting was held and closed through the live record
    # When the last member to notify received the notice; None while anyone has not (done means delivered).
    members_notified_at: datetime | None = None
    supervisor_notified_at: datetime | None = None
    members_to_notify: int = 0
    members_reached: int = 0


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    done: bool
    at: datetime | None = None
    progress: tuple[int, int] | None = None  # (reached, out of) for an item about people, e.g. notices

    @property
    def label(self) -> str:
        return CHECKLIST_LABELS[self.key]


CHECKLIST_LABELS = {
    "preparer": _("Preparer assigned"),
    "draft_report": _("Draft report present"),
    "draft_resolution": _("Draft resolution present"),
    "documents_in_time": _("Documents available to members at least one day before"),
    "board_meeting": _("Board pre-meeting held before the meeting"),
    "members_notified": _("Members notified"),
    "supervisor_notified": _("Supervising committee member notified"),
    "topic": _("Topic of the thematic meeting set"),
    "lead_paper": _("Lead paper approved by the board"),
}


def _earliest(values) -> datetime | None:
    values = [v for v in values if v is not None]
    return min(values) if values else None


def required_kinds(kind: str) -> tuple[str, ...]:
    """Documents members must have before the meeting: the draft report and resolution, and the lead paper of a
    thematic meeting."""
    return (DRAFT_REPORT, DRAFT_RESOLUTION, LEAD_PAPER) if kind == THEMATIC else (DRAFT_REPORT, DRAFT_RESOLUTION)


def documents_available_at(facts: PreparationFacts) -> datetime | None:
    """When every required document had been published (the latest of each kind's first publication)."""
    firsts = []
    for kind in required_kinds(facts.kind):
        first = _earliest(d.published_at for d in facts.documents if d.kind == kind)
        if first is None:
            return None
        firsts.append(first)
    return max(firsts)


def _before(moment: datetime | None, deadline: datetime) -> bool:
    return moment is not None and moment <= deadline


def preparation_checklist(facts: PreparationFacts) -> list[ChecklistItem]:
    """The preparation checklist of DOMAIN.md §5 (Hướng dẫn 42): each item done or not, with its timestamp."""

    def first_upload(kind: str) -> datetime | None:
        return _earliest(d.uploaded_at for d in facts.documents if d.kind == kind)

    available = documents_available_at(facts)
    board_held = facts.board_minutes_at is not None or facts.board_ended
    items = [
        ChecklistItem("preparer", bool(facts.preparer), facts.preparer_assigned_at if facts.preparer else None),
        ChecklistItem("draft_report", first_upload(DRAFT_REPORT) is not None, first_upload(DRAFT_REPORT)),
        ChecklistItem("draft_resolution", first_upload(DRAFT_RESOLUTION) is not None, first_upload(DRAFT_RESOLUTION)),
        ChecklistItem(
            "documents_in_time",
            rules_docs.documents_available_in_time(published_at=available, meeting_at=facts.scheduled_at),
            available,
        ),
        ChecklistItem(
            "board_meeting",
            board_held and facts.board_at is not None and facts.board_at < facts.scheduled_at,
            facts.board_at,
        ),
        ChecklistItem(
            "members_notified",
            _before(facts.members_notified_at, facts.scheduled_at) and facts.members_reached >= facts.members_to_notify,
            facts.members_notified_at,
            (facts.members_reached, facts.members_to_notify),
        ),
        ChecklistItem(
            "supervisor_notified",
            _before(facts.supervisor_notified_at, facts.scheduled_at),
            facts.supervisor_notified_at,
        ),
    ]
    if facts.kind == THEMATIC:
        approved = _earliest(d.approved_at for d in facts.documents if d.kind == LEAD_PAPER)
        items += [
            ChecklistItem("topic", bool(facts.topic.strip())),
            ChecklistItem("lead_paper", _before(approved, facts.scheduled_at), approved),
        ]
    return items


# ---------------------------------------------------------------------------------------------- notices

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
        return replace(fact, status=OutboundMessage.Status.FAILED, last_error=_("sending stopped and did not resume"))
    return fact


def notice_state(facts: list[NoticeFact], *, now: datetime | None = None) -> tuple[str, NoticeFact | None]:
    """A member's notice: reached when any message was delivered (the first delivery counts), on its way while
    one is queued, failed when every message failed, unreached when none was sent.

    Given ``now``, a queued message whose try was due long ago (the worker stopped while sending it) counts as
    failed: it is not on its way, and the member goes on the printed list."""
    if now is not None:
        facts = [_stalled_as_failed(f, now) for f in facts]
    sent = sorted((f for f in facts if f.status == OutboundMessage.Status.SENT), key=lambda f: f.sent_at)
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
                at=fact.sent_at if state == REACHED else None,
                error=fact.last_error if state == FAILED else "",
                attempts=fact.attempts if fact else 0,
            )
        )
    return rows


def _notice_facts(rows: list[NoticeRow]) -> dict:
    reached = [r.at for r in rows if r.state == REACHED]
    everyone = bool(rows) and len(reached) == len(rows)
    return {
        "members_notified_at": max(reached) if everyone else None,
        "members_to_notify": len(rows),
        "members_reached": len(reached),
    }


# ---------------------------------------------------------------------------------------------- preparation


def meetings_for_prep(user, action: str = VIEW) -> QuerySet[Meeting]:
    """Meetings that are prepared (regular and thematic; a board meeting is itself part of a preparation)."""
    return (
        Meeting.objects.visible_to(user, action)
        .exclude(kind=Meeting.Kind.BOARD)
        .select_related("cell", "preparer", "presiding", "minute_taker")
    )


def meetings_for_minutes(user, action: str = VIEW) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user, action).select_related("cell", "presiding", "minute_taker")


def documents_for(user, action: str = VIEW) -> QuerySet[MeetingDocument]:
    return MeetingDocument.objects.visible_to(user, action).select_related("meeting__cell")


def board_meeting_of(meeting: Meeting) -> Meeting | None:
    return Meeting.objects.filter(prepares=meeting).select_related("cell").first()


def board_minutes_of(meeting: Meeting) -> MeetingDocument | None:
    """The short minutes of the board pre-meeting of ``meeting`` (a document on the board meeting)."""
    return (
        MeetingDocument.objects.filter(meeting__prepares=meeting, kind=MeetingDocument.Kind.BOARD_MINUTES)
        .order_by("uploaded_at", "pk")
        .first()
    )


def _facts(
    meeting: Meeting,
    documents: list[MeetingDocument],
    board: Meeting | None,
    board_minutes: MeetingDocument | None,
    notices: list[NoticeRow],
) -> PreparationFacts:
    return PreparationFacts(
        kind=meeting.kind,
        scheduled_at=meeting.scheduled_at,
        topic=meeting.topic,
        preparer=meeting.preparer.full_name if meeting.preparer_id else "",
        preparer_assigned_at=meeting.preparer_assigned_at,
        documents=tuple(
            DocumentFact(kind=d.kind, uploaded_at=d.uploaded_at, published_at=d.published_at, approved_at=d.approved_at)
            for d in documents
        ),
        board_at=(board.started_at or board.scheduled_at) if board else None,
        board_minutes_at=board_minutes.uploaded_at if board_minutes else None,
        board_ended=bool(board and board.ended_at),
        supervisor_notified_at=meeting.supervisor_notified_at,
        **_notice_facts(notices),
    )


def preparation_facts(meeting: Meeting) -> PreparationFacts:
    """The facts of one meeting's preparation (5 queries, plus the preparer when not already loaded)."""
    documents = list(MeetingDocument.objects.filter(meeting=meeting))
    return _facts(meeting, documents, board_meeting_of(meeting), board_minutes_of(meeting), notice_rows(meeting))


@dataclass
class PreparePage:
    meeting: Meeting
    documents: list[MeetingDocument]  # what this user may read
    agenda: list[AgendaItem]
    board: Meeting | None
    board_minutes: MeetingDocument | None
    checklist: list[ChecklistItem]
    notices: list[NoticeRow]

    @property
    def notices_reached(self) -> int:
        return sum(1 for r in self.notices if r.state == REACHED)

    @property
    def notices_open(self) -> int:
        """Members not reached yet (the secretary may record them as told in person)."""
        return len(self.notices) - self.notices_reached

    @property
    def notices_to_tell(self) -> int:
        """Members with nothing on its way: for the printed notice list."""
        return sum(1 for r in self.notices if r.to_tell)


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))


def prepare_page(user, meeting: Meeting, *, drafts: bool) -> PreparePage:
    """Everything the preparation page shows: 6 queries whatever the number of documents, agenda items and members.

    ``drafts``: the user may read documents not yet published to members (the cell's leaders and the
    committee's people); a plain member sees published documents only."""
    every = list(MeetingDocument.objects.visible_to(user, VIEW).filter(meeting=meeting).select_related("uploaded_by"))
    board = board_meeting_of(meeting)
    board_minutes = board_minutes_of(meeting)
    notices = notice_rows(meeting)
    return PreparePage(
        meeting=meeting,
        documents=every if drafts else [d for d in every if d.published_at is not None],
        agenda=agenda_of(meeting),
        board=board,
        board_minutes=board_minutes,
        checklist=preparation_checklist(_facts(meeting, every, board, board_minutes, notices)),
        notices=notices,
    )


def preparer_choices(meeting: Meeting) -> QuerySet[Member]:
    return Member.objects.filter(cell_id=meeting.cell_id, active=True).order_by("full_name_search", "pk")


# ---------------------------------------------------------------------------------------------- minutes


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def minutes_data(meeting: Meeting) -> minutes_text.MinutesData:
    """The record of a meeting as the plain data the minutes are generated from (8 queries whatever its size)."""
    meeting = Meeting.objects.select_related("cell", "presiding", "minute_taker").get(pk=meeting.pk)
    rows = queries.roll_call(meeting)
    own = [r for r in rows if not r.visiting]  # members of other cells attached here are not the cell's
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        Prefetch(
            "speeches",
            queryset=Speech.objects.select_related("member", "guest").order_by("position", "pk"),
        )
    )
    draft = (
        MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    votes = list(Vote.objects.filter(meeting=meeting).order_by("opened_at", "pk"))
    return minutes_text.MinutesData(
        scheduled_at=_local(meeting.scheduled_at),
        started_at=_local(meeting.started_at),
        ended_at=_local(meeting.ended_at),
        place=meeting.place,
        presiding=meeting.presiding.full_name if meeting.presiding else "",
        minute_taker=meeting.minute_taker.full_name if meeting.minute_taker else "",
        attendance=queries.summary(rows),
        official=sum(1 for r in own if r.member.status == Member.Status.OFFICIAL),
        probationary=sum(1 for r in own if r.member.status == Member.Status.PROBATIONARY),
        exempt_names=tuple(r.member.full_name for r in own if r.status == rules_live.EXEMPT),
        attached_names=tuple((r.member.full_name, r.attached_to) for r in own if r.status == rules_live.ATTACHED),
        visiting_names=tuple(
            (r.member.full_name, r.visiting_from)
            for r in rows
            if r.visiting and r.status in (rules_live.PRESENT, rules_live.LATE)
        ),
        late_names=tuple(r.member.full_name for r in own if r.status == rules_live.LATE),
        unmarked_names=tuple(r.member.full_name for r in own if r.status is None),
        absentees=tuple(
            minutes_text.Absentee(name=r.member.full_name, status=r.status, reason=r.attendance.reason)
            for r in own
            if r.status in (rules_live.EXCUSED, rules_live.UNEXCUSED)
        ),
        guests=tuple((g.name, g.position) for g in meeting.guests.order_by("pk")),
        items=tuple(
            minutes_text.ItemRecord(
                title=item.title,
                speeches=tuple(
                    minutes_text.SpeechLine(speaker=str(s.member or s.guest), remark=s.note)
                    for s in item.speeches.all()
                    if s.spoken or s.note
                ),
                conclusion=item.conclusion,
            )
            for item in items
        ),
        votes=tuple(
            minutes_text.VoteLine(
                question=v.question,
                result=queries.vote_result(v, rows),
                secret=v.method == Vote.Method.SECRET,
                closed=v.status == Vote.Status.CLOSED,
            )
            for v in votes
        ),
        tasks_text=minutes_text.tasks_section(draft.text) if draft else "",
    )


@dataclass
class VersionRow:
    version: MinutesVersion
    diff: list[tuple[str, str]]  # (kind, line without the diff marker): "add", "del", "hunk" or "same"


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    rows = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line if kind == "hunk" else line[1:]))
    return rows


def minutes_history(minutes: Minutes) -> list[VersionRow]:
    """Every version with its author, newest first, each with the diff from the version before (1 query)."""
    versions = list(MinutesVersion.objects.filter(minutes=minutes).select_related("author").order_by("number"))
    rows = [
        VersionRow(version=v, diff=_diff(versions[i - 1].text, v.text) if i else []) for i, v in enumerate(versions)
    ]
    return rows[::-1]
