"""Pages of committee resolutions, directives and follow-ups, residents' feedback, amendments and inspections:
who reads, who changes (outsider 404 with nothing changed, anonymous to login, plain members read only, a cell's
secretary issues no committee resolution), bounded queries. The inspection commission's own inspections are
tested in apps/oversight/tests/test_supervision_inspections.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.resolutions.models import Feedback, Inspection, Resolution, Task, TaskProgress
from apps.resolutions.services import follow as services_follow
from apps.resolutions.services import inspections as services_inspections
from apps.resolutions.testing import make_resolution


def url(name, *args):
    return reverse(f"resolutions:{name}", args=args)


def today():
    return timezone.localdate()


def d(day):
    return day.strftime("%d/%m/%Y")


# Everything the follow-up views can change.
state = snapshot(
    Resolution.objects.order_by("pk").values_list("pk", "title", "status", "amends_id"),
    Task.objects.order_by("pk").values_list("pk", "title", "organization_id", "parent_id", "deadline"),
    Feedback.objects.order_by("pk").values_list("pk", "content", "response", "status"),
    Inspection.objects.order_by("pk").values_list("pk", "subject", "findings", "conclusion", "ended_on"),
)


@pytest.fixture
def directive(world):
    """Commune A's directive with a task for each of its cells."""
    resolution = services_follow.committee_resolution_create(
        committee=world.commune_a, kind="directive", title="Chỉ thị ra quân mùa khô", adopted_on=today(), by=world.staff
    )
    services_follow.committee_task_assign(
        resolution=resolution,
        cells=[world.cell_a1, world.cell_a2],
        title="Phát quang đường làng",
        deadline=today() + timedelta(days=10),
    )
    return resolution


@pytest.fixture
def a1_task(directive, world):
    return directive.tasks.get(organization=world.cell_a1)


@pytest.fixture
def cell_resolution(world):
    return make_resolution(world.cell_a1, tasks=1, targets=0, title="Nghị quyết tháng 4")


@pytest.fixture
def feedback_item(world, cell_resolution):
    return services_follow.feedback_add(
        resolution=cell_resolution,
        source="mass_organisation",
        source_detail="Hội Phụ nữ",
        received_on=today(),
        content="Đề nghị lắp đèn đường",
        by=world.secretary,
    )


@pytest.fixture
def inspection(world):
    return services_inspections.inspection_create(
        organization=world.cell_a1,
        kind="regular",
        subject="Kiểm tra sinh hoạt chi bộ",
        started_on=today() - timedelta(days=2),
        by=world.staff,
    )


def denied(client, name, arg, data):
    """GET and POST answer 404 and nothing changes."""
    before = state()
    assert client.get(url(name, arg)).status_code == 404
    assert client.post(url(name, arg), data).status_code == 404
    assert state() == before


# ---------------------------------------------------------------------------------------------- anonymous


@pytest.mark.parametrize(
    "name",
    [
        "committee_resolutions",
        "committee_new",
        "committee_resolution",
        "committee_task_add",
        "cell_directives",
        "follow_up_create",
        "feedback",
        "feedback_respond",
        "resolution_amend",
        "inspections",
        "inspection_new",
        "inspection",
    ],
)
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, directive, a1_task, feedback_item, inspection, name):
    arg = {
        "committee_resolutions": world.commune_a.pk,
        "committee_new": world.commune_a.pk,
        "committee_resolution": directive.pk,
        "committee_task_add": directive.pk,
        "cell_directives": world.cell_a1.pk,
        "follow_up_create": a1_task.pk,
        "feedback": feedback_item.resolution_id,
        "feedback_respond": feedback_item.pk,
        "resolution_amend": feedback_item.resolution_id,
        "inspections": world.cell_a1.pk,
        "inspection_new": world.cell_a1.pk,
        "inspection": inspection.pk,
    }[name]
    response = client.get(url(name, arg))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------- committee resolutions


def committee_post():
    return {"kind": "committee", "title": "Nghị quyết về chuyển đổi số", "adopted_on": d(today())}


