"""The resolution of a meeting and its tasks: drafted, adopted only on a passing vote, tasks validated, progress
logged, done, dropped and reviewed; leads suggested by residential group and load; overdue alerts by e-mail."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import ngettext

from apps.common.scoping import Role
from apps.meetings.models import Meeting
from apps.meetings.services import live as services_live
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting
from apps.members.models import Member
from apps.members.testing import add_member, grant
from apps.resolutions.forms.tasks import LeadChoiceField
from apps.resolutions.models import Resolution, Task, TaskProgress
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import progress as services_progress
from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.testing import make_resolution

# ---------------------------------------------------------------------------------------------- story helpers


def today():
    return timezone.localdate()


def held(meeting: Meeting, *, approving: int) -> Meeting:
    """Start the meeting with everyone present, vote on the resolution by show of hands, close the vote.
    Cell A1 of the world has two official members: 2 approving passes, 1 does not (more than half of 2)."""
    meeting = services_live.meeting_start(meeting=meeting)
    for member in Member.objects.filter(cell=meeting.cell, active=True):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    vote = services_votes.vote_open(meeting=meeting, question="Thông qua nghị quyết", method="open")
    services_votes.vote_record_counts(vote=vote, approving=approving, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    return meeting


def month(world):
    """This month's meeting of cell A1 (two days ago) and next month's (in four weeks)."""
    now = timezone.now()
    this = make_meeting(world.cell_a1, when=now - timedelta(days=2))
    following = make_meeting(world.cell_a1, when=now + timedelta(days=28))
    return this, following


def drafted(world, *, tasks: int = 1, lead=None):
    """A draft resolution of this month's meeting with tasks led by the plain member (or ``lead``)."""
    this, following = month(world)
    resolution = services_tasks.resolution_for_meeting(meeting=this, by=world.secretary)
    for i in range(tasks):
        services_tasks.task_add(
            resolution=resolution,
            title=f"Nhiệm vụ tháng này {i + 1}",
            lead=lead or world.plain_member,
            deadline=today() + timedelta(days=20),
        )
    return resolution, this, following


def adopted(world, *, tasks: int = 1, lead=None):
    resolution, this, following = drafted(world, tasks=tasks, lead=lead)
    held(this, approving=2)
    return services_tasks.resolution_adopt(resolution=resolution, by=world.secretary), this, following


def adopted_task(world, *, lead=None, deadline=None) -> Task:
    """An adopted resolution of cell A1 with one task (no meeting needed)."""
    resolution = make_resolution(world.cell_a1, tasks=1, targets=0, lead=lead or world.plain_member, deadline=deadline)
    return resolution.tasks.get()


# ---------------------------------------------------------------------------------------------- resolution


@pytest.mark.django_db
def test_the_meeting_resolution_is_drafted_once_with_the_month_in_its_title(world):
    meeting = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    first = services_tasks.resolution_for_meeting(meeting=meeting, by=world.secretary)
    again = services_tasks.resolution_for_meeting(meeting=meeting, by=world.secretary)
    day = timezone.localdate(meeting.scheduled_at)
    assert first.pk == again.pk and Resolution.objects.count() == 1
    assert first.title == f"Nghị quyết sinh hoạt chi bộ tháng {day.month}/{day.year}"
    assert first.status == Resolution.Status.DRAFT and first.kind == Resolution.Kind.CELL_MONTHLY
    assert first.organization == world.cell_a1 and first.created_by == world.secretary


@pytest.mark.django_db
def test_a_thematic_meeting_has_a_conclusion_and_a_board_meeting_none(world):
    thematic = make_meeting(world.cell_a1, kind="thematic")
    assert services_tasks.resolution_for_meeting(meeting=thematic, by=None).kind == Resolution.Kind.CELL_THEMATIC
    board = make_meeting(world.cell_a1, kind="board")
    with pytest.raises(ValidationError):
        services_tasks.resolution_for_meeting(meeting=board, by=None)


@pytest.mark.django_db
def test_adoption_needs_a_closed_vote(world):
    resolution, this, _following = drafted(world)
    with pytest.raises(ValidationError) as error:
        services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
    assert error.value.code == "no_vote"
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DRAFT and resolution.adopted_on is None


@pytest.mark.django_db
def test_adoption_needs_more_than_half_of_the_eligible_members(world):
    resolution, this, _following = drafted(world)
    held(this, approving=1)  # 1 of 2 eligible: not more than half
    with pytest.raises(ValidationError) as error:
        services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
    assert error.value.code == "not_passed" and "1" in error.value.messages[0] and "2" in error.value.messages[0]
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DRAFT and resolution.vote is None


