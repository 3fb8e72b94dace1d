"""Reads of the minutes: a meeting's minutes as the user may see them, the facts they are generated from, their
history."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from apps.meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes, MinutesVersion, Speech, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import live as rules_live
from apps.meetings.rules import minutes as minutes_text
from apps.members.models import Member


def minutes_of(user, meeting: Meeting) -> Minutes | None:
    """The meeting's minutes if the user may see them (queries.meeting.minutes_for), else None: not written yet."""
    return queries.minutes_for(user).filter(meeting=meeting).first()


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def minutes_data(meeting: Meeting) -> minutes_text.MinutesData:
    """The record of a meeting as the plain data the minutes are generated from (8 queries whatever its size)."""
    meeting = Meeting.objects.select_related("cell", "presiding", "minute_taker").get(pk=meeting.pk)
    rows = queries.roll_call(meeting)
    own = [r for r in rows if not r.visiting]  # members of other cells attached here are not the cell's
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        Prefetch(
            "speeches",
            queryset=Speech.objects.select_related("member", "guest").order_by("position", "pk"),
        )
    )
    draft = (
        MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    votes = list(queries.with_receipts(Vote.objects.filter(meeting=meeting)).order_by("opened_at", "pk"))
    return minutes_text.MinutesData(
        scheduled_at=timezone.localtime(meeting.scheduled_at),
        started_at=_local(meeting.started_at),
        ended_at=_local(meeting.ended_at),
        place=meeting.place,
        presiding=meeting.presiding.full_name if meeting.presiding else "",
        minute_taker=meeting.minute_taker.full_name if meeting.minute_taker else "",
        attendance=queries.summary(rows),
        official=sum(1 for r in own if r.member.status == Member.Status.OFFICIAL),
        probationary=sum(1 for r in own if r.member.status == Member.Status.PROBATIONARY),
        exempt_names=tuple(r.member.full_name for r in own if r.status == rules_live.EXEMPT),
        attached_names=tuple((r.member.full_name, r.attached_to) for r in own if r.status == rules_live.ATTACHED),
        visiting_names=tuple(
            (r.member.full_name, r.visiting_from)
            for r in rows
            if r.visiting and r.status in (rules_live.PRESENT, rules_live.LATE)
        ),
        late_names=tuple(r.member.full_name for r in own if r.status == rules_live.LATE),
        unmarked_names=tuple(r.member.full_name for r in own if r.status is None),
        absentees=tuple(
            minutes_text.Absentee(
                name=r.member.full_name, status=r.status, reason=r.attendance.reason if r.attendance else ""
            )
            for r in own
            if r.status in (rules_live.EXCUSED, rules_live.UNEXCUSED)
        ),
        guests=tuple((g.name, g.position) for g in meeting.guests.order_by("pk")),
        items=tuple(
            minutes_text.ItemRecord(
                title=item.title,
                speeches=tuple(
                    minutes_text.SpeechLine(speaker=str(s.member or s.guest), remark=s.note)
                    for s in item.speeches.all()
                    if s.spoken or s.note
                ),
                conclusion=item.conclusion,
            )
            for item in items
        ),
        votes=tuple(
            minutes_text.VoteLine(
                question=v.question,
                result=queries.vote_result(v, rows),
                secret=v.method == Vote.Method.SECRET,
                closed=v.status == Vote.Status.CLOSED,
            )
            for v in votes
        ),
        tasks_text=minutes_text.tasks_section(draft.text) if draft else "",
    )


@dataclass
class VersionRow:
    version: MinutesVersion
    diff: list[tuple[str, str]]  # (kind, line without the diff marker): "add", "del", "hunk" or "same"


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    rows = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line if kind == "hunk" else line[1:]))
    return rows


def minutes_history(minutes: Minutes) -> list[VersionRow]:
    """Every version with its author, newest first, each with the diff from the version before (1 query)."""
    versions = list(MinutesVersion.objects.filter(minutes=minutes).select_related("author").order_by("number"))
    rows = [
        VersionRow(version=v, diff=_diff(versions[i - 1].text, v.text) if i else []) for i, v in enumerate(versions)
    ]
    return rows[::-1]
