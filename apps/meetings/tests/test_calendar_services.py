"""The annual calendar's verbs: generating the year from the cell's rule, submitting and registering, editing a
planned meeting (and telling members), apologies, the feed token and the reminders."""

from datetime import date, time, timedelta
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import UserFactory
from apps.meetings import permissions
from apps.meetings.models import (
    AnnualCalendar,
    Apology,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingRule,
    NotificationPreference,
)
from apps.meetings.rules import calendar as rules_calendar
from apps.meetings.rules.holidays import is_holiday
from apps.meetings.services import calendar as services_calendar
from apps.meetings.services import feed as services_feed
from apps.meetings.services import reminders as services_reminders
from apps.meetings.testing import make_meeting
from apps.members.models import CellRole
from apps.members.testing import grant

NEXT = timezone.localdate().year + 1  # a year wholly ahead, so its meetings are "future" whenever tests run


def give_emails(world):
    for name in ("secretary", "member_user", "staff", "supervisor", "inspector", "outsider"):
        user = getattr(world, name)
        user.email = f"{user.username}@example.vn"
        user.save()


def local(meeting):
    return timezone.localtime(meeting.scheduled_at)


def generate(world, year=NEXT):
    return services_calendar.calendar_generate(cell=world.cell_a1, year=year, by=world.secretary)


# ---------------------------------------------------------------------------------------------- generating


@pytest.mark.django_db
def test_generate_the_year_from_the_default_rule(world):
    calendar = generate(world)
    assert calendar.status == AnnualCalendar.Status.DRAFT and calendar.cell == world.cell_a1
    rule = MeetingRule.objects.get(cell=world.cell_a1)  # created with the defaults
    assert (rule.day_of_month, rule.start_time, rule.thematic_month_of_quarter) == (5, time(19, 30), 2)
    regular = [m for m in calendar.meetings.order_by("scheduled_at") if m.kind == "regular"]
    thematic = [m for m in calendar.meetings.order_by("scheduled_at") if m.kind == "thematic"]
    assert [local(m).date() for m in regular] == rules_calendar.monthly_dates(NEXT, 5, is_holiday)
    assert {local(m).time() for m in regular} == {time(19, 30)}
    assert [local(m).month for m in thematic] == [2, 5, 8, 11]
    by_month = {local(m).month: m.scheduled_at for m in regular}
    assert all(m.scheduled_at == by_month[local(m).month] for m in thematic)  # a shared session
    assert [m.topic[-1] for m in thematic] == ["1", "2", "3", "4"]  # "Chuyên đề quý N", for the secretary to edit
    assert all(m.agenda_items.exists() for m in regular + thematic)  # meeting_create built the agendas


@pytest.mark.django_db
def test_generate_follows_the_cells_own_rule_through_tet(world):
    MeetingRule.objects.create(
        cell=world.cell_a1,
        day_of_month=17,
        start_time=time(8, 0),
        place="Hội trường khu 2",
        thematic_month_of_quarter=1,
    )
    calendar = generate(world, year=2026)
    meetings = list(calendar.meetings.order_by("scheduled_at", "kind"))
    february = [m for m in meetings if local(m).month == 2]
    assert [(local(m).date(), m.kind) for m in february] == [(date(2026, 2, 23), "regular")]  # Tết 16–20/02
    assert [local(m).month for m in meetings if m.kind == "thematic"] == [1, 4, 7, 10]
    assert {m.place for m in meetings} == {"Hội trường khu 2"} and {local(m).hour for m in meetings} == {8}


@pytest.mark.django_db
def test_generating_twice_is_refused(world):
    generate(world)
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as exc:
        generate(world)
    assert str(NEXT) in exc.value.messages[0]
    assert Meeting.objects.count() == before