@pytest.mark.django_db
def test_committee_staff_issue_a_resolution(world, client_for):
    client = client_for(world.staff)
    assert client.get(url("committee_new", world.commune_a.pk)).status_code == 200
    response = client.post(url("committee_new", world.commune_a.pk), committee_post())
    resolution = Resolution.objects.get(title="Nghị quyết về chuyển đổi số")
    assert response.status_code == 302 and response["Location"] == url("committee_resolution", resolution.pk)
    assert (resolution.organization, resolution.kind) == (world.commune_a, "committee")


@pytest.mark.parametrize("persona", ["secretary", "inspector", "supervisor", "member_user", "outsider"])
@pytest.mark.django_db
def test_others_issue_no_committee_resolution(world, client_for, persona):
    denied(client_for(getattr(world, persona)), "committee_new", world.commune_a.pk, committee_post())


@pytest.mark.django_db
def test_a_cell_is_not_a_committee(world, client_for):
    denied(client_for(world.staff), "committee_new", world.cell_a1.pk, committee_post())


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff", 200),
        ("inspector", 200),
        ("secretary", 404),  # the cell sees its tasks among its directives, not the committee's page
        ("member_user", 404),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["committee_resolutions", "committee_resolution"])
@pytest.mark.django_db
def test_committee_pages_are_scoped(world, client_for, directive, persona, expected, name):
    arg = world.commune_a.pk if name == "committee_resolutions" else directive.pk
    assert client_for(getattr(world, persona)).get(url(name, arg)).status_code == expected


@pytest.mark.django_db
def test_committee_page_shows_each_cells_follow_up_and_the_completion(world, client_for, directive, a1_task):
    follow_up = services_follow.follow_up_create(parent=a1_task, title="Huy động đoàn viên", by=world.secretary)
    Task.objects.filter(pk=follow_up.pk).update(completed_on=today())
    page = client_for(world.staff).get(url("committee_resolution", directive.pk)).content.decode()
    assert "Huy động đoàn viên" in page and "Chi bộ Thôn Đông" in page
    assert "1/2 cells done" in page or "1/2 chi bộ hoàn thành" in page
    assert "(50,0%)" in page
    assert url("committee_task_add", directive.pk) in page
    page = client_for(world.inspector).get(url("committee_resolution", directive.pk)).content.decode()
    assert "Huy động đoàn viên" in page and url("committee_task_add", directive.pk) not in page


def task_post(world, cells):
    return {"cells": [c.pk for c in cells], "title": "Kiểm tra hộ nghèo", "deadline": d(today() + timedelta(days=7))}


@pytest.mark.django_db
def test_staff_assign_a_task_to_cells(world, client_for, directive):
    client = client_for(world.staff)
    page = client.get(url("committee_task_add", directive.pk)).content.decode()
    assert "Chi bộ 21" in page and "Chi bộ Khu 3" not in page
    response = client.post(url("committee_task_add", directive.pk), task_post(world, [world.cell_a1, world.cell_a2]))
    assert response.status_code == 302
    assert set(Task.objects.filter(title="Kiểm tra hộ nghèo").values_list("organization", flat=True)) == {
        world.cell_a1.pk,
        world.cell_a2.pk,
    }


@pytest.mark.django_db
def test_no_task_for_a_cell_outside_the_committee(world, client_for, directive):
    before = state()
    response = client_for(world.staff).post(url("committee_task_add", directive.pk), task_post(world, [world.cell_b1]))
    assert response.status_code == 200 and state() == before


@pytest.mark.parametrize("persona", ["secretary", "inspector", "member_user", "outsider"])
@pytest.mark.django_db
def test_others_assign_no_committee_task(world, client_for, directive, persona):
    denied(client_for(getattr(world, persona)), "committee_task_add", directive.pk, task_post(world, [world.cell_a1]))


