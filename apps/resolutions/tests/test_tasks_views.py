"""Resolution and task pages: who sees and changes what. The outsider (another commune) and the supervisor of
another cell get 404 with nothing changed; anonymous users go to the login page; a plain member reads their cell's
resolution and posts progress only on their own tasks (another member's task of the same cell: 403, nothing saved);
the secretary's actions answer 404 to a plain member. List and detail pages take the same queries for 1 or 3 rows."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from apps.common.testing import UserFactory, snapshot
from apps.meetings.models import AgendaItem, MeetingDocument
from apps.meetings.testing import make_meeting
from apps.members.testing import add_member
from apps.resolutions.models import Resolution, Task, TaskProgress
from apps.resolutions.services import progress as services_progress
from apps.resolutions.services import tasks as services_tasks
from apps.resolutions.testing import make_resolution
from apps.resolutions.tests.test_tasks_services import adopted, drafted, held, today
from tests.samples import png_bytes

NO_VOTE = "No closed vote on the resolution at this meeting: the meeting votes on it first, then it is adopted."


def url(name, *args):
    return reverse(f"resolutions:{name}", args=args)


# Everything these views can change.
state = snapshot(
    Resolution.objects.order_by("pk").values_list("pk", "title", "summary", "status", "adopted_on", "vote"),
    Task.objects.order_by("pk").values_list(
        "pk", "title", "lead", "deadline", "report_meeting", "completed_on", "dropped_reason", "outcome"
    ),
    TaskProgress.objects.order_by("pk").values_list("pk", "text"),
    AgendaItem.objects.order_by("pk").values_list("pk", "position", "title"),
    MeetingDocument.objects.order_by("pk").values_list("pk", "text"),
)


@pytest.fixture
def other_member(world):
    """A second plain member of cell A1 with an account."""
    return add_member(world.cell_a1, user=UserFactory(username="dangvien2"), full_name="Vũ Văn Khác", residence="Khu 3")


@pytest.fixture
def story(world, other_member):
    """This month's adopted resolution of A1 with the plain member's task (helped by nobody) and the other member's
    task, a progress entry with evidence on the plain member's task; next month's meeting prepared by the loop."""
    resolution, this, following = adopted(world, tasks=1)
    mine = resolution.tasks.get()
    theirs = Task.objects.create(
        resolution=resolution,
        organization=world.cell_a1,
        title="Việc của người khác",
        lead=other_member,
        deadline=mine.deadline,
    )
    entry = services_progress.task_progress_add(
        task=mine,
        on=today(),
        text="Đã làm một phần",
        evidence=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf"),
        by=world.member_user,
    )
    return {"resolution": resolution, "this": this, "following": following, "mine": mine, "theirs": theirs,
            "entry": entry}  # fmt: skip


# ---------------------------------------------------------------------------------------------- reading


READERS = [
    ("secretary", 200),
    ("staff", 200),
    ("inspector", 200),
    ("member_user", 200),  # a plain member reads their cell's resolution and tasks
    ("supervisor", 404),  # supervises cell A2
    ("outsider", 404),
]


@pytest.mark.parametrize(("persona", "expected"), READERS)
@pytest.mark.parametrize("name", ["resolution", "task", "evidence"])
@pytest.mark.django_db
def test_pages_are_scoped(world, client_for, story, persona, expected, name):
    arg = {"resolution": story["resolution"].pk, "task": story["mine"].pk, "evidence": story["entry"].pk}[name]
    response = client_for(getattr(world, persona)).get(url(name, arg))
    assert response.status_code == expected
    if name == "evidence" and expected == 200:
        assert response["Content-Disposition"].startswith("attachment") and b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("persona", "expected"), [("secretary", 302), ("member_user", 302), ("supervisor", 404), ("outsider", 404)]
)
@pytest.mark.django_db
def test_the_meeting_link_leads_to_its_resolution(world, client_for, story, persona, expected):
    response = client_for(getattr(world, persona)).get(url("meeting_resolution", story["this"].pk))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == url("resolution", story["resolution"].pk)


@pytest.mark.django_db
def test_opening_the_resolution_page_drafts_nothing_the_secretarys_button_does(world, client_for):
    """Before: the secretary's first GET of the page created the draft (a GET that writes)."""
    meeting = make_meeting(world.cell_a1)
    before = state()
    page = client_for(world.member_user).get(url("meeting_resolution", meeting.pk))
    assert page.status_code == 200 and state() == before
    assert gettext("Start the draft resolution") not in page.content.decode()
    page = client_for(world.secretary).get(url("meeting_resolution", meeting.pk))
    assert page.status_code == 200 and state() == before
    assert gettext("Start the draft resolution") in page.content.decode()
    response = client_for(world.secretary).post(url("meeting_resolution", meeting.pk))
    resolution = Resolution.objects.get()
    assert response["Location"] == url("resolution", resolution.pk) and resolution.meeting == meeting
    again = client_for(world.secretary).post(url("meeting_resolution", meeting.pk))  # a second click: the same one
    assert again["Location"] == url("resolution", resolution.pk) and Resolution.objects.count() == 1
    board = make_meeting(world.cell_a1, kind="board")
    assert client_for(world.secretary).get(url("meeting_resolution", board.pk)).status_code == 404


