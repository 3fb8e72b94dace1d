"""The loop closes by itself: adopting a resolution prepares the next meeting (review items in its agenda right
after the report on last month's tasks, and a draft resolution that starts with last month's results), once
however often it runs, without touching what the secretary wrote."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.meetings.models import AgendaItem, Meeting, MeetingDocument
from apps.meetings.rules.agenda import template_for
from apps.meetings.services import prep as services_prep
from apps.meetings.testing import make_meeting
from apps.resolutions.models import Resolution, Task
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.services import loop
from apps.resolutions.services import progress as services_progress
from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.testing import make_resolution
from apps.resolutions.tests.test_tasks_services import adopted, drafted, held, today


def agenda(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk").values_list("position", "title"))


def drafts(meeting):
    return list(MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.DRAFT_RESOLUTION))


@pytest.fixture
def earlier(world):
    """Last month's adopted resolution of cell A1 (its meeting a month ago): one task late, one done."""
    meeting = make_meeting(world.cell_a1, when=timezone.now() - timedelta(days=32))
    resolution = make_resolution(world.cell_a1, meeting=meeting, tasks=2, targets=0, lead=world.secretary_member)
    late, done = resolution.tasks.order_by("pk")
    Task.objects.filter(pk=late.pk).update(title="Việc tồn đọng", deadline=today() - timedelta(days=3))
    Task.objects.filter(pk=done.pk).update(title="Việc đã xong", completed_on=today() - timedelta(days=10))
    return resolution


@pytest.mark.django_db
def test_adoption_puts_a_review_item_per_task_after_the_report_on_last_month(world, earlier):
    _resolution, _this, following = adopted(world, tasks=2)
    before = len(template_for("regular"))
    items = agenda(following)
    assert [p for p, _t in items] == list(range(1, before + 4))  # 3 items added, positions 1..n
    titles = [t for _p, t in items]
    assert titles[6:9] == [
        "Kiểm điểm nhiệm vụ: Việc tồn đọng",  # late, from the earlier resolution (deadline first)
        "Kiểm điểm nhiệm vụ: Nhiệm vụ tháng này 1",
        "Kiểm điểm nhiệm vụ: Nhiệm vụ tháng này 2",
    ]
    assert AgendaItem.objects.get(meeting=following, position=6).section == AgendaItem.Section.BODY
    assert not any("Việc đã xong" in t for t in titles)  # done last month, not reported here


@pytest.mark.django_db
def test_the_next_draft_resolution_starts_with_last_months_results(world, earlier):
    _resolution, _this, following = adopted(world, tasks=1)
    (document,) = drafts(following)
    lines = document.text.split("\n")
    deadline = today() + timedelta(days=20)
    assert lines[:3] == [
        "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC",
        f"1. Việc tồn đọng — Trần Thị Bí Thư — hạn {today() - timedelta(days=3):%d/%m/%Y} — quá hạn",
        f"2. Nhiệm vụ tháng này 1 — Lê Văn Đảng Viên — hạn {deadline:%d/%m/%Y} — chưa thực hiện",
    ]
    assert lines[3:] == ["", "II. NHIỆM VỤ THÁNG TỚI"]
    assert document.title == "Dự thảo nghị quyết" and document.published_at is None


@pytest.mark.django_db
def test_running_the_loop_again_adds_nothing(world, earlier):
    resolution, _this, following = adopted(world, tasks=2)
    first_agenda, first_text = agenda(following), drafts(following)[0].text
    loop.loop_prepare_next(resolution)
    result = loop.loop_refresh(following)
    assert result.items_added == 0
    assert agenda(following) == first_agenda
    assert [d.text for d in drafts(following)] == [first_text]


@pytest.mark.django_db
def test_refreshing_updates_the_statuses_and_keeps_the_secretarys_text(world):
    resolution, _this, following = adopted(world, tasks=1)
    document = drafts(following)[0]
    document.text += "\n1. Nhiệm vụ mới do bí thư soạn."
    document.save()
    task = resolution.tasks.get()
    services_progress.task_review(task=task, outcome="Đạt yêu cầu", decision="done")

    loop.loop_refresh(following)

    document.refresh_from_db()
    assert document.text.split("\n") == [
        "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC",
        f"1. Nhiệm vụ tháng này 1 — Lê Văn Đảng Viên — hạn {task.deadline:%d/%m/%Y} — hoàn thành — Đạt yêu cầu",
        "",
        "II. NHIỆM VỤ THÁNG TỚI",
        "1. Nhiệm vụ mới do bí thư soạn.",
    ]


@pytest.mark.django_db
def test_a_draft_the_secretary_wrote_first_gets_section_one_in_front(world):
    resolution, this, following = drafted(world)
    services_prep.document_add(
        meeting=following,
        kind="draft_resolution",
        title="Dự thảo của bí thư",
        text="Nội dung riêng",
        by=world.secretary,
    )
    held(this, approving=2)
    services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
    (document,) = drafts(following)
    assert document.title == "Dự thảo của bí thư"
    assert document.text.startswith("I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC\n1. Nhiệm vụ tháng này 1")
    assert document.text.endswith("\n\nNội dung riêng")


