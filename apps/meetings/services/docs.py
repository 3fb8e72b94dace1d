"""Documents of a meeting: numbers, the .docx minutes and resolution, the letterhead of printed pages, and the
attendance entered from a paper sheet (DOMAIN.md §10, §11).

Numbers are issued when a document is adopted (``services_minutes.minutes_adopt``, ``resolutions.services_tasks.
resolution_adopt``), in the adopting transaction, once per meeting and type, under a lock on the cell's row: two
adoptions at once never get the same number, numbers follow the order of adoption, and a meeting keeps the number it
was first given. A download only reads the number: no GET writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import Attendance, DocumentNumber, Meeting, MeetingDocument, Minutes, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import docs as rules_docs
from apps.meetings.rules import documents
from apps.meetings.services import live as services_live
from apps.meetings.services.meeting import require_open, resolution_reads
from apps.members.models import CellRole, Member
from apps.orgs.models import Organization


def meeting_day(meeting: Meeting) -> date:
    return timezone.localdate(meeting.scheduled_at)


# ---------------------------------------------------------------------------------------------- numbers


@transaction.atomic
def document_number_issue(*, meeting: Meeting, doc_type: str) -> DocumentNumber:
    """The meeting's number for this type of document, issued on adoption: the next from 01 in the cell's term.

    Called by the services that adopt a document, inside their transaction. The cell's row is locked first
    (SELECT … FOR UPDATE on PostgreSQL; SQLite takes the write lock when the transaction begins), so concurrent
    adoptions queue and each sees the numbers issued before it."""
    if doc_type not in (documents.DOC_RESOLUTION, documents.DOC_MINUTES):
        raise ValidationError(_("Unknown document type."))
    Organization.objects.select_for_update().filter(pk=meeting.cell_id).values_list("pk", flat=True).first()
    existing = DocumentNumber.objects.filter(meeting=meeting, doc_type=doc_type).first()
    if existing is not None:
        return existing
    term = rules_docs.term_start_year(meeting_day(meeting))
    last = DocumentNumber.objects.filter(cell_id=meeting.cell_id, doc_type=doc_type, term_start_year=term).aggregate(
        last=Max("number")
    )["last"]
    return DocumentNumber.objects.create(
        cell_id=meeting.cell_id, doc_type=doc_type, term_start_year=term, number=(last or 0) + 1, meeting=meeting
    )


def document_number(*, meeting: Meeting, doc_type: str) -> int | None:
    """The number issued to the meeting's document of this type, if it was adopted (a read: one query)."""
    return DocumentNumber.objects.filter(meeting=meeting, doc_type=doc_type).values_list("number", flat=True).first()