@pytest.mark.django_db
def test_an_open_vote_is_not_enough(world):
    resolution, this, _following = drafted(world)
    this = services_live.meeting_start(meeting=this)
    services_votes.vote_open(meeting=this, question="Thông qua", method="open")
    with pytest.raises(ValidationError):
        services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)


@pytest.mark.django_db
def test_adoption_on_a_passed_vote_links_the_vote_and_dates_it_on_the_meeting_day(world):
    resolution, this, _following = adopted(world)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.ADOPTED
    assert resolution.adopted_on == timezone.localdate(this.scheduled_at)
    assert resolution.vote.meeting == this and resolution.vote.status == "closed"
    with pytest.raises(ValidationError):  # once only
        services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)


# ---------------------------------------------------------------------------------------------- tasks of the draft


@pytest.mark.django_db
def test_a_task_is_reported_at_the_next_regular_meeting_by_default(world):
    resolution, this, following = drafted(world)
    make_meeting(world.cell_a1, kind="thematic", when=this.scheduled_at + timedelta(days=10))  # not regular
    task = services_tasks.task_add(
        resolution=resolution,
        title="  Vận động hội viên  ",
        lead=world.secretary_member,
        helpers=[world.plain_member],
        deadline=today() + timedelta(days=10),
    )
    assert task.report_meeting == following and task.title == "Vận động hội viên"
    assert task.organization == world.cell_a1 and list(task.helpers.all()) == [world.plain_member]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"lead": None}, "lead"),  # nobody leads
        ({"lead_is_board": True}, "lead"),  # a member and the board at once
        ({"lead": "a2_member"}, "lead"),  # another cell's member
        ({"helpers": ["a2_member"]}, "helpers"),
        ({"helpers": ["plain_member"]}, "helpers"),  # the lead is not also a helper
        ({"deadline": None}, "deadline"),
        ({"deadline": -30}, "deadline"),  # before the meeting that assigns it
        ({"report_meeting": "board"}, "report_meeting"),
        ({"report_meeting": "other_cell"}, "report_meeting"),
        ({"report_meeting": "earlier"}, "report_meeting"),
    ],
)
@pytest.mark.django_db
def test_task_validation(world, changes, field):
    resolution, this, _following = drafted(world, tasks=0)
    meetings = {
        "board": make_meeting(world.cell_a1, kind="board", when=this.scheduled_at + timedelta(days=20)),
        "other_cell": make_meeting(world.cell_a2, when=this.scheduled_at + timedelta(days=20)),
        "earlier": make_meeting(world.cell_a1, when=this.scheduled_at - timedelta(days=20)),
    }
    data = {"title": "Nhiệm vụ", "lead": world.plain_member, "deadline": today() + timedelta(days=5)}
    for key, value in changes.items():
        if key in ("lead",) and isinstance(value, str):
            value = getattr(world, value)
        elif key == "helpers":
            value = [getattr(world, v) for v in value]
        elif key == "deadline" and isinstance(value, int):
            value = today() + timedelta(days=value)
        elif key == "report_meeting":
            value = meetings[value]
        data[key] = value
    with pytest.raises(ValidationError) as error:
        services_tasks.task_add(resolution=resolution, **data)
    assert field in error.value.message_dict
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_the_board_may_lead_a_task(world):
    resolution, _this, _following = drafted(world, tasks=0)
    task = services_tasks.task_add(
        resolution=resolution, title="Kiện toàn tổ đảng", lead_is_board=True, deadline=today() + timedelta(days=9)
    )
    assert task.lead is None and task.lead_is_board


@pytest.mark.django_db
def test_tasks_change_only_while_the_resolution_is_a_draft(world):
    resolution, _this, _following = drafted(world)
    task = resolution.tasks.get()
    updated = services_tasks.task_update(
        task=task, title="Đổi tên", lead=world.secretary_member, deadline=task.deadline, helpers=[world.plain_member]
    )
    assert updated.title == "Đổi tên" and updated.lead == world.secretary_member
    resolution.status = Resolution.Status.ADOPTED
    resolution.save()
    with pytest.raises(ValidationError):
        services_tasks.task_update(task=task, title="Lần nữa", lead=world.plain_member, deadline=task.deadline)
    with pytest.raises(ValidationError):
        services_tasks.task_delete(task=task)
    with pytest.raises(ValidationError):
        services_tasks.task_add(resolution=resolution, title="Mới", lead=world.plain_member, deadline=task.deadline)
    assert Task.objects.get().title == "Đổi tên"