@pytest.mark.parametrize(("persona", "expected"), [("member_user", 403), ("supervisor", 404), ("outsider", 404)])
@pytest.mark.django_db
def test_only_the_cells_leaders_start_the_draft(world, client_for, persona, expected):
    meeting = make_meeting(world.cell_a1)
    before = state()
    assert client_for(getattr(world, persona)).post(url("meeting_resolution", meeting.pk)).status_code == expected
    assert state() == before


@pytest.mark.django_db
def test_the_meeting_screen_links_to_the_resolution(world, client_for, story):
    page = client_for(world.member_user).get(reverse("meetings:detail", args=[story["following"].pk]))
    assert url("meeting_resolution", story["following"].pk) in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["resolution", "task", "evidence", "meeting_resolution", "task_add", "task_edit", "my_tasks", "overdue"]
    + ["resolution_adopt", "resolution_refresh_loop", "task_delete", "task_progress", "task_done", "task_drop"]
    + ["task_review", "resolution_edit"],
)
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, story, name):
    arg = {
        "resolution": story["resolution"].pk,
        "resolution_adopt": story["resolution"].pk,
        "resolution_refresh_loop": story["resolution"].pk,
        "resolution_edit": story["resolution"].pk,
        "task_add": story["resolution"].pk,
        "meeting_resolution": story["this"].pk,
        "evidence": story["entry"].pk,
        "my_tasks": None,
        "overdue": None,
    }.get(name, story["mine"].pk)
    before = state()
    response = client.post(url(name, *([arg] if arg else [])))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert state() == before


# ---------------------------------------------------------------------------------------------- progress


@pytest.mark.django_db
def test_the_lead_posts_progress_with_evidence(world, client_for, story):
    file = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")
    response = client_for(world.member_user).post(
        url("task_progress", story["mine"].pk),
        {"on": today().strftime("%d/%m/%Y"), "text": "Xong 80%", "percent": "80", "evidence": file},
    )
    assert response.status_code == 302
    entry = TaskProgress.objects.latest("pk")
    assert (entry.text, entry.percent, entry.author) == ("Xong 80%", 80, world.member_user)
    assert entry.evidence.name.endswith(".png")


@pytest.mark.django_db
def test_a_helper_posts_progress_too(world, client_for, story, other_member):
    story["mine"].helpers.add(other_member)
    response = client_for(other_member.user).post(
        url("task_progress", story["mine"].pk), {"on": today().strftime("%d/%m/%Y"), "text": "Hỗ trợ"}
    )
    assert response.status_code == 302 and TaskProgress.objects.filter(text="Hỗ trợ").exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member_user", 403),  # a member of the same cell, not on this task
        ("inspector", 403),  # reads everything in the commune, posts nothing
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_others_cannot_post_progress_and_nothing_is_saved(world, client_for, story, persona, expected):
    before = state()
    response = client_for(getattr(world, persona)).post(
        url("task_progress", story["theirs"].pk), {"on": today().strftime("%d/%m/%Y"), "text": "Không phải việc tôi"}
    )
    assert response.status_code == expected
    assert state() == before


