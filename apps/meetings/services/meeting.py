"""Core verbs of a meeting shared by every feature: create it with its agenda; and the one seam through which the
resolutions app (above meetings) tells the meetings' services about a meeting's resolution."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.text import nfc
from apps.meetings.models import AgendaItem, AnnualCalendar, Meeting, Vote
from apps.meetings.queries import live as queries_live
from apps.meetings.rules import agenda
from apps.meetings.rules.documents import TableSpec
from apps.orgs.models import Organization


@transaction.atomic
def meeting_create(
    *,
    cell: Organization,
    kind: str,
    scheduled_at: datetime,
    place: str = "",
    topic: str = "",
    calendar: AnnualCalendar | None = None,
    prepares: Meeting | None = None,
) -> Meeting:
    """Create a meeting with the agenda of its kind (regular, thematic, board)."""
    if cell.kind != Organization.Kind.CELL:
        raise ValidationError({"cell": _("Meetings are held by a party cell.")})
    if kind == Meeting.Kind.THEMATIC and not nfc(topic):
        raise ValidationError({"topic": _("A thematic meeting needs its topic.")})
    meeting = Meeting(
        cell=cell,
        kind=kind,
        scheduled_at=scheduled_at,
        place=nfc(place),
        topic=nfc(topic),
        calendar=calendar,
        prepares=prepares,
    )
    meeting.full_clean(exclude=["checkin_token"])
    meeting.save()
    with translation.override("vi"):  # agenda titles are stored as they will read in the minutes
        audit.bulk_create(
            AgendaItem,
            [
                AgendaItem(meeting=meeting, position=i, section=section, title=title)
                for i, (section, title) in enumerate(agenda.template_for(kind), start=1)
            ],
        )
    return meeting


# ---------------------------------------------------------------------------------------------- the resolution


class MeetingResolution:
    """What the meetings' services read about the cell's resolution of a meeting (its votes, its .docx).

    Resolutions sit above meetings (docs/decisions/0007-layout.md): meetings never import them. apps.resolutions
    gives its reads when its app is ready (``resolution_reads_set``); until then a meeting has no resolution."""

    def adopted_on(self, vote: Vote) -> bool:
        """Whether a resolution was adopted on the vote (the vote can then no longer be voided)."""
        return False

    def adopted_vote_ids(self, meeting: Meeting) -> Iterable[int]:
        """The votes the cell's resolution of the meeting was adopted on (a subquery, or ids)."""
        return []

    def document_tables(self, meeting: Meeting) -> list[TableSpec]:
        """The tasks and targets of the cell's resolution of the meeting, as tables of its .docx."""
        return []


_reads: list[MeetingResolution] = [MeetingResolution()]


def resolution_reads_set(reads: MeetingResolution) -> None:
    """Called once by apps.resolutions when it is ready."""
    _reads[0] = reads


def resolution_reads() -> MeetingResolution:
    return _reads[0]


def require_open(meeting: Meeting) -> None:
    """Refuse a change to the record of a cancelled meeting or of one whose minutes are adopted (the live
    meeting, votes, the paper sheet, preparation)."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if queries_live.minutes_adopted(meeting):
        raise ValidationError(_("The minutes are adopted: the record can no longer change."))