# ---------------------------------------------------------------------------------------------- follow-up


@pytest.mark.django_db
def test_progress_is_logged_with_evidence(world):
    task = adopted_task(world)
    file = SimpleUploadedFile("anh.jpg", b"\xff\xd8 anh", content_type="image/jpeg")
    entry = services_progress.task_progress_add(
        task=task, on=today(), text="Đã họp tổ", percent=40, evidence=file, by=world.member_user
    )
    assert entry.evidence.name.endswith(".jpg") and entry.author == world.member_user
    task = queries_tasks.with_facts(Task.objects.filter(pk=task.pk)).get()
    assert queries_tasks.status_of(task, today()) == "in_progress"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"text": ""}, "text"), ({"on": 1}, "on"), ({"percent": 120}, "percent"), ({"evidence": "big"}, "evidence")],
)
@pytest.mark.django_db
def test_progress_validation(world, changes, field):
    task = adopted_task(world)
    data = {"on": today(), "text": "Làm được một nửa", "percent": 50}
    for key, value in changes.items():
        if key == "on":
            value = today() + timedelta(days=value)
        if key == "evidence":
            value = SimpleUploadedFile("lon.pdf", b"x" * (services_progress.MAX_EVIDENCE_BYTES + 1))
        data[key] = value
    with pytest.raises(ValidationError) as error:
        services_progress.task_progress_add(task=task, by=world.member_user, **data)
    assert field in error.value.message_dict and not TaskProgress.objects.exists()


@pytest.mark.django_db
def test_no_progress_on_a_draft_or_dropped_task(world):
    resolution, _this, _following = drafted(world)
    with pytest.raises(ValidationError):
        services_progress.task_progress_add(task=resolution.tasks.get(), on=today(), text="Sớm quá", by=None)
    task = adopted_task(world)
    services_progress.task_drop(task=task, reason="Không còn phù hợp")
    with pytest.raises(ValidationError):
        services_progress.task_progress_add(task=task, on=today(), text="Muộn quá", by=None)


@pytest.mark.django_db
def test_done_and_dropped_are_decisions_that_exclude_each_other(world):
    task = adopted_task(world)
    with pytest.raises(ValidationError):
        services_progress.task_drop(task=task, reason="  ")
    done = services_progress.task_mark_done(task=task)
    assert done.completed_on == today()
    with pytest.raises(ValidationError):
        services_progress.task_mark_done(task=task)
    with pytest.raises(ValidationError):
        services_progress.task_drop(task=task, reason="Thôi")
    with pytest.raises(ValidationError):
        services_progress.task_mark_done(task=adopted_task(world), on=today() + timedelta(days=1))


@pytest.mark.django_db
def test_review_records_the_outcome_and_the_decision(world):
    task = adopted_task(world)
    day = today() - timedelta(days=1)
    reviewed = services_progress.task_review(task=task, outcome="Hoàn thành vượt mức", decision="done", on=day)
    assert (reviewed.completed_on, reviewed.dropped_reason, reviewed.outcome) == (day, "", "Hoàn thành vượt mức")
    with pytest.raises(ValidationError):
        services_progress.task_review(task=task, outcome="", decision="dropped", reason="")
    dropped = services_progress.task_review(task=task, outcome="Không làm", decision="dropped", reason="Hết kinh phí")
    assert dropped.completed_on is None and dropped.dropped_reason == "Hết kinh phí"
    reopened = services_progress.task_review(task=task, outcome="Làm tiếp", decision="open")
    assert reopened.completed_on is None and reopened.dropped_reason == "" and reopened.outcome == "Làm tiếp"
    with pytest.raises(ValidationError):
        services_progress.task_review(task=task, outcome="", decision="maybe")


# ---------------------------------------------------------------------------------------------- suggestions