# -------------------------------------------------------------------------------------- directives and follow-ups


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("member_user", 200),
        ("staff", 200),
        ("inspector", 200),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_cell_directives_are_scoped(world, client_for, directive, persona, expected):
    assert client_for(getattr(world, persona)).get(url("cell_directives", world.cell_a1.pk)).status_code == expected


@pytest.mark.django_db
def test_the_secretary_follows_up_a_directive(world, client_for, a1_task):
    client = client_for(world.secretary)
    page = client.get(url("cell_directives", world.cell_a1.pk)).content.decode()
    assert "Phát quang đường làng" in page and url("follow_up_create", a1_task.pk) in page
    assert client.get(url("follow_up_create", a1_task.pk)).status_code == 200
    data = {"title": "Ra quân ngày chủ nhật", "lead": world.plain_member.pk, "deadline": d(a1_task.deadline)}
    response = client.post(url("follow_up_create", a1_task.pk), data)
    assert response.status_code == 302 and response["Location"] == url("cell_directives", world.cell_a1.pk)
    follow_up = Task.objects.get(parent=a1_task)
    assert (follow_up.title, follow_up.lead, follow_up.organization) == (
        "Ra quân ngày chủ nhật",
        world.plain_member,
        world.cell_a1,
    )
    page = client.get(url("cell_directives", world.cell_a1.pk)).content.decode()
    assert "Ra quân ngày chủ nhật" in page and url("follow_up_create", a1_task.pk) not in page
    # a second follow-up is refused, nothing changes
    before = state()
    assert client.post(url("follow_up_create", a1_task.pk), data).status_code == 200
    assert state() == before


@pytest.mark.django_db
def test_a_plain_member_reads_directives_without_tools(world, client_for, a1_task):
    page = client_for(world.member_user).get(url("cell_directives", world.cell_a1.pk)).content.decode()
    assert "Phát quang đường làng" in page and url("follow_up_create", a1_task.pk) not in page


@pytest.mark.parametrize("persona", ["member_user", "inspector", "supervisor", "outsider"])
@pytest.mark.django_db
def test_others_create_no_follow_up(world, client_for, a1_task, persona):
    data = {"title": "X", "deadline": d(a1_task.deadline)}
    denied(client_for(getattr(world, persona)), "follow_up_create", a1_task.pk, data)


@pytest.mark.django_db
def test_the_other_cells_task_is_not_found(world, client_for, directive):
    a2_task = directive.tasks.get(organization=world.cell_a2)
    denied(client_for(world.secretary), "follow_up_create", a2_task.pk, {"title": "X", "deadline": d(today())})


# ---------------------------------------------------------------------------------------------- feedback and amendments


def feedback_post():
    return {
        "source": "residents_meeting",
        "source_detail": "Hội nghị khu dân cư số 2",
        "received_on": d(today()),
        "content": "Đề nghị nạo vét kênh",
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("inspector", 200),
        ("member_user", 200),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_feedback_page_is_scoped(world, client_for, feedback_item, persona, expected):
    response = client_for(getattr(world, persona)).get(url("feedback", feedback_item.resolution_id))
    assert response.status_code == expected


@pytest.mark.django_db
def test_the_secretary_records_and_answers_feedback(world, client_for, cell_resolution):
    client = client_for(world.secretary)
    task = cell_resolution.tasks.get()
    response = client.post(url("feedback", cell_resolution.pk), {**feedback_post(), "task": task.pk})
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.task, item.source_detail, item.recorded_by) == (task, "Hội nghị khu dân cư số 2", world.secretary)
    assert client.get(url("feedback_respond", item.pk)).status_code == 200
    response = client.post(url("feedback_respond", item.pk), {"response": "Đã giao tổ dân phố", "status": "closed"})
    assert response.status_code == 302 and response["Location"] == url("feedback", cell_resolution.pk)
    item.refresh_from_db()
    assert (item.status, item.response) == ("closed", "Đã giao tổ dân phố")
    page = client.get(url("feedback", cell_resolution.pk)).content.decode()
    assert "Đề nghị nạo vét kênh" in page and "Đã giao tổ dân phố" in page


