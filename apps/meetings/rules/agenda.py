"""Agenda templates following the order of business of Hướng dẫn 42-HD/BTCTW (DOMAIN.md §5).

Titles are stored on each meeting's AgendaItem rows (in Vietnamese, as they appear in the minutes); a template
change never rewrites past meetings."""

from django.utils.translation import gettext_lazy as _

# (section, title)
REGULAR = [
    ("opening", _("Opening: reason for the meeting, introduction of guests")),
    ("opening", _("Appointment of the minute-taker")),
    ("opening", _("Membership report: official, probationary, exempted; present; absent with and without reason")),
    ("opening", _("Party dues report")),
    ("opening", _("Adoption of the agenda")),
    ("body", _("Report on last month's tasks against the previous resolution")),
    ("body", _("News and documents of the higher levels")),
    ("body", _("Discussion")),
    ("body", _("Praise and criticism of members")),
    ("closing", _("Summary and tasks for next month, with owners and deadlines")),
    ("closing", _("Vote on the resolution")),
    ("closing", _("Scoring the quality of the meeting")),
    ("closing", _("Reading back and adopting the minutes")),
]

THEMATIC = [
    ("opening", _("Opening: reason for the meeting, introduction of guests")),
    ("opening", _("Appointment of the minute-taker")),
    ("opening", _("Membership report: official, probationary, exempted; present; absent with and without reason")),
    ("opening", _("Adoption of the agenda")),
    ("body", _("Presentation of the lead paper on the topic")),
    ("body", _("Discussion of the topic")),
    ("closing", _("Conclusion of the thematic meeting")),
    ("closing", _("Vote on the conclusion")),
    ("closing", _("Scoring the quality of the meeting")),
    ("closing", _("Reading back and adopting the minutes")),
]

BOARD = [
    ("opening", _("Opening")),
    ("body", _("Review of the draft report and draft resolution")),
    ("body", _("Preparation of the cell meeting: content, guests, assignments")),
    ("closing", _("Conclusion")),
]

TEMPLATES = {"regular": REGULAR, "thematic": THEMATIC, "board": BOARD}


def template_for(kind: str) -> list[tuple[str, str]]:
    return [(section, str(title)) for section, title in TEMPLATES[kind]]
