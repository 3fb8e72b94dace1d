"""Meetings (sinh hoạt chi bộ): the annual calendar, preparation, the live record, votes, minutes, documents.

Everything hangs off a cell; each model names its path to the cell's organisation (``scope_path``) and uses
the one scoping queryset, so another cell's meeting is simply not found.

The tables, one module per feature (docs/decisions/0007-layout.md); every model is imported from here,
``apps.meetings.models``: ``meeting`` (the meeting, its agenda and documents), ``calendar`` (the year's calendar, the
cell's rule, each person's mail and feed choices), ``live`` (attendance, apologies, guests, speakers), ``votes``,
``minutes`` and ``docs`` (the numbers issued to documents).
"""

from apps.meetings.models.calendar import AnnualCalendar, CalendarFeed, MeetingRule, NotificationPreference
from apps.meetings.models.docs import DocumentNumber
from apps.meetings.models.live import Apology, Attendance, Guest, Speech
from apps.meetings.models.meeting import AgendaItem, Meeting, MeetingDocument, new_token
from apps.meetings.models.minutes import Minutes, MinutesVersion
from apps.meetings.models.votes import BallotReceipt, SealedBallot, Vote

__all__ = [
    "AgendaItem",
    "AnnualCalendar",
    "Apology",
    "Attendance",
    "BallotReceipt",
    "CalendarFeed",
    "DocumentNumber",
    "Guest",
    "Meeting",
    "MeetingDocument",
    "MeetingRule",
    "Minutes",
    "MinutesVersion",
    "NotificationPreference",
    "SealedBallot",
    "Speech",
    "Vote",
    "new_token",
]
