"""Core verbs of a meeting shared by every feature: create it with its agenda."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import AgendaItem, AnnualCalendar, Meeting
from apps.meetings.rules import agenda
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
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, section=section, title=title)
            for i, (section, title) in enumerate(agenda.template_for(kind), start=1)
        )
    return meeting