@pytest.mark.django_db
def test_a_submitted_calendar_is_not_generated_again(world):
    AnnualCalendar.objects.create(cell=world.cell_a1, year=NEXT, status=AnnualCalendar.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        generate(world)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_committee_has_no_calendar(world):
    with pytest.raises(ValidationError):
        services_calendar.calendar_generate(cell=world.commune_a, year=NEXT, by=world.staff)
    assert not AnnualCalendar.objects.exists()


@pytest.mark.django_db
def test_meetings_already_planned_are_adopted_not_duplicated(world):
    tz = timezone.get_current_timezone()
    early = make_meeting(world.cell_a1, kind="thematic", when=timezone.datetime(NEXT, 1, 20, 19, 0, tzinfo=tz))
    march = make_meeting(world.cell_a1, when=timezone.datetime(NEXT, 3, 10, 19, 0, tzinfo=tz))
    calendar = generate(world)
    kinds = list(calendar.meetings.values_list("kind", flat=True))
    assert kinds.count("regular") == 12 and kinds.count("thematic") == 4
    assert sum(1 for m in calendar.meetings.all() if m.kind == "regular" and local(m).month == 3) == 1
    early.refresh_from_db()
    march.refresh_from_db()
    assert early.calendar == calendar and march.calendar == calendar
    assert not calendar.meetings.filter(kind="thematic", scheduled_at__month=2).exists()  # Q1 already had one


# ---------------------------------------------------------------------------------------------- submit, register


@pytest.mark.django_db
def test_submit_tells_the_committee_staff(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    province_staff = UserFactory(username="tinh", email="tinh@example.vn")
    grant(province_staff, world.province, Role.COMMITTEE_STAFF)
    calendar = generate(world)
    with django_capture_on_commit_callbacks(execute=True):
        services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    calendar.refresh_from_db()
    assert calendar.status == "submitted" and calendar.submitted_by == world.secretary and calendar.submitted_at
    assert [m.to for m in mailoutbox] == [["canbo@example.vn"]]  # the nearest committee's staff only
    assert "Chi bộ 21" in mailoutbox[0].subject and str(NEXT) in mailoutbox[0].body


@pytest.mark.django_db
def test_submit_needs_a_thematic_meeting_each_quarter(world):
    calendar = generate(world)
    calendar.meetings.filter(kind="thematic", scheduled_at__month=8).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    assert "3" in exc.value.messages[0]
    calendar.refresh_from_db()
    assert calendar.status == "draft" and calendar.submitted_at is None


@pytest.mark.django_db
def test_submit_twice_or_empty_is_refused(world):
    empty = AnnualCalendar.objects.create(cell=world.cell_a2, year=NEXT)
    with pytest.raises(ValidationError):
        services_calendar.calendar_submit(calendar=empty, by=world.staff)
    calendar = generate(world)
    services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    with pytest.raises(ValidationError):
        services_calendar.calendar_submit(calendar=calendar, by=world.secretary)


@pytest.mark.django_db
def test_register_by_the_committee_sends_the_calendar_to_members(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    calendar = generate(world)
    services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        services_calendar.calendar_register(calendar=calendar, by=world.staff)
    calendar.refresh_from_db()
    assert calendar.status == "registered" and calendar.registered_by == world.staff
    assert sorted(m.to[0] for m in mailoutbox) == ["bithu@example.vn", "dangvien@example.vn"]
    assert mailoutbox[0].body.count("\n- ") == 16  # twelve regular and four thematic meetings


@pytest.mark.django_db
def test_messages_link_to_the_site_when_its_address_is_set(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    give_emails(world)
    settings.SITE_URL = "https://chibo.example.vn/"
    calendar = generate(world)
    services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        services_calendar.calendar_register(calendar=calendar, by=world.staff)
    assert mailoutbox[0].body.rstrip().endswith("https://chibo.example.vn/meetings/mine/")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secretary", "supervisor", "inspector", "member_user", "outsider"])
def test_only_the_committee_above_registers(world, persona):
    calendar = generate(world)
    services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    with pytest.raises(PermissionDenied):
        services_calendar.calendar_register(calendar=calendar, by=getattr(world, persona))
    calendar.refresh_from_db()
    assert calendar.status == "submitted" and calendar.registered_at is None


@pytest.mark.django_db
def test_register_needs_a_submitted_calendar(world):
    calendar = generate(world)
    with pytest.raises(ValidationError):
        services_calendar.calendar_register(calendar=calendar, by=world.staff)


@pytest.mark.django_db
def test_register_predicate(world):
    """The committee above registers; the cell's own secretary, a supervisor or an outsider cannot."""
    calendar = AnnualCalendar.objects.create(cell=world.cell_a1, year=2027)
    assert permissions.registers_calendar(world.staff, calendar)
    for persona in (world.secretary, world.supervisor, world.inspector, world.outsider, world.member_user):
        assert not permissions.registers_calendar(persona, calendar)


# ---------------------------------------------------------------------------------------------- editing meetings


def registered(world):
    calendar = generate(world)
    services_calendar.calendar_submit(calendar=calendar, by=world.secretary)
    return services_calendar.calendar_register(calendar=calendar, by=world.staff)


def edit(meeting, world, **changes):
    fields = {"scheduled_at": meeting.scheduled_at, "place": meeting.place, "topic": meeting.topic, **changes}
    return services_calendar.calendar_meeting_update(meeting=meeting, by=world.secretary, **fields)


@pytest.mark.django_db
def test_a_new_date_on_a_registered_calendar_is_mailed(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    NotificationPreference.objects.create(user=world.member_user, calendar=False)
    calendar = registered(world)
    meeting = calendar.meetings.filter(kind="regular").order_by("scheduled_at").last()
    meeting.reminder_sent_at = timezone.now()
    meeting.save()
    mailoutbox.clear()
    new_at = meeting.scheduled_at + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        edit(meeting, world, scheduled_at=new_at, place="Nhà bác Ba")
    meeting.refresh_from_db()
    assert meeting.scheduled_at == new_at and meeting.place == "Nhà bác Ba"
    assert meeting.date_changed_at is not None and meeting.reminder_sent_at is None
    assert [m.to for m in mailoutbox] == [["bithu@example.vn"]]  # the member switched calendar mail off
    assert f"{timezone.localtime(new_at):%d/%m/%Y}" in mailoutbox[0].body


@pytest.mark.django_db
def test_editing_a_draft_calendar_tells_nobody(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    meeting = generate(world).meetings.first()
    with django_capture_on_commit_callbacks(execute=True):
        edit(meeting, world, scheduled_at=meeting.scheduled_at + timedelta(hours=1))
    meeting.refresh_from_db()
    assert meeting.date_changed_at is None and mailoutbox == []


@pytest.mark.django_db
def test_a_new_place_alone_is_not_a_date_change(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    meeting = registered(world).meetings.first()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(meeting, world, place="Nơi khác")
    meeting.refresh_from_db()
    assert meeting.date_changed_at is None and mailoutbox == []


@pytest.mark.django_db
def test_an_ad_hoc_future_meeting_moved_is_mailed(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    meeting = make_meeting(world.cell_a1)
    with django_capture_on_commit_callbacks(execute=True):
        edit(meeting, world, scheduled_at=meeting.scheduled_at + timedelta(days=1))
    meeting.refresh_from_db()
    assert meeting.date_changed_at is not None and len(mailoutbox) == 2


@pytest.mark.django_db
def test_edit_rules(world):
    calendar = generate(world)
    thematic = calendar.meetings.filter(kind="thematic").first()
    with pytest.raises(ValidationError) as exc:
        edit(thematic, world, topic="  ")
    assert "topic" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        edit(thematic, world, scheduled_at=thematic.scheduled_at.replace(year=NEXT + 1))
    assert "scheduled_at" in exc.value.message_dict
    thematic.status = Meeting.Status.CLOSED
    thematic.save()
    with pytest.raises(ValidationError):
        edit(thematic, world, place="x")


@pytest.mark.django_db
def test_an_added_meeting_joins_the_years_calendar(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    calendar = registered(world)
    mailoutbox.clear()
    at = timezone.make_aware(timezone.datetime(NEXT, 6, 20, 8, 0))
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services_calendar.calendar_meeting_add(
            cell=world.cell_a1, kind="thematic", scheduled_at=at, topic="Chuyển đổi số", by=world.secretary
        )
    assert meeting.calendar == calendar and len(mailoutbox) == 2
    with pytest.raises(ValidationError):
        services_calendar.calendar_meeting_add(cell=world.cell_a1, kind="board", scheduled_at=at, by=world.secretary)
    with pytest.raises(ValidationError):
        services_calendar.calendar_meeting_add(cell=world.cell_a1, kind="thematic", scheduled_at=at, by=world.secretary)


@pytest.mark.django_db
def test_rule_save_validates(world):
    rule = services_calendar.meeting_rule_save(
        cell=world.cell_a1, day_of_month=3, start_time=time(7, 30), place=" Nhà văn hóa ", thematic_month_of_quarter=3
    )
    assert (rule.day_of_month, rule.place) == (3, "Nhà văn hóa")
    with pytest.raises(ValidationError):
        services_calendar.meeting_rule_save(
            cell=world.cell_a1, day_of_month=31, start_time=time(7, 30), place="", thematic_month_of_quarter=1
        )
    assert MeetingRule.objects.get(cell=world.cell_a1).day_of_month == 3


# ---------------------------------------------------------------------------------------------- apologies


@pytest.mark.django_db
def test_apology_before_the_meeting_then_accepted(world):
    meeting = make_meeting(world.cell_a1)
    apology = services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason=" Đi công tác ")
    assert apology.reason == "Đi công tác" and apology.decision == "pending"
    services_calendar.apology_decide(apology=apology, accept=True, by=world.secretary)
    apology.refresh_from_db()
    assert apology.decision == "accepted" and apology.decided_by == world.secretary and apology.decided_at
    row = Attendance.objects.get(meeting=meeting, member=world.plain_member)
    assert (row.status, row.reason, row.via, row.marked_by) == ("excused", "Đi công tác", "apology", world.secretary)
    with pytest.raises(ValidationError):
        services_calendar.apology_decide(apology=apology, accept=False, by=world.secretary)


@pytest.mark.django_db
def test_apology_not_accepted_leaves_attendance_alone(world):
    meeting = make_meeting(world.cell_a1)
    apology = services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="Bận việc riêng")
    services_calendar.apology_decide(apology=apology, accept=False, by=world.secretary)
    assert Apology.objects.get().decision == "rejected" and not Attendance.objects.exists()


@pytest.mark.django_db
def test_accepting_replaces_an_unexcused_mark_but_not_a_present_one(world):
    meeting = make_meeting(world.cell_a1)
    apology = services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="Ốm")
    Attendance.objects.create(meeting=meeting, member=world.plain_member, status="present")
    with pytest.raises(ValidationError):
        services_calendar.apology_decide(apology=apology, accept=True, by=world.secretary)
    Attendance.objects.update(status="unexcused")
    services_calendar.apology_decide(apology=apology, accept=True, by=world.secretary)
    assert Attendance.objects.get().status == "excused"


@pytest.mark.django_db
def test_apology_rules(world):
    meeting = make_meeting(world.cell_a1)
    with pytest.raises(ValidationError):
        services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="  ")
    with pytest.raises(ValidationError):  # not a member of the meeting's cell
        services_calendar.apology_submit(meeting=meeting, member=world.a2_member, reason="Ốm")
    services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="Ốm")
    with pytest.raises(ValidationError):  # one per meeting
        services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="Ốm nặng")
    past = make_meeting(world.cell_a1, when=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        services_calendar.apology_submit(meeting=past, member=world.plain_member, reason="Ốm")
    started = make_meeting(world.cell_a1)
    Meeting.objects.filter(pk=started.pk).update(status="in_progress", started_at=timezone.now())
    started.refresh_from_db()
    with pytest.raises(ValidationError):
        services_calendar.apology_submit(meeting=started, member=world.plain_member, reason="Ốm")
    assert Apology.objects.count() == 1


# ---------------------------------------------------------------------------------------------- feed, preferences


@pytest.mark.django_db
def test_feed_token_created_rotated_revoked(world):
    first = services_feed.calendar_feed_create(user=world.member_user).token
    second = services_feed.calendar_feed_create(user=world.member_user).token
    assert first != second and CalendarFeed.objects.get().token == second
    services_feed.calendar_feed_revoke(user=world.member_user)
    assert not CalendarFeed.objects.exists()


@pytest.mark.django_db
def test_preferences_saved(world):
    services_feed.notification_preference_save(user=world.member_user, calendar=True, reminders=False, preparation=True)
    services_feed.notification_preference_save(
        user=world.member_user, calendar=False, reminders=False, preparation=True
    )
    pref = NotificationPreference.objects.get()
    assert (pref.calendar, pref.reminders, pref.preparation) == (False, False, True)


# ---------------------------------------------------------------------------------------------- reminders


@pytest.mark.django_db
def test_reminders_once_for_meetings_within_the_window(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    now = timezone.now()
    soon = make_meeting(world.cell_a1, when=now + timedelta(hours=20))
    make_meeting(world.cell_a1, kind="thematic", when=now + timedelta(hours=20))  # the shared session
    later = make_meeting(world.cell_a1, when=now + timedelta(hours=60))
    elsewhere = make_meeting(world.cell_b1, when=now + timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services_reminders.reminders_send(now=now, within=timedelta(hours=48)) == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["bithu@example.vn", "dangvien@example.vn", "nguoingoai@example.vn"]
    shared = next(m for m in mailoutbox if m.to == ["dangvien@example.vn"])
    assert shared.body.count("\n- ") == 2  # one message for both meetings of the session
    for m in (soon, later, elsewhere):
        m.refresh_from_db()
    assert soon.reminder_sent_at == now and later.reminder_sent_at is None and elsewhere.reminder_sent_at == now
    with django_capture_on_commit_callbacks(execute=True):
        assert services_reminders.reminders_send(now=now + timedelta(minutes=15), within=timedelta(hours=48)) == 0
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_reminder_and_its_release_leave_audit_entries(world):
    """The claim on a meeting (``reminder_sent_at``) is a bulk update of an audited model: each claim, and its
    release when the message could not be queued, is in the meeting's history."""
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=5))
    entries = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE)
    before = entries.count()
    now = timezone.now()
    assert services_reminders.reminders_send(now=now, within=timedelta(hours=48)) == 1
    claim = entries.latest("pk")
    assert entries.count() == before + 1 and claim.changes_dict["reminder_sent_at"] == [None, str(now)]
    meeting.reminder_sent_at = None
    meeting.save()
    later = now + timedelta(minutes=15)
    with (
        mock.patch("apps.meetings.services.reminders.mail.send", side_effect=ConnectionRefusedError),
        pytest.raises(services_reminders.ReminderFailure),
    ):
        services_reminders.reminders_send(now=later, within=timedelta(hours=48))
    claimed, released = entries.order_by("-pk")[:2][::-1]
    assert claimed.changes_dict["reminder_sent_at"] == [None, str(later)]
    assert released.changes_dict["reminder_sent_at"] == [str(later), None]


@pytest.mark.django_db
def test_board_meeting_reminder_goes_to_the_board(world, mailoutbox, django_capture_on_commit_callbacks):
    give_emails(world)
    CellRole.objects.create(
        member=world.secretary_member, cell=world.cell_a1, office="secretary", starts_on=date(2020, 1, 1)
    )
    make_meeting(world.cell_a1, kind="board", when=timezone.now() + timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        services_reminders.reminders_send(now=timezone.now(), within=timedelta(hours=48))
    assert [m.to for m in mailoutbox] == [["bithu@example.vn"]]


@pytest.mark.django_db
def test_a_failed_send_is_retried_next_time(world):
    give_emails(world)
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(hours=5))
    with (
        mock.patch("apps.meetings.services.reminders.mail.send", side_effect=ConnectionRefusedError),
        pytest.raises(services_reminders.ReminderFailure),
    ):
        services_reminders.reminders_send(now=timezone.now(), within=timedelta(hours=48))
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None
    assert services_reminders.reminders_send(now=timezone.now(), within=timedelta(hours=48)) == 1


@pytest.mark.django_db
def test_cancelled_closed_and_past_meetings_are_not_reminded(world):
    now = timezone.now()
    cancelled = make_meeting(world.cell_a1, when=now + timedelta(hours=5))
    Meeting.objects.filter(pk=cancelled.pk).update(status="cancelled")
    make_meeting(world.cell_a1, when=now - timedelta(hours=1))
    assert services_reminders.reminders_send(now=now, within=timedelta(hours=48)) == 0