@pytest.mark.django_db
def test_a_member_of_another_cell_cannot_reach_the_task(world, client_for, story):
    member = add_member(world.cell_a2, user=UserFactory(username="thondong"), full_name="Thôn Đông Hai")
    client = client_for(member.user)
    before = state()
    assert client.get(url("task", story["mine"].pk)).status_code == 404
    assert client.post(url("task_progress", story["mine"].pk), {"on": "01/01/2026", "text": "x"}).status_code == 404
    assert state() == before


@pytest.mark.django_db
def test_invalid_progress_shows_the_form_again(world, client_for, story):
    response = client_for(world.member_user).post(url("task_progress", story["mine"].pk), {"on": "", "text": ""})
    assert response.status_code == 200 and TaskProgress.objects.count() == 1
    assert response.context["progress_form"].errors


@pytest.mark.django_db
def test_the_task_page_shows_the_log_and_only_allowed_tools(world, client_for, story):
    mine, theirs = story["mine"], story["theirs"]
    page = client_for(world.member_user).get(url("task", mine.pk)).content.decode()
    assert "Đã làm một phần" in page and url("evidence", story["entry"].pk) in page
    assert url("task_progress", mine.pk) in page and url("task_done", mine.pk) in page
    assert url("task_drop", mine.pk) not in page
    other = client_for(world.member_user).get(url("task", theirs.pk)).content.decode()
    assert url("task_progress", theirs.pk) not in other and url("task_done", theirs.pk) not in other
    secretary = client_for(world.secretary).get(url("task", theirs.pk)).content.decode()
    assert url("task_drop", theirs.pk) in secretary and url("task_progress", theirs.pk) in secretary


# ---------------------------------------------------------------------------------------------- done, drop, review


@pytest.mark.django_db
def test_the_lead_marks_their_task_done_others_may_not(world, client_for, story):
    client = client_for(world.member_user)
    before = state()
    assert client.post(url("task_done", story["theirs"].pk), {"on": ""}).status_code == 403
    assert client_for(world.outsider).post(url("task_done", story["mine"].pk), {"on": ""}).status_code == 404
    assert state() == before
    assert client_for(world.member_user).post(url("task_done", story["mine"].pk), {"on": ""}).status_code == 302
    assert Task.objects.get(pk=story["mine"].pk).completed_on == today()


@pytest.mark.parametrize(("persona", "expected"), [("member_user", 404), ("inspector", 404), ("outsider", 404)])
@pytest.mark.parametrize("name", ["task_drop", "task_review", "task_delete"])
@pytest.mark.django_db
def test_secretary_actions_on_a_task_are_not_found_for_others(world, client_for, story, persona, expected, name):
    before = state()
    data = {"reason": "Thôi", "outcome": "Xong", "decision": "done"}
    assert client_for(getattr(world, persona)).post(url(name, story["mine"].pk), data).status_code == expected
    assert state() == before


@pytest.mark.django_db
def test_the_secretary_drops_a_task_with_a_reason(world, client_for, story):
    client = client_for(world.secretary)
    assert client.post(url("task_drop", story["theirs"].pk), {"reason": ""}).status_code == 302
    assert Task.objects.get(pk=story["theirs"].pk).dropped_reason == ""
    client.post(url("task_drop", story["theirs"].pk), {"reason": "Không còn phù hợp"})
    assert Task.objects.get(pk=story["theirs"].pk).dropped_reason == "Không còn phù hợp"


