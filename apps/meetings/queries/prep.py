"""Reads of preparing a meeting: the preparation checklist (a pure rule over plain facts, and the query gathering
them), the meetings and documents being prepared, and the preparation page.

The checklist is used again by the quality score (DOMAIN.md §7: "documents available ≥1 day before", "the board
meets first"), so it returns plain dataclasses and every fact keeps its timestamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import VIEW
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.queries import notices as queries_notices
from apps.meetings.rules import docs as rules_docs
from apps.members.models import Member

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
        return str(CHECKLIST_LABELS[self.key])


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


# ---------------------------------------------------------------------------------------------- preparation


def prepared(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Of ``meetings`` (queries.meeting.meetings_for), those that are prepared, with their preparer: regular and
    thematic meetings (a board meeting is itself part of a preparation)."""
    return meetings.exclude(kind=Meeting.Kind.BOARD).select_related("preparer")


def documents_for(user, action: str = VIEW) -> QuerySet[MeetingDocument]:
    """The one lookup of a meeting's documents: those ``user`` may ``action``, with their meeting and cell."""
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
    notices: list[queries_notices.NoticeRow],
) -> PreparationFacts:
    return PreparationFacts(
        kind=meeting.kind,
        scheduled_at=meeting.scheduled_at,
        topic=meeting.topic,
        preparer=meeting.preparer.full_name if meeting.preparer else "",
        preparer_assigned_at=meeting.preparer_assigned_at,
        documents=tuple(
            DocumentFact(kind=d.kind, uploaded_at=d.uploaded_at, published_at=d.published_at, approved_at=d.approved_at)
            for d in documents
        ),
        board_at=(board.started_at or board.scheduled_at) if board else None,
        board_minutes_at=board_minutes.uploaded_at if board_minutes else None,
        board_ended=bool(board and board.ended_at),
        supervisor_notified_at=meeting.supervisor_notified_at,
        **queries_notices.notified(notices),
    )


def preparation_facts(meeting: Meeting) -> PreparationFacts:
    """The facts of one meeting's preparation (5 queries, plus the preparer when not already loaded)."""
    documents = list(MeetingDocument.objects.filter(meeting=meeting))
    return _facts(
        meeting, documents, board_meeting_of(meeting), board_minutes_of(meeting), queries_notices.notice_rows(meeting)
    )


@dataclass
class PreparePage:
    meeting: Meeting
    documents: list[MeetingDocument]  # what this user may read
    agenda: list[AgendaItem]
    board: Meeting | None
    board_minutes: MeetingDocument | None
    checklist: list[ChecklistItem]
    notices: list[queries_notices.NoticeRow]

    @property
    def notices_reached(self) -> int:
        return sum(1 for r in self.notices if r.state == queries_notices.REACHED)

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
    every = list(documents_for(user).filter(meeting=meeting).select_related("uploaded_by"))
    board = board_meeting_of(meeting)
    board_minutes = board_minutes_of(meeting)
    notices = queries_notices.notice_rows(meeting)
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
