"""Verbs of the annual calendar (DOMAIN.md §4): the cell's rule, generating the year, editing a planned meeting,
submitting to and registering with the committee above; members' apologies.

Mail goes through ``mail.send`` (after commit, honouring each user's NotificationPreference); the reminders before
a meeting are services/reminders.py.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.common import rules as common_rules
from apps.common.text import nfc
from apps.meetings import permissions
from apps.meetings.models import AnnualCalendar, Apology, Attendance, Meeting, MeetingRule
from apps.meetings.rules import calendar as meeting_rules_calendar
from apps.meetings.rules.holidays import holiday_checker
from apps.meetings.services import mail
from apps.meetings.services.meeting import meeting_create
from apps.members.models import Member
from apps.orgs.models import Organization

PLANNABLE_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC)


# ---------------------------------------------------------------------------------------------- helpers


def _as_time(value) -> time:
    """The rule's start time (a model default is the string "19:30" until the row is read back)."""
    return time.fromisoformat(value) if isinstance(value, str) else value


def local_datetime(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def apology_open(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """An apology is sent before the meeting starts."""
    now = now or timezone.now()
    return meeting.status == Meeting.Status.PLANNED and meeting.started_at is None and meeting.scheduled_at > now


# ---------------------------------------------------------------------------------------------- the cell's rule


def meeting_rule_for(*, cell: Organization) -> MeetingRule:
    """The cell's rule, created with the defaults (day 5, 19:30, thematic in the 2nd month) when missing."""
    if cell.kind != Organization.Kind.CELL:
        raise ValidationError(_("Only a party cell has a meeting calendar."))
    rule, _created = MeetingRule.objects.get_or_create(cell=cell)
    rule.start_time = _as_time(rule.start_time)
    return rule


@transaction.atomic
def meeting_rule_save(
    *, cell: Organization, day_of_month: int, start_time: time, place: str, thematic_month_of_quarter: int
) -> MeetingRule:
    rule = meeting_rule_for(cell=cell)
    rule.day_of_month = day_of_month
    rule.start_time = start_time
    rule.place = nfc(place)
    rule.thematic_month_of_quarter = thematic_month_of_quarter
    rule.full_clean()
    rule.save()
    return rule


# ---------------------------------------------------------------------------------------------- the calendar


@transaction.atomic
def calendar_generate(*, cell: Organization, year: int, by) -> AnnualCalendar:
    """Create the year's draft calendar from the cell's rule: twelve regular meetings on the rule's day (moved to
    the next working day), and one thematic meeting per quarter sharing the session of the regular meeting of the
    rule's month. Meetings the cell already planned that year are adopted and not duplicated."""
    rule = meeting_rule_for(cell=cell)
    calendar, created = AnnualCalendar.objects.select_for_update().get_or_create(cell=cell, year=year)
    if calendar.status != AnnualCalendar.Status.DRAFT:
        raise ValidationError(
            _("The %(year)s calendar has already been submitted; it cannot be generated again.") % {"year": year}
        )
    if not created and calendar.meetings.exists():
        raise ValidationError(
            _("The %(year)s calendar of this cell has already been generated; edit its meetings instead.")
            % {"year": year}
        )
    planned = list(
        Meeting.objects.filter(cell=cell, scheduled_at__year=year, kind__in=PLANNABLE_KINDS).exclude(
            status=Meeting.Status.CANCELLED
        )
    )
    for meeting in planned:
        if meeting.calendar_id is None:
            meeting.calendar = calendar
            meeting.save(update_fields=["calendar"])
    months_held = {timezone.localtime(m.scheduled_at).month for m in planned if m.kind == Meeting.Kind.REGULAR}
    quarters_open = set(
        meeting_rules_calendar.quarters_without_thematic(
            [timezone.localtime(m.scheduled_at).date() for m in planned if m.kind == Meeting.Kind.THEMATIC], year
        )
    )
    thematic_months = set(meeting_rules_calendar.thematic_months(rule.thematic_month_of_quarter))
    days = meeting_rules_calendar.monthly_dates(year, rule.day_of_month, holiday_checker(year))
    with translation.override(settings.LANGUAGE_CODE):  # the placeholder topic is stored as it will read
        for month, day in enumerate(days, start=1):
            at = local_datetime(day, rule.start_time)
            if month not in months_held:
                meeting_create(
                    cell=cell, kind=Meeting.Kind.REGULAR, scheduled_at=at, place=rule.place, calendar=calendar
                )
            quarter = meeting_rules_calendar.quarter_of(date(year, month, 1))
            if month in thematic_months and quarter in quarters_open:
                meeting_create(
                    cell=cell,
                    kind=Meeting.Kind.THEMATIC,
                    scheduled_at=at,
                    place=rule.place,
                    topic=_("Thematic meeting, quarter %(quarter)s") % {"quarter": quarter},
                    calendar=calendar,
                )
    return calendar


def _calendar_lines(calendar: AnnualCalendar) -> str:
    meetings = calendar.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("scheduled_at", "kind", "pk")
    return "\n".join(f"- {mail.describe(m)}" for m in meetings)


@transaction.atomic
def calendar_submit(*, calendar: AnnualCalendar, by) -> AnnualCalendar:
    """Send the draft calendar to the committee above (its staff are told by e-mail)."""
    calendar = AnnualCalendar.objects.select_for_update().select_related("cell").get(pk=calendar.pk)
    if calendar.status != AnnualCalendar.Status.DRAFT:
        raise ValidationError(_("Only a draft calendar can be submitted."))
    meetings = list(calendar.meetings.filter(kind__in=PLANNABLE_KINDS).exclude(status=Meeting.Status.CANCELLED))
    if not meetings:
        raise ValidationError(_("The calendar has no meetings yet."))
    missing = meeting_rules_calendar.quarters_without_thematic(
        [timezone.localtime(m.scheduled_at).date() for m in meetings if m.kind == Meeting.Kind.THEMATIC],
        calendar.year,
    )
    if missing:
        raise ValidationError(
            _("Every quarter needs at least one thematic meeting; missing in quarter %(quarters)s.")
            % {"quarters": ", ".join(map(str, missing))}
        )
    calendar.status = AnnualCalendar.Status.SUBMITTED
    calendar.submitted_at = timezone.now()
    calendar.submitted_by = by
    calendar.full_clean()
    calendar.save()
    mail.send(
        mail.committee_staff_users(calendar.cell, timezone.localdate()),
        "calendar",
        _("%(cell)s submitted its meeting calendar for %(year)s") % {"cell": calendar.cell.name, "year": calendar.year},
        mail.compose(
            _("%(cell)s submitted its meeting calendar for %(year)s for registration:")
            % {"cell": calendar.cell.name, "year": calendar.year},
            _calendar_lines(calendar),
            mail.site_link("meetings:calendar", calendar.cell_id, calendar.year),
        ),
        organization=calendar.cell,
    )
    return calendar


@transaction.atomic
def calendar_register(*, calendar: AnnualCalendar, by) -> AnnualCalendar:
    """The committee above registers a submitted calendar; the cell's members receive it by e-mail."""
    calendar = AnnualCalendar.objects.select_for_update().select_related("cell").get(pk=calendar.pk)
    if not permissions.registers_calendar(by, calendar):
        raise PermissionDenied
    if calendar.status != AnnualCalendar.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted calendar can be registered."))
    calendar.status = AnnualCalendar.Status.REGISTERED
    calendar.registered_at = timezone.now()
    calendar.registered_by = by
    calendar.full_clean()
    calendar.save()
    mail.send(
        mail.cell_users(calendar.cell_id),
        "calendar",
        _("Meeting calendar %(year)s of %(cell)s") % {"cell": calendar.cell.name, "year": calendar.year},
        mail.compose(
            _("The meeting calendar of %(cell)s for %(year)s has been registered with the committee:")
            % {"cell": calendar.cell.name, "year": calendar.year},
            _calendar_lines(calendar),
            mail.site_link("meetings:mine"),
        ),
        organization=calendar.cell,
    )
    return calendar


# ---------------------------------------------------------------------------------------------- planned meetings


def _members_told(meeting: Meeting) -> bool:
    """Members know of a meeting once its calendar left the draft stage, or at once for a meeting outside any."""
    return meeting.calendar is None or meeting.calendar.status != AnnualCalendar.Status.DRAFT


def _require_plausible_date(scheduled_at: datetime) -> None:
    """A meeting's date within a few years of today (apps.common.rules): 01/01/0001 is a slip of the finger."""
    low, high = common_rules.meeting_dates(timezone.localdate())
    try:
        day = timezone.localtime(scheduled_at).date()
    except (OverflowError, ValueError):  # so far from today that the time zone cannot convert it
        day = None
    if day is None or not low <= day <= high:
        raise ValidationError(
            {
                "scheduled_at": _("Enter a date from %(low)s to %(high)s.")
                % {"low": f"{low:%d/%m/%Y}", "high": f"{high:%d/%m/%Y}"}
            }
        )


@transaction.atomic
def calendar_meeting_add(
    *, cell: Organization, kind: str, scheduled_at: datetime, place: str = "", topic: str = "", by
) -> Meeting:
    """An extra meeting (e.g. a second thematic meeting), attached to the year's calendar when there is one."""
    if kind not in PLANNABLE_KINDS:
        raise ValidationError({"kind": _("Choose a regular or a thematic meeting.")})
    _require_plausible_date(scheduled_at)
    year = timezone.localtime(scheduled_at).year
    calendar = AnnualCalendar.objects.filter(cell=cell, year=year).first()
    meeting = meeting_create(
        cell=cell, kind=kind, scheduled_at=scheduled_at, place=place, topic=topic, calendar=calendar
    )
    if _members_told(meeting) and scheduled_at > timezone.now():
        mail.send(
            mail.cell_users(cell.pk),
            "calendar",
            _("New meeting of %(cell)s on %(date)s")
            % {"cell": cell.name, "date": f"{timezone.localtime(scheduled_at):%d/%m/%Y}"},
            mail.compose(
                _("A meeting has been added to the calendar of %(cell)s:") % {"cell": cell.name},
                f"- {mail.describe(meeting)}",
                mail.site_link("meetings:mine"),
            ),
            meeting=meeting,
        )
    return meeting


@transaction.atomic
def calendar_meeting_update(*, meeting: Meeting, scheduled_at: datetime, place: str, topic: str, by) -> Meeting:
    """Change the date, time, place or topic of a planned meeting.

    A new date on a meeting members already know of (submitted or registered calendar, or a meeting outside any
    calendar) that is still ahead is recorded in ``date_changed_at`` and e-mailed to the cell's members; the
    reminder is sent again for the new date."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("cell", "calendar").get(pk=meeting.pk)
    if meeting.is_closed or meeting.started_at is not None:
        raise ValidationError(_("This meeting has started or ended; its plan can no longer be changed."))
    _require_plausible_date(scheduled_at)
    place, topic = nfc(place), nfc(topic)
    if meeting.kind == Meeting.Kind.THEMATIC and not topic:
        raise ValidationError({"topic": _("A thematic meeting needs its topic.")})
    if meeting.calendar is not None and timezone.localtime(scheduled_at).year != meeting.calendar.year:
        raise ValidationError(
            {
                "scheduled_at": _("A meeting of the %(year)s calendar stays in %(year)s.")
                % {"year": meeting.calendar.year}
            }
        )
    now = timezone.now()
    old_at = meeting.scheduled_at
    moved = scheduled_at != old_at
    notify = moved and max(old_at, scheduled_at) > now and _members_told(meeting)
    meeting.scheduled_at, meeting.place, meeting.topic = scheduled_at, place, topic
    if moved:
        meeting.reminder_sent_at = None
    if notify:
        meeting.date_changed_at = now
    meeting.full_clean(exclude=["checkin_token"])
    meeting.save()
    if notify:
        old = timezone.localtime(old_at)
        mail.send(
            mail.cell_users(meeting.cell_id),
            "calendar",
            _("Meeting of %(cell)s moved to %(date)s")
            % {"cell": meeting.cell.name, "date": f"{timezone.localtime(scheduled_at):%d/%m/%Y %H:%M}"},
            mail.compose(
                _("The meeting of %(cell)s planned for %(old)s has been moved:")
                % {"cell": meeting.cell.name, "old": f"{old:%d/%m/%Y %H:%M}"},
                f"- {mail.describe(meeting)}",
                mail.site_link("meetings:mine"),
            ),
            meeting=meeting,
        )
    return meeting


# ---------------------------------------------------------------------------------------------- apologies


@transaction.atomic
def apology_submit(*, meeting: Meeting, member: Member, reason: str) -> Apology:
    """A member's notice of absence with a reason, before the meeting starts; one per meeting."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for your absence.")})
    if not member.active or member.cell_id != meeting.cell_id:
        raise ValidationError(_("Only members of the meeting's cell can send an apology."))
    if not apology_open(meeting):
        raise ValidationError(_("An apology can only be sent before the meeting starts."))
    if Apology.objects.filter(meeting=meeting, member=member).exists():
        raise ValidationError(_("You have already sent an apology for this meeting."))
    apology = Apology(meeting=meeting, member=member, reason=reason)
    apology.full_clean(exclude=["decided_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            apology.save()
    except IntegrityError as exc:  # a second tab sent it at the same moment
        raise ValidationError(_("You have already sent an apology for this meeting.")) from exc
    return apology


@transaction.atomic
def apology_decide(*, apology: Apology, accept: bool, by) -> Apology:
    """The secretary accepts an apology (the member is marked absent with reason) or does not."""
    apology = Apology.objects.select_for_update().select_related("meeting", "member").get(pk=apology.pk)
    if apology.decision != Apology.Decision.PENDING:
        raise ValidationError(_("This apology has already been decided."))
    if apology.meeting.is_closed:
        raise ValidationError(_("The meeting is over; its attendance can no longer change."))
    if accept:
        came = Attendance.objects.filter(
            meeting=apology.meeting,
            member=apology.member,
            status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE],
        ).exists()
        if came:
            raise ValidationError(_("The member is already marked present at this meeting."))
        Attendance.objects.update_or_create(
            meeting=apology.meeting,
            member=apology.member,
            defaults={
                "status": Attendance.Status.EXCUSED,
                "reason": apology.reason,
                "via": Attendance.Via.APOLOGY,
                "marked_by": by,
            },
        )
    apology.decision = Apology.Decision.ACCEPTED if accept else Apology.Decision.REJECTED
    apology.decided_at = timezone.now()
    apology.decided_by = by
    apology.save()
    return apology
