"""Reads of a meeting's documents: the draft resolution to export, the printed attendance sheet and agenda."""

from __future__ import annotations

from apps.common.scoping import VIEW
from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.queries import meeting as queries


def draft_resolution(user, meeting: Meeting) -> MeetingDocument | None:
    """The meeting's latest draft resolution that ``user`` may see: the .docx is built from it."""
    return (
        MeetingDocument.objects.visible_to(user, VIEW)
        .filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def attendance_sheet(meeting: Meeting) -> dict:
    """The roll call as the printed sheet shows it, with the figures once anyone is marked (5 queries)."""
    rows = queries.roll_call(meeting)
    marked = any(row.attendance for row in rows)
    return {"rows": rows, "marked": marked, "summary": queries.summary(rows) if marked else None}


def agenda_sections(meeting: Meeting) -> list[tuple[str, list[tuple[int, AgendaItem]]]]:
    """The agenda by section, with one numbering through the sections as it is read out (1 query)."""
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    sections, number = [], 0
    for value, label in AgendaItem.Section.choices:
        lines = []
        for item in (i for i in items if i.section == value):
            number += 1
            lines.append((number, item))
        if lines:
            sections.append((str(label), lines))
    return sections
