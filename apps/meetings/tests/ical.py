"""The iCalendar primitives the feed relies on, as the ``icalendar`` package writes them (queries/feed.py builds
the feed with it): TEXT escaping, line folding at 75 octets, a moment in UTC. The tests check that the library
keeps writing what the feed's subscribers read."""

from datetime import UTC, datetime

from icalendar import vDatetime, vText
from icalendar.parser import Contentline


def ical_text(value: str) -> str:
    return vText(value).to_ical().decode()


def ical_fold(line: str) -> str:
    return Contentline(line).to_ical().decode()


def ical_datetime(value: datetime) -> str:
    return vDatetime(value.astimezone(UTC)).to_ical().decode()