@pytest.mark.django_db
def test_leads_are_suggested_by_residential_group_then_load(world):
    cell = world.cell_a1
    busy_neighbour = add_member(cell, full_name="An Khu Ba Bận", residence="Khu 3")
    add_member(cell, full_name="Bình Khu Ba Rảnh", residence="Khu 3")
    add_member(cell, full_name="Cũ Đã Chuyển", residence="Khu 3", active=False)
    far_free = add_member(cell, full_name="Chi Khu Một", residence="Khu 1")
    adopted_task(world, lead=busy_neighbour)
    adopted_task(world, lead=busy_neighbour)
    adopted_task(world, lead=world.secretary_member)
    done = adopted_task(world, lead=far_free)
    services_progress.task_mark_done(task=done)  # finished tasks are no load
    add_member(world.cell_a2, full_name="Khu Ba Chi Bộ Khác", residence="Khu 3")

    with CaptureQueriesContext(connection) as queries:
        suggested = list(queries_tasks.suggest_leads(cell, " Khu 3 "))
    assert len(queries) == 1
    names = [(m.full_name, m.open_tasks) for m in suggested]
    assert names == [
        ("Bình Khu Ba Rảnh", 0),
        ("An Khu Ba Bận", 2),
        ("Chi Khu Một", 0),  # other groups: fewest open tasks first, then by name
        ("Lê Văn Đảng Viên", 0),
        ("Trần Thị Bí Thư", 1),
    ]
    without_hint = [m.full_name for m in queries_tasks.suggest_leads(cell)]
    assert without_hint[-2:] == ["Trần Thị Bí Thư", "An Khu Ba Bận"]


@pytest.mark.django_db
def test_the_task_form_labels_suggestions_with_group_and_load(world):
    member = add_member(world.cell_a1, full_name="Nguyễn Văn A", residence="Khu 3")
    adopted_task(world, lead=member)
    field = LeadChoiceField(queryset=queries_tasks.suggest_leads(world.cell_a1, "Khu 3"))
    labels = [label for _value, label in field.choices][1:]
    load = ngettext("%(count)s open task", "%(count)s open tasks", 1) % {"count": 1}
    assert labels[0] == f"Nguyễn Văn A — Khu 3 — {load}"


# ---------------------------------------------------------------------------------------------- overdue alerts


@pytest.mark.django_db
def test_alerts_go_to_the_lead_and_the_cell_secretary_the_day_after_the_deadline(
    world, django_capture_on_commit_callbacks
):
    world.member_user.email, world.secretary.email = "dv@example.vn", "bt@example.vn"
    world.member_user.save()
    world.secretary.save()
    yesterday = today() - timedelta(days=1)
    late = adopted_task(world, deadline=yesterday)
    adopted_task(world, deadline=yesterday - timedelta(days=1))  # overdue since the day before: alerted then
    services_progress.task_mark_done(task=adopted_task(world, deadline=yesterday))  # done in time
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_task_alerts", verbosity=0)

    assert sorted(m.to[0] for m in outbox.outbox) == ["bt@example.vn", "dv@example.vn"]
    assert all(late.title in m.subject for m in outbox.outbox)
    assert f"/resolutions/tasks/{late.pk}/" in outbox.outbox[0].body


@pytest.mark.django_db
def test_alerts_for_a_given_day_and_a_board_task_go_to_the_secretary(world, django_capture_on_commit_callbacks):
    world.secretary.email = "bt@example.vn"
    world.secretary.save()
    grant(world.staff, world.cell_a1, Role.CELL_DEPUTY)  # a deputy is not the secretary
    world.staff.email = "pbt@example.vn"
    world.staff.save()
    task = adopted_task(world)
    Task.objects.filter(pk=task.pk).update(lead=None, lead_is_board=True)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_task_alerts", "--date", f"{task.deadline + timedelta(days=1):%Y-%m-%d}", verbosity=0)

    assert [m.to for m in outbox.outbox] == [["bt@example.vn"]]


@pytest.mark.django_db
def test_draft_resolutions_raise_no_alert(world, django_capture_on_commit_callbacks):
    world.secretary.email = "bt@example.vn"
    world.secretary.save()
    resolution, _this, _following = drafted(world)
    task = resolution.tasks.get()
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services_tasks.task_alerts_send(on=task.deadline + timedelta(days=1)) == 0
    assert outbox.outbox == []


@pytest.mark.django_db
def test_a_cell_cannot_decide_a_task_assigned_by_the_committee(world):
    directive = make_resolution(world.commune_a, tasks=0, targets=0)
    assigned = Task.objects.create(
        resolution=directive, organization=world.cell_a1, title="Làm đường", deadline=directive.period_end
    )
    for call in (
        lambda: services_progress.task_mark_done(task=assigned),
        lambda: services_progress.task_drop(task=assigned, reason="Không làm"),
        lambda: services_progress.task_review(task=assigned, outcome="x", decision="done"),
    ):
        with pytest.raises(ValidationError):
            call()
    assigned.refresh_from_db()
    assert assigned.completed_on is None and assigned.dropped_reason == ""
