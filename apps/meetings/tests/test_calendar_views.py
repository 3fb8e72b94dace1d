"""Calendar pages per persona: 404 outside the scope (nothing changed), 403 where visible but not allowed, login
for anonymous; the htmx fragments; the private feed; bounded query counts."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.meetings.models import (
    AnnualCalendar,
    Apology,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingDocument,
    MeetingRule,
    NotificationPreference,
)
from apps.meetings.services import calendar as services_calendar
from apps.meetings.services import feed as services_feed
from apps.meetings.testing import make_meeting
from apps.meetings.tests.test_calendar_rules import unfold
from apps.members.testing import add_member
from apps.orgs.services import tree as org_services

NEXT = timezone.localdate().year + 1


def url(name, *args):
    return reverse(name, args=args)


# Everything these pages can change.
state = snapshot(
    AnnualCalendar.objects.order_by("pk").values_list("pk", "status", "submitted_at", "registered_at"),
    Meeting.objects.order_by("pk").values_list("pk", "scheduled_at", "place", "topic", "date_changed_at"),
    MeetingRule.objects.order_by("pk").values_list("pk", "day_of_month", "place"),
    Apology.objects.order_by("pk").values_list("pk", "decision", "reason"),
    Attendance.objects.order_by("pk").values_list("pk", "status"),
    CalendarFeed.objects.order_by("pk").values_list("pk", "token"),
)


@pytest.fixture
def draft(world):
    return services_calendar.calendar_generate(cell=world.cell_a1, year=NEXT, by=world.secretary)


@pytest.fixture
def submitted(world, draft):
    return services_calendar.calendar_submit(calendar=draft, by=world.secretary)


@pytest.fixture
def upcoming(world):
    return make_meeting(world.cell_a1)


@pytest.fixture
def apology(world, upcoming):
    return services_calendar.apology_submit(meeting=upcoming, member=world.plain_member, reason="Đi công tác xa")


# ---------------------------------------------------------------------------------------------- who sees what


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("member_user", 200),  # members see their cell's calendar
        ("staff", 200),
        ("inspector", 200),
        ("supervisor", 404),  # supervises A2 only
        ("outsider", 404),
    ],
)
def test_calendar_page_is_scoped(world, client_for, draft, persona, expected):
    response = client_for(getattr(world, persona)).get(url("meetings:calendar", world.cell_a1.pk, NEXT))
    assert response.status_code == expected


@pytest.mark.django_db
def test_calendar_page_shows_the_year_and_actions_by_role(world, client_for, draft):
    html = client_for(world.secretary).get(url("meetings:calendar", world.cell_a1.pk, NEXT)).content.decode()
    assert html.count(url("meetings:meeting_edit", draft.meetings.first().pk)) == 1
    assert url("meetings:calendar_submit", draft.pk) in html and url("meetings:calendar_rule", world.cell_a1.pk) in html
    assert url("meetings:calendar_generate", world.cell_a1.pk, NEXT) not in html  # already generated
    html = client_for(world.member_user).get(url("meetings:calendar", world.cell_a1.pk, NEXT)).content.decode()
    assert url("meetings:calendar_submit", draft.pk) not in html and "meeting_edit" not in html
    assert url("meetings:detail", draft.meetings.first().pk) in html
    assert url("meetings:meeting_edit", draft.meetings.first().pk) not in html


@pytest.mark.django_db
def test_committee_sees_the_register_button_only_when_submitted(world, client_for, submitted):
    html = client_for(world.staff).get(url("meetings:calendar", world.cell_a1.pk, NEXT)).content.decode()
    assert url("meetings:calendar_register", submitted.pk) in html
    html = client_for(world.secretary).get(url("meetings:calendar", world.cell_a1.pk, NEXT)).content.decode()
    assert url("meetings:calendar_register", submitted.pk) not in html


@pytest.mark.django_db
def test_year_out_of_range_and_a_committee_are_not_found(world, client_for):
    client = client_for(world.staff)
    assert client.get(url("meetings:calendar", world.cell_a1.pk, 1990)).status_code == 404
    assert client.get(url("meetings:calendar", world.commune_a.pk, NEXT)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretary", 302), ("staff", 302), ("member_user", 404), ("inspector", 404), ("outsider", 404)],
)
def test_generate_needs_manage_rights(world, client_for, persona, expected):
    before = state()
    response = client_for(getattr(world, persona)).post(url("meetings:calendar_generate", world.cell_a1.pk, NEXT))
    assert response.status_code == expected
    if expected == 302:
        assert Meeting.objects.filter(cell=world.cell_a1).count() == 16
    else:
        assert state() == before


@pytest.mark.django_db
def test_generate_twice_shows_the_reason(world, client_for, draft):
    before = state()
    response = client_for(world.secretary).post(url("meetings:calendar_generate", world.cell_a1.pk, NEXT), follow=True)
    assert response.status_code == 200 and str(NEXT) in str(list(response.context["messages"])[0])
    assert state() == before


@pytest.mark.django_db
def test_generate_is_post_only(world, client_for):
    assert client_for(world.secretary).get(url("meetings:calendar_generate", world.cell_a1.pk, NEXT)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"), [("secretary", 200), ("staff", 200), ("member_user", 404), ("outsider", 404)]
)
def test_rule_page_needs_manage_rights(world, client_for, persona, expected):
    assert client_for(getattr(world, persona)).get(url("meetings:calendar_rule", world.cell_a1.pk)).status_code == (
        expected
    )


@pytest.mark.django_db
def test_rule_saved_through_htmx_returns_the_fragment(world, client_for):
    data = {"day_of_month": "3", "start_time": "07:30", "place": "Nhà văn hóa", "thematic_month_of_quarter": "1"}
    response = client_for(world.secretary).post(
        url("meetings:calendar_rule", world.cell_a1.pk), {**data, "year": NEXT}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="rule"' in html and "<html" not in html
    rule = MeetingRule.objects.get(cell=world.cell_a1)
    assert (rule.day_of_month, str(rule.start_time), rule.thematic_month_of_quarter) == (3, "07:30:00", 1)


@pytest.mark.django_db
def test_rule_without_javascript_redirects_and_bad_day_is_refused(world, client_for):
    client = client_for(world.secretary)
    data = {"day_of_month": "31", "start_time": "07:30", "place": "", "thematic_month_of_quarter": "2"}
    response = client.post(url("meetings:calendar_rule", world.cell_a1.pk), data)
    assert response.status_code == 200 and not MeetingRule.objects.exists()
    response = client.post(url("meetings:calendar_rule", world.cell_a1.pk), {**data, "day_of_month": "4", "year": NEXT})
    assert response.status_code == 302 and response["Location"] == url("meetings:calendar", world.cell_a1.pk, NEXT)


@pytest.mark.django_db
def test_outsider_cannot_change_the_rule(world, client_for):
    before = state()
    data = {"day_of_month": "3", "start_time": "07:30", "place": "x", "thematic_month_of_quarter": "1"}
    assert client_for(world.outsider).post(url("meetings:calendar_rule", world.cell_a1.pk), data).status_code == 404
    assert state() == before


# ---------------------------------------------------------------------------------------------- submit and register


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("member_user", 404), ("inspector", 404), ("outsider", 404)])
def test_submit_needs_manage_rights(world, client_for, draft, persona, expected):
    before = state()
    assert client_for(getattr(world, persona)).post(url("meetings:calendar_submit", draft.pk)).status_code == expected
    assert state() == before


@pytest.mark.django_db
def test_secretary_submits(world, client_for, draft):
    response = client_for(world.secretary).post(url("meetings:calendar_submit", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 403),  # sees and manages the calendar but cannot register their own
        ("member_user", 404),
        ("supervisor", 404),
        ("inspector", 404),
        ("outsider", 404),
    ],
)
def test_register_is_for_the_committee_above(world, client_for, submitted, persona, expected):
    before = state()
    assert client_for(getattr(world, persona)).post(url("meetings:calendar_register", submitted.pk)).status_code == (
        expected
    )
    assert state() == before


@pytest.mark.django_db
def test_staff_registers_from_the_overview(world, client_for, submitted):
    response = client_for(world.staff).post(url("meetings:calendar_register", submitted.pk), {"next": "overview"})
    assert response.status_code == 302 and response["Location"] == f"{url('meetings:calendars')}?year={NEXT}"
    submitted.refresh_from_db()
    assert submitted.status == "registered" and submitted.registered_by == world.staff


# ---------------------------------------------------------------------------------------------- overview


@pytest.mark.django_db
def test_overview_lists_the_subtree_and_cells_without_a_calendar(world, client_for, submitted):
    response = client_for(world.staff).get(url("meetings:calendars"), {"year": NEXT})
    html = response.content.decode()
    assert "Chi bộ 21" in html and "Chi bộ Thôn Đông" in html and "Chi bộ Khu 3" not in html
    assert response.context["totals"] == {"missing": 1, "draft": 0, "submitted": 1, "registered": 0}
    assert url("meetings:calendar_register", submitted.pk) in html
    row = next(r for r in response.context["rows"] if r.cell == world.cell_a1)
    assert (row.calendar.regular_count, row.calendar.thematic_count) == (12, 4)
    missing = client_for(world.staff).get(url("meetings:calendars"), {"year": NEXT, "status": "missing"})
    assert [r.cell for r in missing.context["rows"]] == [world.cell_a2]
    outsider = client_for(world.outsider).get(url("meetings:calendars"), {"year": NEXT})
    assert [r.cell for r in outsider.context["rows"]] == [world.cell_b1]


# ---------------------------------------------------------------------------------------------- planning meetings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"), [("secretary", 200), ("staff", 200), ("member_user", 404), ("outsider", 404)]
)
def test_meeting_pages_need_manage_rights(world, client_for, upcoming, persona, expected):
    client = client_for(getattr(world, persona))
    assert client.get(url("meetings:meeting_new", world.cell_a1.pk)).status_code == expected
    assert client.get(url("meetings:meeting_edit", upcoming.pk)).status_code == expected


@pytest.mark.django_db
def test_secretary_adds_a_meeting_with_dd_mm_yyyy(world, client_for):
    response = client_for(world.secretary).post(
        url("meetings:meeting_new", world.cell_a1.pk),
        {"kind": "thematic", "scheduled_at": f"20/06/{NEXT} 08:00", "place": "Hội trường", "topic": "Chuyển đổi số"},
    )
    assert response.status_code == 302 and response["Location"] == url("meetings:calendar", world.cell_a1.pk, NEXT)
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.topic, f"{timezone.localtime(meeting.scheduled_at):%d/%m/%Y %H:%M}") == (
        "thematic",
        "Chuyển đổi số",
        f"20/06/{NEXT} 08:00",
    )


@pytest.mark.django_db
def test_thematic_meeting_without_topic_is_refused_in_the_form(world, client_for):
    response = client_for(world.secretary).post(
        url("meetings:meeting_new", world.cell_a1.pk), {"kind": "thematic", "scheduled_at": f"20/06/{NEXT} 08:00"}
    )
    assert response.status_code == 200 and response.context["form"].errors["topic"]
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_secretary_moves_a_meeting(world, client_for, submitted):
    meeting = submitted.meetings.filter(kind="thematic").first()
    new = timezone.localtime(meeting.scheduled_at) + timedelta(days=1)
    response = client_for(world.secretary).post(
        url("meetings:meeting_edit", meeting.pk),
        {"scheduled_at": f"{new:%d/%m/%Y %H:%M}", "place": "Nhà bác Tư", "topic": "Học tập Nghị quyết"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.scheduled_at == new and meeting.topic == "Học tập Nghị quyết" and meeting.date_changed_at


@pytest.mark.django_db
def test_outsider_and_member_cannot_move_a_meeting(world, client_for, upcoming):
    before = state()
    data = {"scheduled_at": f"01/01/{NEXT} 08:00", "place": "x", "topic": ""}
    assert client_for(world.outsider).post(url("meetings:meeting_edit", upcoming.pk), data).status_code == 404
    assert client_for(world.member_user).post(url("meetings:meeting_edit", upcoming.pk), data).status_code == 404
    assert state() == before


# ------------------------------------------------------------------------------------------- member's page, apologies


@pytest.mark.django_db
def test_member_page_shows_meetings_documents_and_history(world, client_for, upcoming):
    MeetingDocument.objects.create(
        meeting=upcoming, kind="draft_resolution", title="Dự thảo nghị quyết tháng", published_at=timezone.now()
    )
    MeetingDocument.objects.create(meeting=upcoming, kind="draft_report", title="Bản nháp chưa công bố")
    past = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=30))
    Attendance.objects.create(meeting=past, member=world.plain_member, status="excused", reason="Ốm")
    Attendance.objects.create(meeting=past, member=world.secretary_member, status="present")
    other = make_meeting(world.cell_a2)
    response = client_for(world.member_user).get(url("meetings:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert url("meetings:detail", upcoming.pk) in html and url("meetings:detail", other.pk) not in html
    assert "Dự thảo nghị quyết tháng" in html and "Bản nháp chưa công bố" not in html
    assert [a.meeting for a in response.context["history"]] == [past]  # only their own row
    assert url("meetings:apology", upcoming.pk) in html


@pytest.mark.django_db
def test_member_page_without_a_member_record(world, client_for):
    response = client_for(world.staff).get(url("meetings:mine"))
    assert response.status_code == 200 and response.context["member"] is None


@pytest.mark.django_db
def test_member_sends_an_apology(world, client_for, upcoming):
    client = client_for(world.member_user)
    assert client.get(url("meetings:apology", upcoming.pk)).status_code == 200
    response = client.post(url("meetings:apology", upcoming.pk), {"reason": "Đi công tác xa"})
    assert response.status_code == 302 and response["Location"] == url("meetings:mine")
    assert Apology.objects.get().member == world.plain_member
    html = client.get(url("meetings:mine")).content.decode()
    assert "Đi công tác xa" in html and url("meetings:apology", upcoming.pk) not in html
    response = client.post(url("meetings:apology", upcoming.pk), {"reason": "Lần hai"})
    assert response.status_code == 200 and Apology.objects.count() == 1


@pytest.mark.django_db
def test_no_apology_once_the_meeting_started(world, client_for):
    past = make_meeting(world.cell_a1, when=timezone.now() - timedelta(minutes=5))
    response = client_for(world.member_user).post(url("meetings:apology", past.pk), {"reason": "Ốm"})
    assert response.status_code == 200 and not Apology.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("staff", 403), ("inspector", 403), ("supervisor", 404), ("outsider", 404)],  # visible but not a member: 403
)
def test_only_the_cells_members_apologise(world, client_for, upcoming, persona, expected):
    before = state()
    response = client_for(getattr(world, persona)).post(url("meetings:apology", upcoming.pk), {"reason": "Ốm"})
    assert response.status_code == expected and state() == before


@pytest.mark.django_db
def test_secretary_sees_and_accepts_an_apology_with_htmx(world, client_for, apology):
    client = client_for(world.secretary)
    html = client.get(url("meetings:calendar", world.cell_a1.pk, timezone.localdate().year)).content.decode()
    if timezone.localtime(apology.meeting.scheduled_at).year == timezone.localdate().year:
        assert "Đi công tác xa" in html
    response = client.post(url("meetings:apology_decide", apology.pk), {"decision": "accept"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="apology-{apology.pk}"' in html and "<html" not in html
    row = Attendance.objects.get(meeting=apology.meeting, member=world.plain_member)
    assert (row.status, row.reason, row.via) == ("excused", "Đi công tác xa", "apology")


@pytest.mark.django_db
def test_reject_without_javascript(world, client_for, apology):
    response = client_for(world.secretary).post(url("meetings:apology_decide", apology.pk), {"decision": "reject"})
    assert response.status_code == 302
    apology.refresh_from_db()
    assert apology.decision == "rejected" and not Attendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("member_user", 404), ("supervisor", 404), ("outsider", 404)])
def test_apology_decisions_need_manage_rights(world, client_for, apology, persona, expected):
    before = state()
    response = client_for(getattr(world, persona)).post(
        url("meetings:apology_decide", apology.pk), {"decision": "accept"}
    )
    assert response.status_code == expected and state() == before


# ---------------------------------------------------------------------------------------------- feed and preferences


@pytest.mark.django_db
def test_feed_serves_the_users_meetings_without_login(world, client, client_for, upcoming):
    upcoming.place = "Nhà văn hóa, khu 1; tầng 2"
    upcoming.save()
    other = make_meeting(world.cell_b1)
    client_for(world.member_user).post(url("meetings:feed_manage"), {"action": "create"})
    token = CalendarFeed.objects.get(user=world.member_user).token
    client.logout()
    response = client.get(url("meetings:feed", token))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert f"UID:meeting-{upcoming.pk}@chibo" in lines and f"UID:meeting-{other.pk}@chibo" not in lines
    start = upcoming.scheduled_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}" in lines
    assert "LOCATION:Nhà văn hóa\\, khu 1\\; tầng 2" in lines
    assert any(line.startswith("SUMMARY:") and "Chi bộ 21" in line for line in lines)


@pytest.mark.django_db
def test_unknown_or_revoked_token_is_not_found(world, client, client_for):
    assert client.get(url("meetings:feed", "nope")).status_code == 404
    member = client_for(world.member_user)
    member.post(url("meetings:feed_manage"), {"action": "create"})
    token = CalendarFeed.objects.get().token
    member.post(url("meetings:feed_manage"), {"action": "revoke"})
    assert client.get(url("meetings:feed", token)).status_code == 404


@pytest.mark.django_db
def test_feed_page_shows_the_private_address(world, client_for):
    client = client_for(world.member_user)
    assert client.get(url("meetings:feed_manage")).context["feed"] is None
    client.post(url("meetings:feed_manage"), {"action": "create"})
    html = client.get(url("meetings:feed_manage")).content.decode()
    assert url("meetings:feed", CalendarFeed.objects.get().token) in html


@pytest.mark.django_db
def test_preferences_page(world, client_for):
    client = client_for(world.member_user)
    assert client.get(url("meetings:notification_prefs")).status_code == 200
    response = client.post(url("meetings:notification_prefs"), {"calendar": "on", "preparation": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.member_user)
    assert (pref.calendar, pref.reminders, pref.preparation) == (True, False, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("meetings:calendar", ("cell", NEXT)),
        ("meetings:calendar_rule", ("cell",)),
        ("meetings:calendars", ()),
        ("meetings:meeting_new", ("cell",)),
        ("meetings:meeting_edit", ("meeting",)),
        ("meetings:mine", ()),
        ("meetings:apology", ("meeting",)),
        ("meetings:feed_manage", ()),
        ("meetings:notification_prefs", ()),
    ],
)
def test_anonymous_goes_to_login(world, client, upcoming, name, args):
    values = {"cell": world.cell_a1.pk, "meeting": upcoming.pk}
    response = client.get(url(name, *(values.get(a, a) for a in args)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_anonymous_posts_change_nothing(world, client, submitted, apology):
    before = state()
    for target in (
        url("meetings:calendar_generate", world.cell_a1.pk, NEXT + 1),
        url("meetings:calendar_submit", submitted.pk),
        url("meetings:calendar_register", submitted.pk),
        url("meetings:apology_decide", apology.pk),
    ):
        assert client.post(target, {"decision": "accept"}).status_code == 302
    assert state() == before


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_calendar_page_query_count_is_constant(world, client_for, rows):
    tz = timezone.get_current_timezone()
    for i in range(rows):
        meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=2 + i))
        member = add_member(world.cell_a1)
        services_calendar.apology_submit(meeting=meeting, member=member, reason="Ốm")
    year = timezone.localtime(meeting.scheduled_at, tz).year
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("meetings:calendar", world.cell_a1.pk, year)).status_code == 200
    # session, user, grants, cell, calendar, rule, meetings, pending apologies (+ member, meeting)
    assert len(ctx.captured_queries) == 8, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_overview_query_count_is_constant(world, client_for, rows):
    for i in range(rows):
        cell = org_services.organization_create(parent=world.commune_a, kind="cell", code=f"XA9{i}", name=f"Chi bộ {i}")
        services_calendar.calendar_generate(cell=cell, year=NEXT, by=world.staff)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("meetings:calendars"), {"year": NEXT})
    assert response.status_code == 200 and len(response.context["rows"]) == 2 + rows
    # session, user, grants, cell count, page of cells (calendar id and status as subqueries),
    # parents, calendars with meeting counts, totals by status
    assert len(ctx.captured_queries) == 8, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_member_page_query_count_is_constant(world, client_for, rows):
    for i in range(rows):
        meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=2 + i))
        MeetingDocument.objects.create(
            meeting=meeting, kind="other", title=f"Tài liệu {i}", published_at=timezone.now()
        )
        services_calendar.apology_submit(meeting=meeting, member=world.plain_member, reason="Ốm")
        past = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=30 + i))
        Attendance.objects.create(meeting=past, member=world.plain_member, status="present")
    client = client_for(world.member_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("meetings:mine"))
    assert response.status_code == 200 and len(response.context["upcoming"]) == rows
    # session, user, member (+cell), grants, upcoming meetings, their published documents, own apologies,
    # attendance count, attendance page (+meeting)
    assert len(ctx.captured_queries) == 9, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_feed_query_count_is_constant(world, client, rows):
    for i in range(rows):
        make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=2 + i))
    token = services_feed.calendar_feed_create(user=world.secretary).token
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("meetings:feed", token)).status_code == 200
    # feed (+user), grants, meetings (+cell)
    assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]