@pytest.mark.django_db
def test_the_secretary_records_the_outcome_at_the_next_meeting(world, client_for, story):
    following = services_tasks.resolution_for_meeting(meeting=story["following"], by=world.secretary)
    back = url("resolution", following.pk) + f"#review-{story['mine'].pk}"
    page = client_for(world.secretary).get(url("resolution", following.pk)).content.decode()
    assert url("task_review", story["mine"].pk) in page and "Việc của người khác" in page
    response = client_for(world.secretary).post(
        url("task_review", story["mine"].pk), {"outcome": "Vượt kế hoạch", "decision": "done", "on": "", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    task = Task.objects.get(pk=story["mine"].pk)
    assert task.outcome == "Vượt kế hoạch" and task.completed_on == today()
    unsafe = client_for(world.secretary).post(
        url("task_review", story["mine"].pk), {"decision": "open", "next": "https://example.com/"}
    )
    assert unsafe["Location"] == url("task", story["mine"].pk)


@pytest.mark.django_db
def test_a_refused_outcome_comes_back_open_where_it_was_with_what_was_typed(world, client_for, story):
    """Before: a refused review went back to the page with the form shut, the outcome typed gone and the error at the
    top of a long page."""
    following = services_tasks.resolution_for_meeting(meeting=story["following"], by=world.secretary)
    mine = story["mine"]
    back = url("resolution", following.pk) + f"#review-{mine.pk}"
    outcome = "Đã vận động 12 hộ tham gia, còn 3 hộ chưa đồng ý."
    response = client_for(world.secretary).post(
        url("task_review", mine.pk), {"outcome": outcome, "decision": "done", "on": "31/02/2026", "next": back}
    )
    assert response.status_code == 200
    page = response.content.decode()
    article = page[page.index(f'id="review-{mine.pk}"') :]
    article = article[: article.index("</article>")]
    assert "<details open>" in article and outcome in article and 'value="31/02/2026"' in article
    assert "Nhập một ngày hợp lệ." in article
    assert '<option value="done" selected>' in article
    assert f'name="next" value="{back}"' in article  # sent again from here, it still goes back to the resolution
    assert Task.objects.get(pk=mine.pk).outcome == ""  # nothing saved


@pytest.mark.django_db
def test_a_refused_edit_of_the_content_keeps_the_text(world, client_for, draft):
    resolution, _this, _following = draft
    summary = "Chi bộ thống nhất ba nhiệm vụ trọng tâm của tháng."
    response = client_for(world.secretary).post(
        url("resolution_edit", resolution.pk), {"title": "", "summary": summary}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert summary in page and "Trường này là bắt buộc." in page
    resolution.refresh_from_db()
    assert resolution.title and resolution.summary != summary  # nothing saved


# ---------------------------------------------------------------------------------------------- the draft


@pytest.fixture
def draft(world):
    resolution, this, following = drafted(world, tasks=1)
    return resolution, this, following


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretary", 200), ("staff", 200), ("member_user", 404), ("inspector", 404), ("outsider", 404)],
)
@pytest.mark.parametrize("name", ["task_add", "task_edit"])
@pytest.mark.django_db
def test_task_forms_need_manage_rights(world, client_for, draft, persona, expected, name):
    resolution = draft[0]
    arg = resolution.pk if name == "task_add" else resolution.tasks.get().pk
    assert client_for(getattr(world, persona)).get(url(name, arg)).status_code == expected


@pytest.mark.django_db
def test_the_secretary_adds_a_task_choosing_from_suggested_members(world, client_for, draft, other_member):
    resolution, _this, following = draft
    client = client_for(world.secretary)
    page = client.get(url("task_add", resolution.pk) + "?near=Khu+3")
    lead_choices = [label for value, label in page.context["form"].fields["lead"].choices if value]
    load = ngettext("%(count)s open task", "%(count)s open tasks", 0) % {"count": 0}
    assert lead_choices[0] == f"Vũ Văn Khác — Khu 3 — {load}"  # lives in Khu 3
    assert page.context["form"].initial["report_meeting"] == following.pk
    deadline = (today() + timedelta(days=15)).strftime("%d/%m/%Y")
    response = client.post(
        url("task_add", resolution.pk),
        {"title": "Thăm hỏi gia đình chính sách", "lead": other_member.pk, "helpers": [world.plain_member.pk],
         "deadline": deadline, "report_meeting": ""},
    )  # fmt: skip
    assert response.status_code == 302
    task = Task.objects.get(title="Thăm hỏi gia đình chính sách")
    assert task.lead == other_member and task.report_meeting == following
    assert list(task.helpers.all()) == [world.plain_member]


@pytest.mark.django_db
def test_service_errors_are_shown_on_the_task_form(world, client_for, draft):
    resolution = draft[0]
    response = client_for(world.secretary).post(
        url("task_add", resolution.pk), {"title": "Không ai chủ trì", "deadline": today().strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200 and response.context["form"].errors["lead"]


@pytest.mark.django_db
def test_the_secretary_edits_and_removes_a_task(world, client_for, draft):
    resolution = draft[0]
    task = resolution.tasks.get()
    client = client_for(world.secretary)
    response = client.post(
        url("task_edit", task.pk),
        {"title": "Tên mới", "lead_is_board": "on", "deadline": task.deadline.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Tên mới" and task.lead_is_board and task.lead is None
    assert client.post(url("task_delete", task.pk)).status_code == 302
    assert not Task.objects.exists()


@pytest.mark.parametrize("persona", ["member_user", "inspector", "outsider", "supervisor"])
@pytest.mark.parametrize("name", ["resolution_adopt", "resolution_refresh_loop", "resolution_edit", "task_add"])
@pytest.mark.django_db
def test_resolution_actions_are_not_found_for_others(world, client_for, draft, persona, name):
    resolution, this, _following = draft
    held(this, approving=2)
    before = state()
    data = {"title": "Đổi", "summary": "Đổi", "lead": world.plain_member.pk, "deadline": "01/01/2030"}
    assert client_for(getattr(world, persona)).post(url(name, resolution.pk), data).status_code == 404
    assert state() == before


@pytest.mark.django_db
def test_adopting_without_a_passing_vote_is_refused_with_a_message(world, client_for, draft):
    resolution, _this, _following = draft
    before = state()
    response = client_for(world.secretary).post(url("resolution_adopt", resolution.pk), follow=True)
    notes = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert notes == [("error", gettext(NO_VOTE))]
    assert state() == before


@pytest.mark.django_db
def test_adopting_on_a_passed_vote_prepares_the_next_meeting(world, client_for, draft):
    resolution, this, following = draft
    held(this, approving=2)
    response = client_for(world.secretary).post(url("resolution_adopt", resolution.pk))
    assert response.status_code == 302
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.ADOPTED
    assert MeetingDocument.objects.filter(meeting=following, kind="draft_resolution").exists()


@pytest.mark.django_db
def test_the_refresh_button_updates_the_meetings_review(world, client_for, story):
    following = services_tasks.resolution_for_meeting(meeting=story["following"], by=world.secretary)
    response = client_for(world.secretary).post(url("resolution_refresh_loop", following.pk))
    assert response.status_code == 302
    titles = list(AgendaItem.objects.filter(meeting=story["following"]).values_list("title", flat=True))
    assert "Kiểm điểm nhiệm vụ: Việc của người khác" in titles  # added to the resolution after the adoption
    assert titles.count("Kiểm điểm nhiệm vụ: Nhiệm vụ tháng này 1") == 1


@pytest.mark.django_db
def test_the_secretary_edits_the_content(world, client_for, draft):
    resolution = draft[0]
    client_for(world.secretary).post(url("resolution_edit", resolution.pk), {"title": "Nghị quyết", "summary": "Nội"})
    resolution.refresh_from_db()
    assert (resolution.title, resolution.summary) == ("Nghị quyết", "Nội")


# ---------------------------------------------------------------------------------------------- my tasks, overdue


@pytest.mark.django_db
def test_my_tasks_lists_what_i_lead_or_help_with(world, client_for, story, other_member):
    helped = make_resolution(world.cell_a1, tasks=1, targets=0, lead=world.secretary_member).tasks.get()
    helped.helpers.add(world.plain_member)
    response = client_for(world.member_user).get(url("my_tasks"))
    titles = [t.title for t in response.context["rows"]]
    assert sorted(titles) == sorted([story["mine"].title, helped.title])
    assert response.context["open_count"] == 2
    assert url("task", story["mine"].pk) in response.content.decode()
    nobody = client_for(world.staff).get(url("my_tasks"))
    assert nobody.status_code == 200 and nobody.context["member"] is None


def _late_tasks(cell, count):
    return make_resolution(cell, tasks=count, targets=0, deadline=today() - timedelta(days=2))


@pytest.mark.django_db
def test_overdue_lists_late_tasks_in_the_users_scope(world, client_for):
    _late_tasks(world.cell_a1, 1)
    a2 = _late_tasks(world.cell_a2, 1)
    make_resolution(world.cell_a2, tasks=1, targets=0)  # not late
    make_resolution(world.cell_b1, tasks=1, targets=0, deadline=today() - timedelta(days=2))
    titles = {}
    for persona in ("staff", "supervisor", "secretary", "outsider"):
        page = client_for(getattr(world, persona)).get(url("overdue")).context["page"]
        titles[persona] = sorted(t.organization.name for t in page)
    assert titles["staff"] == ["Chi bộ 21", "Chi bộ Thôn Đông"]
    assert titles["supervisor"] == ["Chi bộ Thôn Đông"] and a2.organization == world.cell_a2
    assert titles["secretary"] == ["Chi bộ 21"]
    assert titles["outsider"] == ["Chi bộ Khu 3"]


# ---------------------------------------------------------------------------------------------- query counts


def _count(client, path):
    client.get(path)  # warm the caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_the_resolution_page_takes_the_same_queries_whatever_the_number_of_tasks(world, client_for, rows):
    # session, user, grants, the resolution with cell, meeting and vote; tasks under review, their helpers;
    # the resolution's tasks, their helpers; the meeting's closed vote on the resolution.
    resolution, this, following = adopted(world, tasks=rows)
    for task in resolution.tasks.all():
        task.helpers.add(world.secretary_member)
    upcoming = services_tasks.resolution_for_meeting(meeting=following, by=world.secretary)
    for i in range(rows):
        task = services_tasks.task_add(
            resolution=upcoming,
            title=f"Tháng sau {i}",
            lead=world.plain_member,
            helpers=[world.secretary_member],
            deadline=today() + timedelta(days=40),
        )
    count, sql = _count(client_for(world.secretary), url("resolution", upcoming.pk))
    assert count == 9, sql


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_my_tasks_takes_the_same_queries_whatever_the_number_of_tasks(world, client_for, rows):
    # session, user, grants, the user's member, the tasks (lead, report meeting, cell, resolution, progress as
    # EXISTS), their helpers.
    resolution = make_resolution(world.cell_a1, tasks=rows, targets=0, lead=world.plain_member)
    for task in resolution.tasks.all():
        task.helpers.add(world.secretary_member)
    count, sql = _count(client_for(world.member_user), url("my_tasks"))
    assert count == 6, sql


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.django_db
def test_overdue_takes_the_same_queries_whatever_the_number_of_tasks(world, client_for, rows):
    # session, user, grants, the count for the pagination, the page of tasks with cell, lead and resolution.
    make_resolution(world.cell_a1, tasks=rows, targets=0, lead=world.plain_member, deadline=today() - timedelta(days=1))
    count, sql = _count(client_for(world.staff), url("overdue"))
    assert count == 5, sql


@pytest.mark.django_db
def test_pages_render_at_phone_width_without_wide_tables(world, client_for, story):
    """The resolution and task pages use cards, not wide tables; the overdue table hides the lead on a phone."""
    for path in (url("resolution", story["resolution"].pk), url("task", story["mine"].pk), url("my_tasks")):
        html = client_for(world.secretary).get(path).content.decode()
        assert "<table" not in html
    _late_tasks(world.cell_a1, 1)
    assert 'class="hide-narrow"' in client_for(world.staff).get(url("overdue")).content.decode()


@pytest.mark.django_db
def test_the_page_before_the_draft_takes_few_queries(world, client_for, django_assert_num_queries):
    meeting = make_meeting(world.cell_a1)
    client = client_for(world.secretary)
    # session, user, grants (the permission reuses them), the meeting with its cell, the resolution (none)
    with django_assert_num_queries(5):
        assert client.get(url("meeting_resolution", meeting.pk)).status_code == 200