@pytest.mark.django_db
def test_a_plain_member_reads_feedback_but_changes_nothing(world, client_for, feedback_item):
    client = client_for(world.member_user)
    page = client.get(url("feedback", feedback_item.resolution_id)).content.decode()
    assert "Đề nghị lắp đèn đường" in page
    assert (
        url("feedback_respond", feedback_item.pk) not in page and "csrfmiddlewaretoken" not in page.split("</nav>")[-1]
    )
    before = state()
    assert client.post(url("feedback", feedback_item.resolution_id), feedback_post()).status_code == 404
    assert state() == before


@pytest.mark.parametrize("persona", ["member_user", "inspector", "supervisor", "outsider"])
@pytest.mark.django_db
def test_others_record_or_answer_no_feedback(world, client_for, feedback_item, persona):
    client = client_for(getattr(world, persona))
    before = state()
    assert client.post(url("feedback", feedback_item.resolution_id), feedback_post()).status_code == 404
    assert state() == before
    denied(client, "feedback_respond", feedback_item.pk, {"response": "X", "status": "closed"})


def amend_post(resolution):
    return {
        "title": resolution.title + " (điều chỉnh)",
        "summary": "Nội dung mới",
        "amendment_reason": "Theo kiến nghị của Hội nghị khu dân cư",
        "adopted_on": d(today()),
    }


@pytest.mark.django_db
def test_the_secretary_amends_and_both_pages_show_the_versions(world, client_for, cell_resolution):
    client = client_for(world.secretary)
    assert client.get(url("resolution_amend", cell_resolution.pk)).status_code == 200
    response = client.post(url("resolution_amend", cell_resolution.pk), amend_post(cell_resolution))
    new = Resolution.objects.get(amends=cell_resolution)
    assert response.status_code == 302 and response["Location"] == url("feedback", new.pk)
    cell_resolution.refresh_from_db()
    assert cell_resolution.status == "amended" and cell_resolution.tasks.count() == 1
    for page_of in (new, cell_resolution):
        for name in ("feedback", "targets"):
            page = client.get(url(name, page_of.pk)).content.decode()
            assert 'id="versions"' in page and "Theo kiến nghị của Hội nghị khu dân cư" in page
            assert "Nghị quyết tháng 4 (điều chỉnh)" in page
    # the superseded version is not amended again
    before = state()
    assert client.post(url("resolution_amend", cell_resolution.pk), amend_post(cell_resolution)).status_code == 200
    assert state() == before


@pytest.mark.django_db
def test_an_amendment_needs_a_reason(world, client_for, cell_resolution):
    before = state()
    data = {**amend_post(cell_resolution), "amendment_reason": ""}
    assert client_for(world.secretary).post(url("resolution_amend", cell_resolution.pk), data).status_code == 200
    assert state() == before


@pytest.mark.parametrize("persona", ["member_user", "inspector", "supervisor", "outsider"])
@pytest.mark.django_db
def test_others_amend_nothing(world, client_for, cell_resolution, persona):
    denied(client_for(getattr(world, persona)), "resolution_amend", cell_resolution.pk, amend_post(cell_resolution))


# ---------------------------------------------------------------------------------------------- inspections


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("staff", "commune_a", 200),
        ("inspector", "commune_a", 200),
        ("secretary", "cell_a1", 200),  # the inspected cell reads its inspections
        ("secretary", "commune_a", 404),
        ("member_user", "cell_a1", 404),  # plain members do not
        ("supervisor", "cell_a1", 404),
        ("outsider", "commune_a", 404),
        ("outsider", "cell_a1", 404),
    ],
)
@pytest.mark.django_db
def test_inspection_lists_are_scoped(world, client_for, inspection, persona, org, expected):
    response = client_for(getattr(world, persona)).get(url("inspections", getattr(world, org).pk))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff", 200),
        ("inspector", 200),
        ("secretary", 200),
        ("member_user", 404),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_inspection_page_is_scoped(world, client_for, inspection, persona, expected):
    assert client_for(getattr(world, persona)).get(url("inspection", inspection.pk)).status_code == expected