def document_numbers_backfill(*, DocumentNumber, Meeting, Minutes, Resolution=None) -> int:  # noqa: N803
    """Number the adopted documents that have none, in the order of their adoption, per cell, type and term.

    Documents adopted before numbers were issued on adoption (they were issued on the first download) and rows
    written in bulk (the demo) get theirs here, so that a download never needs to write. Takes the model classes so
    that the data migration (historical models) and the demo share it; without ``Resolution`` (meetings' own test
    world, which records no resolution) only minutes are numbered. Returns the number of numbers issued."""
    # (doc_type, when adopted, meeting): minutes by their adoption time, resolutions by their adoption date.
    adopted: list[tuple[str, object, int]] = [
        (documents.DOC_MINUTES, adopted_at, meeting_id)
        for meeting_id, adopted_at in Minutes.objects.filter(status="adopted").values_list("meeting_id", "adopted_at")
    ]
    if Resolution is not None:
        adopted += [
            (documents.DOC_RESOLUTION, adopted_on, meeting_id)
            for meeting_id, adopted_on in Resolution.objects.filter(
                meeting__isnull=False, status__in=("adopted", "amended"), organization_id=F("meeting__cell_id")
            ).values_list("meeting_id", "adopted_on")
        ]
    numbered = set(DocumentNumber.objects.values_list("meeting_id", "doc_type"))
    meetings = {m.pk: m for m in Meeting.objects.filter(pk__in={a[2] for a in adopted}).only("cell_id", "scheduled_at")}
    first: dict[tuple[int, str], Any] = {}  # an amended resolution and its amendments: the first adoption (a
    # time for minutes, a day for a resolution: compared within one type only)
    for doc_type, when, meeting_id in adopted:
        if (meeting_id, doc_type) in numbered:
            continue
        meeting = meetings[meeting_id]
        if when is None:  # adopted at the meeting
            when = meeting.scheduled_at if doc_type == documents.DOC_MINUTES else meeting_day(meeting)
        key = (meeting_id, doc_type)
        first[key] = min(first.get(key, when), when)
    todo = [
        (doc_type, when, meetings[meeting_id].scheduled_at, meeting_id)
        for (meeting_id, doc_type), when in first.items()
    ]
    last: dict[tuple[int, str, int], int] = {}
    for cell_id, doc_type, term, number in DocumentNumber.objects.values_list(
        "cell_id", "doc_type", "term_start_year", "number"
    ):
        last[(cell_id, doc_type, term)] = max(number, last.get((cell_id, doc_type, term), 0))
    rows = []
    for doc_type, _when, _at, meeting_id in sorted(todo):
        meeting = meetings[meeting_id]
        term = rules_docs.term_start_year(meeting_day(meeting))
        series = (meeting.cell_id, doc_type, term)
        last[series] = last.get(series, 0) + 1
        rows.append(
            DocumentNumber(
                cell_id=meeting.cell_id,
                doc_type=doc_type,
                term_start_year=term,
                number=last[series],
                meeting_id=meeting_id,
            )
        )
    DocumentNumber.objects.bulk_create(rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------- letterhead


@dataclass(frozen=True)
class Letterhead:
    """The header blocks of every document and printed page of a meeting."""

    superior: str  # the committee above the cell, as named ("Đảng bộ xã An")
    issuer: str  # the cell ("Chi bộ 21")
    place: str  # locality for the place-and-date line
    day: date

    @property
    def superior_caps(self) -> str:
        return documents.heading_name(self.superior)

    @property
    def issuer_caps(self) -> str:
        return documents.heading_name(self.issuer)

    @property
    def place_date(self) -> str:
        return documents.place_and_date(self.place, self.day)

    @property
    def party(self) -> str:
        return documents.PARTY


def letterhead(meeting: Meeting) -> Letterhead:
    """One query: the cell's ancestors by their paths (the cell itself comes with the meeting)."""
    cell = meeting.cell
    step = Organization.steplen
    paths = [cell.path[:end] for end in range(step, len(cell.path), step)]
    ancestors = sorted(Organization.objects.filter(path__in=paths).only("path", "name"), key=lambda o: -len(o.path))
    superior = ancestors[0].name if ancestors else ""
    place = documents.locality([cell.name, *(o.name for o in ancestors)]) or nfc(meeting.place)
    return Letterhead(superior=superior, issuer=cell.name, place=place, day=meeting_day(meeting))


def secretary_name(meeting: Meeting) -> str:
    """The cell's secretary on the meeting's date, else the member who presided."""
    day = meeting_day(meeting)
    role = (
        CellRole.objects.filter(cell_id=meeting.cell_id, office=CellRole.Office.SECRETARY, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("member")
        .order_by("-starts_on", "-pk")
        .first()
    )
    if role is not None:
        return role.member.full_name
    presiding = meeting.presiding
    return presiding.full_name if presiding is not None else ""


def _recipients(head: Letterhead) -> list[str]:
    return [documents.committee_recipient(head.superior), documents.CELL_MEMBERS, documents.CELL_FILE]


# ---------------------------------------------------------------------------------------------- .docx


def minutes_export(*, meeting: Meeting, minutes: Minutes) -> bytes:
    """The minutes as .docx: final once adopted, with the number issued then; otherwise marked as a draft without a
    number. Reads only."""
    final = minutes.status == Minutes.Status.ADOPTED
    number = document_number(meeting=meeting, doc_type=documents.DOC_MINUTES) if final else None
    head = letterhead(meeting)
    presiding, minute_taker = meeting.presiding, meeting.minute_taker
    officer = presiding.full_name if presiding is not None else ""
    taker = minute_taker.full_name if minute_taker is not None else ""
    spec = documents.DocumentSpec(
        superior=head.superior,
        issuer=head.issuer,
        number=documents.number_line(number=number, doc_type=documents.DOC_MINUTES),
        place_date=head.place_date,
        title=documents.MINUTES,
        subject=documents.subject_lines(kind=meeting.kind, day=head.day, topic=meeting.topic),
        body=documents.body_paragraphs(minutes.text),
        signatures=[
            documents.Signature((documents.MINUTE_TAKER,), taker),
            documents.Signature((documents.PRESIDING,), officer),
        ],
        recipients=[documents.committee_recipient(head.superior), documents.CELL_FILE],
        draft=not final,
        file_title=f"{documents.MINUTES} {head.issuer} {head.day:%d/%m/%Y}",
        author=head.issuer,
    )
    return documents.build_docx(spec)


def resolution_vote(meeting: Meeting) -> Vote | None:
    """The latest closed vote on the resolution."""
    return (
        Vote.objects.filter(meeting=meeting, purpose=Vote.Purpose.RESOLUTION, status=Vote.Status.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )


def adopted_vote(meeting: Meeting) -> Vote | None:
    """The vote the cell's resolution of the meeting was adopted on (a later vote at the meeting does not change
    it); for a resolution recorded without its vote (the demo's), the meeting's latest closed vote on the resolution."""
    voted = resolution_reads().adopted_vote_ids(meeting)
    return Vote.objects.filter(pk__in=voted).order_by("pk").first() or resolution_vote(meeting)


def resolution_export(*, meeting: Meeting, draft: MeetingDocument) -> bytes:
    """The resolution as .docx: the draft's text, the tables of tasks and targets when the cell's resolution is
    recorded (read from apps.resolutions through ``resolution_reads``), and, once adopted (numbered then), its number
    and the vote line of the closed vote that passed it; otherwise marked as a draft without a number. Reads only."""
    number = document_number(meeting=meeting, doc_type=documents.DOC_RESOLUTION)
    vote = adopted_vote(meeting) if number is not None else None
    result = queries.vote_result(vote) if vote is not None else None
    final = number is not None
    head = letterhead(meeting)
    closing = (
        [documents.vote_line(approving=result.approving, eligible=result.eligible, percent=result.percent)]
        if result is not None and result.passed
        else []
    )
    spec = documents.DocumentSpec(
        superior=head.superior,
        issuer=head.issuer,
        number=documents.number_line(number=number, doc_type=documents.DOC_RESOLUTION),
        place_date=head.place_date,
        title=documents.RESOLUTION,
        subject=documents.subject_lines(kind=meeting.kind, day=head.day, topic=meeting.topic),
        body=documents.body_paragraphs(draft.text),
        tables=resolution_reads().document_tables(meeting),
        closing=closing,
        signatures=[documents.Signature((documents.ON_BEHALF, documents.SECRETARY), secretary_name(meeting))],
        recipients=_recipients(head),
        draft=not final,
        file_title=f"{documents.RESOLUTION} {head.issuer} {head.day:%d/%m/%Y}",
        author=head.issuer,
    )
    return documents.build_docx(spec)


# ---------------------------------------------------------------------------------------------- paper sheet


@dataclass(frozen=True)
class PaperMark:
    member: Member
    status: str
    reason: str = ""


@transaction.atomic
def attendance_paper_save(*, meeting: Meeting, marks: Sequence[PaperMark], by) -> int:
    """Enter a paper attendance sheet: every mark is saved, or none.

    Works after the meeting has ended, until the minutes are adopted. Marks equal to what is recorded are left as
    they are (a QR check-in keeps its origin). Errors name the row: ``status_<member id>`` / ``reason_<member id>``.
    Returns the number of marks written."""
    require_open(meeting)
    recorded = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    errors: dict[str, list[str]] = {}
    written = 0
    for mark in marks:
        reason = nfc(mark.reason)
        current = recorded.get(mark.member.pk)
        if current is not None and current.status == mark.status and current.reason == reason:
            continue
        try:
            services_live.attendance_mark(
                meeting=meeting, member=mark.member, status=mark.status, reason=reason, by=by, via=Attendance.Via.PAPER
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    field = name if name in ("status", "reason") else "status"
                    errors.setdefault(f"{field}_{mark.member.pk}", []).extend(messages)
            else:
                errors.setdefault(f"status_{mark.member.pk}", []).extend(exc.messages)
        else:
            written += 1
    if errors:
        raise ValidationError(errors)  # the transaction rolls back: nothing half-saved
    return written
