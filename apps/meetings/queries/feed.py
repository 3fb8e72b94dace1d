"""Reads of the private iCalendar feed (RFC 5545, written by the ``icalendar`` package) and of the e-mail
preferences: how a person follows the meetings outside chibo."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from icalendar import Calendar, Event, vText

from apps.common.scoping import MANAGE, allows
from apps.meetings.models import CalendarFeed, Meeting, NotificationPreference

FEED_PAST = timedelta(days=93)
FEED_AHEAD = timedelta(days=400)
FEED_LIMIT = 1000
EVENT_DURATION = timedelta(hours=2)


def feeds() -> QuerySet[CalendarFeed]:
    """The feeds that answer, with their owner: the token is the credential (no login, so calendar apps can
    subscribe), and an account switched off has none."""
    return CalendarFeed.objects.select_related("user").filter(user__is_active=True)


def feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def preference_of(user) -> NotificationPreference:
    """The user's e-mail preferences, or unsaved ones with everything on (no row: every message is sent)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def feed_meetings(user, *, now: datetime) -> list[Meeting]:
    """Meetings the feed's owner may see, from three months back to a year ahead; board pre-meetings only for
    those who manage the cell."""
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(scheduled_at__gte=now - FEED_PAST, scheduled_at__lte=now + FEED_AHEAD)
        .select_related("cell")
        .order_by("scheduled_at", "pk")[:FEED_LIMIT]
    )
    return [m for m in meetings if m.kind != Meeting.Kind.BOARD or allows(user, MANAGE, m.cell.path)]


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def meeting_event(meeting: Meeting, *, url: str = "", domain: str = "chibo") -> FeedEvent:
    summary = f"{meeting.get_kind_display()} · {meeting.cell.name}"
    return FeedEvent(
        uid=f"meeting-{meeting.pk}@{domain}",
        start=meeting.scheduled_at,
        end=meeting.scheduled_at + EVENT_DURATION,
        summary=summary,
        location=meeting.place,
        description=meeting.topic,
        url=url,
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def ical_calendar(events: Iterable[FeedEvent], *, name: str, stamp: datetime) -> str:
    """The calendar as text: times in UTC (no time zone definitions needed), text escaped and long lines folded at
    75 octets by the library."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//chibo//meetings//VI")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", e.start.astimezone(UTC))
        event.add("dtend", e.end.astimezone(UTC))
        event.add("summary", e.summary)
        if e.location:
            event.add("location", e.location)
        if e.description:
            event.add("description", e.description)
        if e.url:
            event.add("url", e.url)
        event.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode()


def feed_text(user, *, now: datetime, name: str, link: Callable[[Meeting], str], domain: str = "chibo") -> str:
    events = [meeting_event(m, url=link(m), domain=domain) for m in feed_meetings(user, now=now)]
    return ical_calendar(events, name=name, stamp=now)