def inspection_post():
    return {"kind": "ad_hoc", "mode": "inspection", "subject": "Kiểm tra đột xuất", "started_on": d(today())}


@pytest.mark.django_db
def test_staff_record_an_inspection_with_findings_and_remedies(world, client_for):
    client = client_for(world.staff)
    page = client.get(url("inspections", world.commune_a.pk)).content.decode()
    assert url("inspection_new", world.cell_a1.pk) in page
    assert client.get(url("inspection_new", world.cell_a1.pk)).status_code == 200
    response = client.post(url("inspection_new", world.cell_a1.pk), inspection_post())
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == url("inspection", inspection.pk)
    data = {"findings": "Sổ biên bản ghi chưa đủ", "conclusion": "Cần khắc phục", "ended_on": d(today())}
    assert client.post(url("inspection_conclude", inspection.pk), data).status_code == 302
    data = {"title": "Bổ sung sổ biên bản", "deadline": d(today() + timedelta(days=14))}
    assert client.post(url("inspection_remedy_add", inspection.pk), data).status_code == 302
    remedy = Task.objects.get(inspection=inspection)
    assert remedy.organization == world.cell_a1
    page = client.get(url("inspection", inspection.pk)).content.decode()
    assert "Sổ biên bản ghi chưa đủ" in page and "Bổ sung sổ biên bản" in page
    assert url("inspection_remedy_add", inspection.pk) in page
    # the cell sees the remedy among its directives
    page = client_for(world.secretary).get(url("cell_directives", world.cell_a1.pk)).content.decode()
    assert "Bổ sung sổ biên bản" in page and url("follow_up_create", remedy.pk) in page


@pytest.mark.django_db
def test_an_invalid_remedy_shows_the_form_again(world, client_for, inspection):
    before = state()
    response = client_for(world.staff).post(url("inspection_remedy_add", inspection.pk), {"title": "", "deadline": ""})
    assert response.status_code == 200 and state() == before


# The inspection commission records inspections in its own subtree: apps/oversight/tests/test_supervision_inspections.py


@pytest.mark.parametrize("persona", ["secretary", "member_user", "supervisor", "outsider"])
@pytest.mark.django_db
def test_others_conclude_nothing_and_require_no_remedy(world, client_for, inspection, persona):
    client = client_for(getattr(world, persona))
    before = state()
    data = {"findings": "X", "conclusion": "Y"}
    assert client.post(url("inspection_conclude", inspection.pk), data).status_code == 404
    data = {"title": "X", "deadline": d(today())}
    assert client.post(url("inspection_remedy_add", inspection.pk), data).status_code == 404
    assert state() == before


@pytest.mark.parametrize("persona", ["secretary", "member_user", "supervisor", "outsider"])
@pytest.mark.django_db
def test_others_open_no_inspection(world, client_for, persona):
    denied(client_for(getattr(world, persona)), "inspection_new", world.cell_a1.pk, inspection_post())


