"""Verbs of how a person follows the meetings outside chibo: the private iCalendar feed's address, and which
e-mails they receive."""

from __future__ import annotations

from django.db import transaction

from apps.meetings.models import CalendarFeed, NotificationPreference, new_token


@transaction.atomic
def calendar_feed_create(*, user) -> CalendarFeed:
    """Give the user a feed token, or a new one (the old address stops working)."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_token()
        feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


@transaction.atomic
def notification_preference_save(*, user, calendar: bool, reminders: bool, preparation: bool) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"calendar": calendar, "reminders": reminders, "preparation": preparation}
    )
    return pref
