"""Test helpers for meetings: a meeting of the world's cell A1 at a given time."""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import Meeting
from .services import meeting_create


def make_meeting(
    cell, *, kind: str = "regular", when: datetime | None = None, topic: str = "", place: str = "Nhà văn hóa khu 1"
) -> Meeting:
    when = when or timezone.now() + timedelta(days=3)
    return meeting_create(
        cell=cell,
        kind=kind,
        scheduled_at=when,
        place=place,
        topic=topic or ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" if kind == "thematic" else ""),
    )