@pytest.mark.django_db
def test_a_chosen_report_meeting_is_prepared_too(world):
    resolution, this, following = drafted(world, tasks=0)
    thematic = make_meeting(world.cell_a1, kind="thematic", when=following.scheduled_at + timedelta(days=10))
    services_tasks.task_add(
        resolution=resolution,
        title="Viết đề dẫn",
        lead=world.plain_member,
        deadline=today() + timedelta(days=30),
        report_meeting=thematic,
    )
    held(this, approving=2)
    services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
    for meeting in (following, thematic):  # the next regular meeting reviews open tasks as well
        assert "Kiểm điểm nhiệm vụ: Viết đề dẫn" in [t for _p, t in agenda(meeting)]
    first_body = AgendaItem.objects.filter(meeting=thematic, section="body").order_by("position").first()
    assert agenda(thematic)[first_body.position][1] == "Kiểm điểm nhiệm vụ: Viết đề dẫn"


@pytest.mark.django_db
def test_meetings_that_can_no_longer_change_are_left_alone(world):
    resolution, this, following = drafted(world)
    Meeting.objects.filter(pk=following.pk).update(status=Meeting.Status.CANCELLED)
    later = make_meeting(world.cell_a1, when=following.scheduled_at + timedelta(days=30))
    held(this, approving=2)
    services_tasks.resolution_adopt(resolution=resolution, by=world.secretary)
    assert not drafts(following)  # cancelled: the next planned regular meeting is prepared instead
    assert "Kiểm điểm nhiệm vụ: Nhiệm vụ tháng này 1" in [t for _p, t in agenda(later)]
    with pytest.raises(ValidationError):
        loop.loop_refresh(following)
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.ADOPTED


@pytest.mark.django_db
def test_the_review_of_a_meeting(world, earlier):
    resolution, this, following = adopted(world, tasks=1)
    own = services_tasks.resolution_for_meeting(meeting=following, by=None)  # next month's own draft
    services_tasks.task_add(
        resolution=own, title="Của tháng sau", lead=world.plain_member, deadline=today() + timedelta(days=29)
    )
    make_resolution(world.cell_a2, meeting=make_meeting(world.cell_a2), tasks=1, targets=0)  # another cell
    titles = [t.title for t in queries_tasks.review_tasks(following)]
    assert titles == ["Việc tồn đọng", "Nhiệm vụ tháng này 1"]
    # This month's meeting reviews last month's late task; its own resolution's tasks are not reviewed there.
    assert [t.title for t in queries_tasks.review_tasks(this)] == ["Việc tồn đọng"]


@pytest.mark.django_db
def test_two_tasks_with_the_same_title_get_a_review_item_each(world, earlier):
    Task.objects.filter(resolution=earlier).update(title="Vệ sinh môi trường", completed_on=None)
    resolution, _this, following = adopted(world, tasks=1)
    reviews = AgendaItem.objects.filter(meeting=following, title="Kiểm điểm nhiệm vụ: Vệ sinh môi trường")
    assert reviews.count() == 2
    assert set(reviews.values_list("task_id", flat=True)) == set(
        Task.objects.filter(resolution=earlier).values_list("pk", flat=True)
    )
    assert loop.loop_refresh(following).items_added == 0


@pytest.mark.django_db
def test_a_review_item_written_by_hand_covers_one_task_of_its_title(world, earlier):
    Task.objects.filter(resolution=earlier).update(title="Vệ sinh môi trường", completed_on=None)
    following = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=3))
    AgendaItem.objects.create(
        meeting=following, position=1, section=AgendaItem.Section.BODY, title="Kiểm điểm nhiệm vụ: Vệ sinh môi trường"
    )
    added = loop.loop_refresh(following).items_added
    reviews = AgendaItem.objects.filter(meeting=following, title="Kiểm điểm nhiệm vụ: Vệ sinh môi trường")
    assert (added, reviews.count()) == (1, 2)


def _agenda_entries(meeting, action):
    """The audit entries of the meeting's agenda items for ``action``, by item."""
    items = AgendaItem.objects.filter(meeting=meeting).values("pk")
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AgendaItem), action=action, object_id__in=items
    )


@pytest.mark.django_db
def test_the_loop_leaves_an_audit_entry_for_each_agenda_item_it_adds_or_moves(world, earlier):
    """The review items are written in bulk (apps.common.audit): each added item and each item moved down still has
    its entry in the audit log, on adoption (loop_prepare_next) and on a refresh (loop_refresh)."""
    _resolution, _this, following = adopted(world, tasks=2)
    reviews = set(AgendaItem.objects.filter(meeting=following, task__isnull=False).values_list("pk", flat=True))
    assert len(reviews) == 3
    created = {e.object_id for e in _agenda_entries(following, LogEntry.Action.CREATE)}
    assert reviews <= created
    moved = [e for e in _agenda_entries(following, LogEntry.Action.UPDATE) if "position" in e.changes_dict]
    assert moved and {e.object_id for e in moved}.isdisjoint(reviews)

    AgendaItem.objects.filter(pk__in=reviews).delete()
    assert loop.loop_refresh(following).items_added == 3
    again = set(AgendaItem.objects.filter(meeting=following, task__isnull=False).values_list("pk", flat=True))
    assert again <= {e.object_id for e in _agenda_entries(following, LogEntry.Action.CREATE)}