@pytest.mark.django_db
def test_inspections_are_of_cells(world, client_for):
    denied(client_for(world.staff), "inspection_new", world.commune_a.pk, inspection_post())


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_committee_resolution_query_count(world, client_for, rows):
    resolution = services_follow.committee_resolution_create(
        committee=world.commune_a, kind="committee", title="NQ", adopted_on=today(), by=world.staff
    )
    cells = [world.cell_a1, world.cell_a2, world.cell_a1]
    for i, cell in enumerate(cells[:rows]):
        (task,) = services_follow.committee_task_assign(
            resolution=resolution, cells=[cell], title=f"Việc {i}", deadline=today() + timedelta(days=i)
        )
        lead = world.plain_member if cell == world.cell_a1 else world.a2_member
        follow_up = services_follow.follow_up_create(parent=task, lead=lead, by=world.staff)
        TaskProgress.objects.create(task=follow_up, on=today(), text="Đang làm")
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("committee_resolution", resolution.pk)).status_code == 200
    # session, user, grants, resolution (+committee), committee tasks (+cell, progress flag), their follow-ups
    # (+lead, progress flag), versions
    assert len(ctx.captured_queries) == 7


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_cell_directives_query_count(world, client_for, directive, rows):
    for i in range(rows - 1):
        services_follow.committee_task_assign(
            resolution=directive, cells=[world.cell_a1], title=f"Thêm {i}", deadline=today()
        )
    for task in Task.objects.filter(organization=world.cell_a1, parent=None):
        services_follow.follow_up_create(parent=task, by=world.secretary)
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("cell_directives", world.cell_a1.pk)).status_code == 200
    # session, user, grants, cell, tasks from above (+resolution, committee, inspection, progress flag),
    # follow-ups (+lead, progress flag)
    assert len(ctx.captured_queries) == 6


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_feedback_query_count(world, client_for, cell_resolution, rows):
    task = cell_resolution.tasks.get()
    for i in range(rows):
        services_follow.feedback_add(
            resolution=cell_resolution,
            source="individual",
            received_on=today(),
            content=f"Ý kiến {i}",
            task=task,
            by=world.secretary,
        )
    client = client_for(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("feedback", cell_resolution.pk)).status_code == 200
    # session, user, grants, resolution (+organisation), feedback (+task, recorder), tasks for the form's
    # choice, versions
    assert len(ctx.captured_queries) == 7


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_inspections_query_count(world, client_for, rows):
    for i in range(rows):
        inspection = services_inspections.inspection_create(
            organization=[world.cell_a1, world.cell_a2][i % 2],
            kind="periodic",
            subject=f"Kiểm tra {i}",
            started_on=today(),
            by=world.staff,
        )
        remedy = services_inspections.inspection_remedy_add(
            inspection=inspection, title="Khắc phục", deadline=today(), by=world.staff
        )
        services_follow.follow_up_create(parent=remedy, by=world.staff)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("inspections", world.commune_a.pk)).status_code == 200
    # session, user, grants, organisation, inspections (+cell, resolution), remedies (+progress flag),
    # their follow-ups (+lead, progress flag), cells that may be inspected
    assert len(ctx.captured_queries) == 8


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_inspection_page_query_count(world, client_for, inspection, rows):
    for i in range(rows):
        remedy = services_inspections.inspection_remedy_add(
            inspection=inspection, title=f"Khắc phục {i}", deadline=today(), by=world.staff
        )
        services_follow.follow_up_create(parent=remedy, by=world.staff)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("inspection", inspection.pk)).status_code == 200
    # session, user, grants, inspection (+cell, resolution), remedies (+progress flag), follow-ups
    assert len(ctx.captured_queries) == 6


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_committee_resolutions_query_count(world, client_for, rows):
    for i in range(rows):
        services_follow.committee_resolution_create(
            committee=world.commune_a, kind="directive", title=f"Chỉ thị {i}", adopted_on=today(), by=world.staff
        )
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("committee_resolutions", world.commune_a.pk)).status_code == 200
    # session, user, grants, committee, its resolutions
    assert len(ctx.captured_queries) == 5


@pytest.mark.django_db
def test_a_member_opens_the_cells_task_of_a_directive_without_a_link_to_the_directive(world, client_for, a1_task):
    """A plain member follows the task the commune's directive gave the cell, but may not open the directive: the
    task page names it without a link (the walk found the dead link); committee staff get the link."""
    response = client_for(world.member_user).get(reverse("resolutions:task", args=[a1_task.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    directive_url = reverse("resolutions:resolution", args=[a1_task.resolution_id])
    assert "Chỉ thị ra quân mùa khô" in page and directive_url not in page
    assert client_for(world.member_user).get(directive_url).status_code == 404
    staff_page = client_for(world.staff).get(reverse("resolutions:task", args=[a1_task.pk])).content.decode()
    assert directive_url in staff_page
