"""Committee resolutions flowing down to cells and the cells' follow-ups; residents' feedback; amendments that keep
their versions; inspections with remedies followed up as tasks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.meetings.testing import make_meeting
from apps.resolutions.models import Feedback, Inspection, Resolution, Task, TaskProgress
from apps.resolutions.queries import follow as queries_follow
from apps.resolutions.queries import inspections as queries_inspections
from apps.resolutions.queries import tasks as queries_tasks
from apps.resolutions.rules import follow as rules
from apps.resolutions.services import follow as services_follow
from apps.resolutions.services import inspections as services_inspections
from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.testing import make_resolution


def today():
    return timezone.localdate()


@pytest.fixture
def directive(world):
    return services_follow.committee_resolution_create(
        committee=world.commune_a,
        kind="directive",
        title="Chỉ thị về vệ sinh môi trường",
        adopted_on=today(),
        by=world.staff,
    )


def assign(directive, cells, *, deadline=None, title="Tổng vệ sinh khu dân cư"):
    return services_follow.committee_task_assign(
        resolution=directive, cells=cells, title=title, deadline=deadline or today() + timedelta(days=10)
    )


# ---------------------------------------------------------------------------------------------- committee resolutions


@pytest.mark.django_db
def test_a_committee_issues_a_directive(world, directive):
    assert (directive.organization, directive.kind, directive.status) == (world.commune_a, "directive", "adopted")
    assert directive.adopted_on == today() and directive.created_by == world.staff


@pytest.mark.django_db
def test_a_cell_does_not_issue_committee_resolutions(world):
    with pytest.raises(ValidationError):
        services_follow.committee_resolution_create(
            committee=world.cell_a1, kind="committee", title="X", adopted_on=today(), by=world.secretary
        )
    with pytest.raises(ValidationError) as exc:
        services_follow.committee_resolution_create(
            committee=world.commune_a, kind="cell_monthly", title="X", adopted_on=today(), by=world.staff
        )
    assert "kind" in exc.value.message_dict
    assert not Resolution.objects.exists()


@pytest.mark.django_db
def test_tasks_go_one_per_cell_of_the_subtree(world, directive):
    tasks = assign(directive, [world.cell_a1, world.cell_a2])
    assert [t.organization for t in tasks] == [world.cell_a1, world.cell_a2]
    assert all(t.resolution == directive and t.parent is None for t in tasks)


@pytest.mark.django_db
@pytest.mark.parametrize("org", ["cell_b1", "commune_a", "commune_b"])
def test_tasks_do_not_go_outside_the_subtree_or_to_committees(world, directive, org):
    with pytest.raises(ValidationError) as exc:
        assign(directive, [world.cell_a1, getattr(world, org)])
    assert "cells" in exc.value.message_dict
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_cell_resolution_or_a_superseded_directive_assigns_nothing(world, directive):
    with pytest.raises(ValidationError):
        assign(make_resolution(world.cell_a1, tasks=0, targets=0), [world.cell_a1])
    Resolution.objects.filter(pk=directive.pk).update(status=Resolution.Status.AMENDED)
    with pytest.raises(ValidationError):
        assign(directive, [world.cell_a1])


@pytest.mark.django_db
def test_the_cell_follows_up_in_its_standing_container(world, directive):
    t1, t2 = assign(directive, [world.cell_a1, world.cell_a1], title="Việc 1")
    f1 = services_follow.follow_up_create(parent=t1, lead=world.plain_member, by=world.secretary)
    f2 = services_follow.follow_up_create(parent=t2, title="Việc riêng của chi bộ", by=world.secretary)
    assert (f1.organization, f1.parent, f1.title, f1.deadline, f1.lead) == (
        world.cell_a1,
        t1,
        "Việc 1",
        t1.deadline,
        world.plain_member,
    )
    assert f2.lead is None and f2.lead_is_board and f2.title == "Việc riêng của chi bộ"
    container = f1.resolution
    assert f2.resolution == container and container.organization == world.cell_a1
    assert container.title == f"Thực hiện chỉ đạo cấp trên năm {t1.deadline.year}"
    assert (container.kind, container.status) == ("cell_monthly", "adopted")


@pytest.mark.django_db
def test_one_follow_up_per_committee_task(world, directive):
    (task,) = assign(directive, [world.cell_a1])
    services_follow.follow_up_create(parent=task, by=world.secretary)
    with pytest.raises(ValidationError):
        services_follow.follow_up_create(parent=task, by=world.secretary)
    assert Task.objects.filter(parent=task).count() == 1


@pytest.mark.django_db
def test_follow_up_lead_is_a_member_of_the_cell(world, directive):
    (task,) = assign(directive, [world.cell_a1])
    with pytest.raises(ValidationError) as exc:
        services_follow.follow_up_create(parent=task, lead=world.a2_member, by=world.secretary)
    assert "lead" in exc.value.message_dict


@pytest.mark.django_db
def test_only_tasks_from_above_get_a_follow_up(world):
    own = make_resolution(world.cell_a1, tasks=1, targets=0).tasks.get()
    with pytest.raises(ValidationError):
        services_follow.follow_up_create(parent=own, by=world.secretary)


@pytest.mark.django_db
def test_status_of_an_assignment(world, directive):
    (task,) = assign(directive, [world.cell_a1], deadline=today() - timedelta(days=1))
    # no follow-up yet: late by the committee's deadline
    assert queries_follow.committee_completion(task).status == rules.LATE
    (later,) = assign(directive, [world.cell_a2], deadline=today() + timedelta(days=5))
    assert queries_follow.committee_completion(later).status == rules.OPEN
    follow_up = services_follow.follow_up_create(parent=later, deadline=today() + timedelta(days=3), by=world.staff)
    row = queries_follow.committee_completion(later)
    assert (row.follow_up, row.status) == (follow_up, rules.OPEN)
    TaskProgress.objects.create(task=follow_up, on=today(), text="Đã họp triển khai")
    assert queries_follow.committee_completion(later).status == rules.IN_PROGRESS
    Task.objects.filter(pk=follow_up.pk).update(completed_on=today() + timedelta(days=4))
    row = queries_follow.committee_completion(later)
    assert (row.status, row.done_late) == (rules.DONE, True)


@pytest.mark.django_db
def test_committee_completion_figures(world, directive):
    a1_first, a2 = assign(directive, [world.cell_a1, world.cell_a2], deadline=today() + timedelta(days=5))
    (a1_second,) = assign(directive, [world.cell_a1], title="Việc thứ hai", deadline=today() + timedelta(days=5))
    for task in (a1_first, a1_second):
        follow_up = services_follow.follow_up_create(parent=task, by=world.secretary)
        Task.objects.filter(pk=follow_up.pk).update(completed_on=today())
    done = queries_follow.committee_resolution_completion(world.staff, directive)
    assert (done.tasks.total, done.tasks.done, done.tasks.completion_percent) == (3, 2, 66.7)
    assert (done.cells.total, done.cells.done, done.cells.completion_percent) == (2, 1, 50.0)
    assert {a.cell for a in done.assignments} == {world.cell_a1, world.cell_a2}
    assert a2 in [a.task for a in done.assignments]


@pytest.mark.django_db
def test_follow_ups_are_visible_upward_and_not_sideways(world, directive):
    a1, a2 = assign(directive, [world.cell_a1, world.cell_a2])
    f1 = services_follow.follow_up_create(parent=a1, by=world.secretary)
    assert Task.objects.visible_to(world.staff).filter(pk=f1.pk).exists()
    assert not Task.objects.visible_to(world.supervisor).filter(pk=f1.pk).exists()  # supervises A2
    assert not Task.objects.visible_to(world.outsider).filter(pk=f1.pk).exists()
    rows = queries_follow.cell_directives(world.secretary, world.cell_a1)
    assert [(r.task, r.follow_up) for r in rows] == [(a1, f1)]
    assert queries_follow.cell_directives(world.member_user, world.cell_a1)[0].task == a1


# ---------------------------------------------------------------------------------------------- feedback


@pytest.mark.django_db
def test_feedback_on_a_task_and_its_response(world):
    resolution = make_resolution(world.cell_a1, tasks=1, targets=0)
    task = resolution.tasks.get()
    item = services_follow.feedback_add(
        resolution=resolution,
        source="residents_meeting",
        source_detail="Hội nghị nhân dân thôn 3",
        received_on=today(),
        content="Đề nghị làm lại đường bê tông",
        task=task,
        by=world.secretary,
    )
    assert (item.organization, item.status, item.task) == (world.cell_a1, "open", task)
    services_follow.feedback_respond(feedback=item, response="Đã đưa vào nghị quyết tháng sau", status="answered")
    item.refresh_from_db()
    assert (item.status, item.response) == ("answered", "Đã đưa vào nghị quyết tháng sau")


@pytest.mark.django_db
def test_invalid_feedback_is_refused(world):
    resolution = make_resolution(world.cell_a1, tasks=0, targets=0)
    other_task = make_resolution(world.cell_a1, tasks=1, targets=0).tasks.get()
    with pytest.raises(ValidationError) as exc:
        services_follow.feedback_add(
            resolution=resolution,
            source="rumour",
            received_on=today() + timedelta(days=1),
            content=" ",
            task=other_task,
            by=world.secretary,
        )
    assert set(exc.value.message_dict) == {"source", "received_on", "content", "task"}
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_a_response_needs_text_and_a_final_status(world):
    resolution = make_resolution(world.cell_a1, tasks=0, targets=0)
    item = services_follow.feedback_add(
        resolution=resolution, source="individual", received_on=today(), content="Ý kiến", by=world.secretary
    )
    with pytest.raises(ValidationError) as exc:
        services_follow.feedback_respond(feedback=item, response="", status="open")
    assert set(exc.value.message_dict) == {"response", "status"}


# ---------------------------------------------------------------------------------------------- amendments


@pytest.mark.django_db
def test_an_amendment_keeps_the_versions(world):
    original = make_resolution(world.cell_a1, tasks=2, targets=1)
    second = services_follow.resolution_amend(
        resolution=original, reason="Điều chỉnh theo ý kiến nhân dân", adopted_on=today(), by=world.secretary
    )
    third = services_follow.resolution_amend(
        resolution=second, reason="Bổ sung nhiệm vụ", adopted_on=today(), title="Nghị quyết (sửa lần 2)", by=None
    )
    original.refresh_from_db()
    second.refresh_from_db()
    assert (original.status, second.status, third.status) == ("amended", "amended", "adopted")
    assert (second.title, second.summary, second.kind, second.period_end) == (
        original.title,
        original.summary,
        original.kind,
        original.period_end,
    )
    assert (third.amends, third.amendment_reason, third.title) == (second, "Bổ sung nhiệm vụ", "Nghị quyết (sửa lần 2)")
    # tasks and targets stay on the original
    assert (original.tasks.count(), original.targets.count(), third.tasks.count()) == (2, 1, 0)
    for version in (original, second, third):
        chain = queries_follow.versions_of(world.secretary, version)
        assert [v.pk for v in chain] == [original.pk, second.pk, third.pk]
        assert [v.current for v in chain] == [v.pk == version.pk for v in chain]
    assert [v.reason for v in chain] == ["", "Điều chỉnh theo ý kiến nhân dân", "Bổ sung nhiệm vụ"]
    assert queries_follow.versions_of(world.secretary, make_resolution(world.cell_a1, tasks=0, targets=0)) == []


@pytest.mark.django_db
def test_what_cannot_be_amended(world):
    resolution = make_resolution(world.cell_a1, tasks=0, targets=0)
    with pytest.raises(ValidationError) as exc:
        services_follow.resolution_amend(resolution=resolution, reason=" ", adopted_on=today(), by=None)
    assert "amendment_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services_follow.resolution_amend(
            resolution=resolution, reason="Lý do", adopted_on=resolution.adopted_on - timedelta(days=1), by=None
        )
    assert "adopted_on" in exc.value.message_dict
    services_follow.resolution_amend(resolution=resolution, reason="Lý do", adopted_on=today(), by=None)
    with pytest.raises(ValidationError):  # the superseded version again
        services_follow.resolution_amend(resolution=resolution, reason="Lần nữa", adopted_on=today(), by=None)
    draft = make_resolution(world.cell_a1, tasks=0, targets=0)
    Resolution.objects.filter(pk=draft.pk).update(status=Resolution.Status.DRAFT)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services_follow.resolution_amend(resolution=draft, reason="Lý do", adopted_on=today(), by=None)
    assert Resolution.objects.count() == 3


# ---------------------------------------------------------------------------------------------- inspections


def inspect(world, **kwargs):
    data = {
        "organization": world.cell_a1,
        "kind": "periodic",
        "subject": "Kiểm tra thực hiện nghị quyết quý I",
        "started_on": today() - timedelta(days=3),
        "by": world.staff,
        **kwargs,
    }
    return services_inspections.inspection_create(**data)


@pytest.mark.django_db
def test_an_inspection_of_a_cell(world):
    resolution = make_resolution(world.cell_a1, tasks=0, targets=0)
    inspection = inspect(world, resolution=resolution, mode="supervision", inspectors="Đ/c Hùng")
    assert (inspection.organization, inspection.resolution, inspection.mode) == (
        world.cell_a1,
        resolution,
        "supervision",
    )
    services_inspections.inspection_conclude(
        inspection=inspection, findings="Chưa ghi biên bản đầy đủ", conclusion="Đạt yêu cầu", ended_on=today()
    )
    inspection.refresh_from_db()
    assert (inspection.findings, inspection.conclusion, inspection.ended_on) == (
        "Chưa ghi biên bản đầy đủ",
        "Đạt yêu cầu",
        today(),
    )


@pytest.mark.django_db
def test_invalid_inspections_are_refused(world):
    with pytest.raises(ValidationError):
        inspect(world, organization=world.commune_a)
    other = make_resolution(world.cell_a2, tasks=0, targets=0)
    with pytest.raises(ValidationError) as exc:
        inspect(world, kind="weekly", resolution=other, ended_on=today() - timedelta(days=10))
    assert set(exc.value.message_dict) == {"kind", "resolution", "ended_on"}
    assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_remedies_are_tasks_of_the_cell_followed_up_like_directives(world):
    inspection = inspect(world)
    r1 = services_inspections.inspection_remedy_add(
        inspection=inspection, title="Hoàn thiện sổ biên bản", deadline=today() + timedelta(days=15), by=world.staff
    )
    r2 = services_inspections.inspection_remedy_add(
        inspection=inspection, title="Thu đủ đảng phí", deadline=today() - timedelta(days=1), by=world.staff
    )
    container = r1.resolution
    assert r2.resolution == container
    assert (container.organization, container.kind) == (world.commune_a, "committee")
    assert container.title == "Kết luận kiểm tra: Kiểm tra thực hiện nghị quyết quý I"
    assert (r1.organization, r1.inspection) == (world.cell_a1, inspection)
    # the cell sees them among its directives and follows them up
    rows = queries_follow.cell_directives(world.secretary, world.cell_a1)
    assert [r.task for r in rows] == [r2, r1]
    follow_up = services_follow.follow_up_create(parent=r1, by=world.secretary)
    Task.objects.filter(pk=follow_up.pk).update(completed_on=today())
    row = queries_inspections.inspection_row(world.inspector, inspection)
    assert [(a.task, a.status) for a in row.remedies] == [(r2, rules.LATE), (r1, rules.DONE)]
    assert (row.rollup.total, row.rollup.done, row.rollup.late) == (2, 1, 1)
    # a second inspection gets its own container
    other = services_inspections.inspection_remedy_add(
        inspection=inspect(world, subject="Giám sát chuyên đề"), title="X", deadline=today(), by=world.staff
    )
    assert other.resolution != container


@pytest.mark.django_db
def test_inspections_are_listed_for_the_subtree(world):
    a1 = inspect(world)
    a2 = inspect(world, organization=world.cell_a2, started_on=date(2026, 1, 5))
    assert {r.inspection for r in queries_inspections.inspection_rows(world.inspector, world.commune_a)} == {a1, a2}
    assert [r.inspection for r in queries_inspections.inspection_rows(world.secretary, world.cell_a1)] == [a1]
    assert queries_inspections.inspection_rows(world.member_user, world.cell_a1) == []  # not for plain members


@pytest.mark.django_db
def test_an_amended_resolutions_tasks_are_still_followed(world):
    """Tasks stay on the amended version: they are still late, still reviewed, still alerted."""
    late = today() - timedelta(days=3)
    original = make_resolution(world.cell_a1, tasks=1, targets=0, lead=world.plain_member, deadline=late)
    task = original.tasks.get()
    following = make_meeting(world.cell_a1, when=timezone.now() + timedelta(days=5))
    before = (
        list(queries_tasks.overdue_for(world.secretary, today=today())),
        list(queries_tasks.review_tasks(following)),
    )
    assert before == ([task], [task])
    services_follow.resolution_amend(resolution=original, reason="Điều chỉnh", adopted_on=today(), by=world.secretary)
    assert list(queries_tasks.overdue_for(world.secretary, today=today())) == [task]
    assert list(queries_tasks.review_tasks(following)) == [task]
    Task.objects.filter(pk=task.pk).update(deadline=today() - timedelta(days=1))
    for user in (world.member_user, world.secretary):
        user.email = f"{user.username}@example.org"
        user.save()
    assert services_tasks.task_alerts_send(on=today()) >= 1
