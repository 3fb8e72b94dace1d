"""The membership watch page on attendance recorded with the meetings services and dues rows (DOMAIN.md §9)."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import today
from apps.home.queries import watch as queries_watch
from apps.meetings.services.live import attendance_mark, meeting_start
from apps.meetings.testing import make_meeting
from apps.members.models import Dues
from apps.members.services import member as services
from apps.members.testing import add_member

YEAR = today().year - 1  # a year whose months have all ended


def at(month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(YEAR, month, day, 8, 0))


def hold(cell, month, marks, *, kind="regular", day=10):
    """A meeting of ``cell`` in ``month`` with ``marks``: {member: status}."""
    meeting = meeting_start(meeting=make_meeting(cell, kind=kind, when=at(month, day)))
    for member, status in marks.items():
        attendance_mark(
            meeting=meeting, member=member, status=status, reason="Đi công tác" if status == "excused" else ""
        )
    return meeting


def levels(rows):
    return {r.member.full_name: (r.level, r.absence_months, r.unpaid_months, r.streak) for r in rows}


@pytest.mark.django_db
def test_watch_list_folds_attendance_and_dues(world):
    a1, plain, sec = world.cell_a1, world.plain_member, world.secretary_member
    for month in (2, 5, 9):
        hold(a1, month, {plain: "unexcused", sec: "present"})
    hold(a1, 9, {plain: "unexcused", sec: "unexcused"}, kind="thematic", day=20)  # same month: counted once
    hold(a1, 10, {sec: "unexcused"})
    hold(a1, 11, {plain: "unexcused"}, kind="board")  # board pre-meetings are not watched
    for month in (3, 4, 6, 7):
        hold(world.cell_a2, month, {world.a2_member: "excused"})
    rows = queries_watch.watch_list(world.staff, year=YEAR, today=today())
    assert levels(rows) == {
        plain.full_name: ("alert", [2, 5, 9], [], 0),
        sec.full_name: ("warning", [9, 10], [], 0),
        world.a2_member.full_name: ("none", [], [], 4),
    }
    assert [r.streak_breaks for r in rows if r.member == world.a2_member] == [True]
    # The secretary sees only their cell; the outsider nothing of commune A.
    assert {r.member for r in queries_watch.watch_list(world.secretary, year=YEAR, today=today())} == {plain, sec}
    assert queries_watch.watch_list(world.outsider, year=YEAR, today=today()) == []
    assert queries_watch.watch_list(world.staff, year=YEAR - 1, today=today()) == []


@pytest.mark.django_db
def test_unpaid_dues_raise_the_alert_and_missing_rows_count_only_for_recorded_months(world):
    plain, sec = world.plain_member, world.secretary_member
    for month in (1, 2, 3, 4):
        Dues.objects.create(member=sec, month=date(YEAR, month, 1), amount=50000, status="paid")
    Dues.objects.create(member=plain, month=date(YEAR, 1, 1), status="unpaid")
    Dues.objects.create(member=plain, month=date(YEAR, 2, 1), amount=50000, status="paid")
    # March and April were recorded for the cell but the member has no row: unpaid. May to December were never
    # recorded in chibo: not counted.
    rows = levels(queries_watch.watch_list(world.secretary, year=YEAR, today=today()))
    assert rows == {plain.full_name: ("alert", [], [1, 3, 4], 0)}
    services.exemption_add(member=plain, starts_on=date(YEAR, 4, 1), ends_on=date(YEAR, 12, 31), reason="Ốm nặng")
    rows = levels(queries_watch.watch_list(world.secretary, year=YEAR, today=today()))
    assert rows == {plain.full_name: ("warning", [], [1, 3], 0)}


def watch_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("members:watch") + (f"?{query}" if query else "")


@pytest.mark.django_db
def test_watch_page_lists_reasons_and_says_people_decide(world, client_for):
    for month in (2, 5, 9):
        hold(world.cell_a1, month, {world.plain_member: "unexcused"})
    response = client_for(world.secretary).get(watch_url(year=YEAR))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.plain_member.full_name in html
    assert "2, 5, 9" in html
    assert "level-alert" in html
    assert "decide" in html or "quyết định" in html
    filtered = client_for(world.secretary).get(watch_url(year=YEAR, level="warning")).content.decode()
    assert world.plain_member.full_name not in filtered


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("supervisor", 200),
        ("inspector", 200),
        ("outsider", 200),
        ("member_user", 404),
    ],
)
@pytest.mark.django_db
def test_watch_page_access(world, client_for, persona, expected):
    for month in (2, 5, 9):
        hold(world.cell_a1, month, {world.plain_member: "unexcused"})
    response = client_for(getattr(world, persona)).get(watch_url(year=YEAR))
    assert response.status_code == expected
    if persona in ("outsider", "supervisor"):  # their scope holds nobody of cell A1
        assert world.plain_member.full_name not in response.content.decode()


@pytest.mark.django_db
def test_watch_page_needs_login(client):
    response = client.get(watch_url())
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("flagged", [1, 3])
def test_watch_page_query_count_is_constant(world, client_for, flagged):
    members = [world.plain_member, world.secretary_member] + [add_member(world.cell_a1) for _ in range(flagged)]
    for month in (2, 5, 9):
        hold(world.cell_a1, month, {m: "unexcused" for m in members[1 : flagged + 1]} | {members[0]: "present"})
    Dues.objects.create(member=members[0], month=date(YEAR, 1, 1), status="unpaid")
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(watch_url(year=YEAR))
    assert response.status_code == 200
    assert len(response.context["rows"]) == flagged
    # session, user, grants, members (+cell), attendance of the year, dues of the year, exemptions,
    # probationary members due
    assert len(ctx.captured_queries) == 8, [q["sql"] for q in ctx.captured_queries]
