"""Editing a rubric (issue 6 §1): an unused version is changed in place, a used one is saved as the next version and
the old scores keep theirs; only the latest version, only by the committee the sheet is attached to; bad input is
refused with nothing saved. Copying a visible sheet into a committee's subtree as its own rubric."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.scoping import Role
from apps.common.testing import UserFactory, snapshot
from apps.members.testing import grant
from apps.quality.models import Rubric
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.rules.rubrics.shipped import HD42_PHUONG_2025
from apps.quality.services import rubrics as services
from apps.quality.services import score as services_score
from apps.quality.testing import SMALL_RUBRIC, attach_small_rubric, held_meeting

pytestmark = pytest.mark.django_db


def sheet(code: str, source: dict = HD42_PHUONG_2025) -> dict:
    data = json.loads(json.dumps(source, default=str))
    data["code"] = code
    return data


@pytest.fixture
def local(world) -> Rubric:
    """The full HD42 ward sheet, attached to commune A (whose staff may edit it)."""
    return services.rubric_import(data=sheet("XA-2026"), issuer=world.commune_a, applies_to=world.commune_a)


@pytest.fixture
def scored(world):
    """The small rubric attached to cell A1, used by a proposed score (so locked)."""
    rubric = attach_small_rubric(world.cell_a1)
    meeting = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    score = services_score.score_propose(
        meeting=meeting, judged={"discussion": "3", "steps": [True, False]}, by=world.secretary
    )
    rubric.refresh_from_db()
    assert rubric.locked
    return rubric, score


def edit_url(rubric: Rubric) -> str:
    return reverse("quality:rubric_edit", args=[rubric.pk])


def form_data(client, rubric: Rubric, **changes) -> dict:
    """What the edit page posts when the user changes only ``changes`` (None clears a field)."""
    response = client.get(edit_url(rubric))
    assert response.status_code == 200
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        data[field.html_name] = value if isinstance(value, list) else str(value)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# Every rubric version with its parts, to show that a refused request changed nothing.
state = snapshot(
    lambda: [queries_rubrics.rubric_dict(r) | {"pk": r.pk, "locked": r.locked} for r in Rubric.objects.order_by("pk")]
)


# ---------------------------------------------------------------------------------------------- editing


def test_an_unused_rubric_is_edited_in_place(world, client_for, local):
    client = client_for(world.staff)
    data = form_data(
        client,
        local,
        **{
            "name": "Phiếu chấm xã An 2026",
            "effective_from": "01/01/2026",
            "level-0": "85",
            "c-chairing-title": "Điều hành, kết luận",
            "i-results-band-1-points": "28",
            "i-results-band-6-threshold": "40",  # an empty row filled: a new band
            "i-results-band-6-points": "5",
            "i-results-band-5-threshold": "",  # a row cleared: the band [0, 10] removed
            "i-results-band-5-points": "",
            "i-order_of_business-line-0-label": "Khai mạc",
            "i-order_of_business-line-4-label": "Đọc thông qua biên bản",  # a new checklist line
            "i-order_of_business-line-4-points": "1",
        },
    )
    response = client.post(edit_url(local), data, follow=True)
    assert response.redirect_chain == [(reverse("quality:rubric", args=[local.pk]), 302)]
    assert "phiên bản 1" in response.content.decode() or "version 1" in response.content.decode()
    assert Rubric.objects.filter(code="XA-2026").count() == 1
    local.refresh_from_db()
    assert (local.name, local.version, local.effective_from) == ("Phiếu chấm xã An 2026", 1, date(2026, 1, 1))
    assert local.levels == [["tot", 85], ["kha", 70], ["trung_binh", 50], ["kem", 0]]
    stored = queries_rubrics.rubric_dict(local)
    categories = {c["code"]: c for c in stored["categories"]}
    items = {i["code"]: i for c in stored["categories"] for i in c["items"]}
    assert categories["chairing"]["title"] == "Điều hành, kết luận"
    assert items["results"]["bands"] == [[90, 30], [80, 28], [70, 24], [60, 20], [50, 15], [40, 5]]
    assert items["speaking"]["bands"] == [[50, 5, "gt"], [40, 4], [30, 3], [0, 2]]  # untouched, own op kept
    assert items["order_of_business"]["checklist"][0] == ["Khai mạc", 2]
    assert items["order_of_business"]["checklist"][-1] == ["Đọc thông qua biên bản", 1]
    assert queries_rubrics.rubric_spec(local).levels[0][1] == 85


def test_a_used_rubric_is_saved_as_the_next_version_and_old_scores_keep_theirs(world, client_for, scored):
    rubric, score = scored
    old_spec = queries_rubrics.rubric_spec(rubric)
    client = client_for(world.staff)
    page = client.get(edit_url(rubric)).content.decode()
    assert 'id="new-version-notice"' in page and 'id="in-place-notice"' not in page
    data = form_data(client, rubric, **{"i-attendance-band-0-threshold": "80", "level-0": "8"})
    response = client.post(edit_url(rubric), data)
    new = Rubric.objects.get(code=SMALL_RUBRIC["code"], version=2)
    assert response.status_code == 302 and response.url == reverse("quality:rubric", args=[new.pk])
    assert (new.previous_id, new.locked, new.applies_to_id) == (rubric.pk, False, world.cell_a1.pk)
    assert new.levels[0] == ["tot", 8] and new.categories.get().items.get(code="attendance").bands == [[80, 5]]
    rubric.refresh_from_db()
    assert queries_rubrics.rubric_spec(rubric) == old_spec and rubric.levels[0] == ["tot", 9]
    score.refresh_from_db()
    assert score.rubric_id == rubric.pk
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5)) == new
    detail = client.get(response.url).content.decode()
    assert 'data-version="2"' in detail and reverse("quality:rubric", args=[rubric.pk]) in detail


def test_saving_a_used_rubric_unchanged_makes_no_new_version(world, client_for, scored):
    rubric, _score = scored
    client = client_for(world.staff)
    response = client.post(edit_url(rubric), form_data(client, rubric))
    assert response.status_code == 302 and response.url == reverse("quality:rubric", args=[rubric.pk])
    assert Rubric.objects.filter(code=SMALL_RUBRIC["code"]).count() == 1


def test_only_the_latest_version_is_edited(world, client_for, scored):
    rubric, _score = scored
    new = services.rubric_revise(rubric=rubric, changes={"name": "Phiếu thử 2"})
    client = client_for(world.staff)
    response = client.get(edit_url(rubric))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="superseded"' in html and edit_url(new) in html
    assert "form" not in response.context
    before = state()
    data = form_data(client, new, name="Phiếu sửa nhầm bản cũ")
    response = client.post(edit_url(rubric), data)
    assert response.status_code == 409 and state() == before
    detail = client.get(reverse("quality:rubric", args=[rubric.pk])).content.decode()
    assert 'id="newer-version"' in detail and 'id="edit-rubric"' not in detail


def test_a_service_error_shows_on_the_form_and_nothing_is_saved(world, client_for, local, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The items of category results cannot reach its maximum.")

    monkeypatch.setattr(services, "rubric_revise", refuse)
    client = client_for(world.staff)
    before = state()
    response = client.post(edit_url(local), form_data(client, local, name="Tên mới"))
    assert response.status_code == 200 and state() == before
    assert "cannot reach its maximum" in response.content.decode()
    assert response.context["form"].non_field_errors()


def test_points_and_thresholds_may_have_decimals(world, client_for, local):
    client = client_for(world.staff)
    data = form_data(
        client, local, **{"i-closing_checklist-line-0-points": "0.5", "i-speaking-band-3-threshold": "12.5"}
    )
    assert client.post(edit_url(local), data).status_code == 302
    items = {i["code"]: i for c in queries_rubrics.rubric_dict(local)["categories"] for i in c["items"]}
    assert items["closing_checklist"]["checklist"][0][1] == 0.5 and items["speaking"]["bands"][3] == [12.5, 2]


def test_the_rules_not_edited_here_are_shown_in_words(world, client_for):
    national = Rubric.objects.get(code="PT-KHOI-CQ")
    response = client_for(world.staff).get(reverse("quality:rubric", args=[national.pk]))
    rollup = response.context["rollup"]
    assert len(rollup) == len(national.annual_rollup["tiers"]) + 1
    assert "7" in rollup[0] and 'id="rollup"' in response.content.decode()


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        ({"c-results-max_points": "-5"}, "c-results-max_points"),
        ({"i-discussion-max_points": "-1"}, "i-discussion-max_points"),
        ({"i-results-max_points": "20", "i-results-band-0-points": "20"}, "c-results-max_points"),
        ({"i-speaking-band-1-threshold": "bốn mươi"}, "i-speaking-band-1-threshold"),
        ({"i-speaking-band-1-points": ""}, "i-speaking-band-1-points"),
        ({"i-speaking-band-0-points": "9"}, "i-speaking-band-0-points"),
        ({"i-closing_checklist-line-0-label": ""}, "i-closing_checklist-line-0-label"),
        ({"level-1": "95"}, "level-1"),
        ({"level-0": "120"}, "level-0"),
        ({"effective_to": "01/01/2020"}, "effective_to"),
        ({"effective_from": "32/13/2025"}, "effective_from"),
        ({"meeting_kinds": None}, "meeting_kinds"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(world, client_for, local, changes, error_field):
    client = client_for(world.staff)
    data = form_data(client, local, **changes)
    before = state()
    response = client.post(edit_url(local), data)
    assert response.status_code == 200 and state() == before
    form = response.context["form"]
    assert error_field in form.errors, form.errors
    assert 'role="alert"' in response.content.decode()


def test_a_computed_item_without_any_band_is_refused(world, client_for, local):
    client = client_for(world.staff)
    cleared = {f"i-board-band-{row}-{part}": "" for row in range(3) for part in ("threshold", "points")}
    before = state()
    response = client.post(edit_url(local), form_data(client, local, **cleared))
    assert response.status_code == 200 and state() == before
    assert response.context["form"].non_field_errors()
    assert response.context["form"].sections()[2].items[1].errors  # shown with the item too


# ---------------------------------------------------------------------------------------------- who


def other_district_staff(world):
    user = UserFactory(username="canbo_xa_binh")
    grant(user, world.commune_b, Role.COMMITTEE_STAFF)
    return user


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_staff", 404),
        ("outsider", 404),
        ("secretary", 404),
        ("member_user", 404),
        ("supervisor", 404),
        ("inspector", 403),
    ],
)
def test_who_may_not_edit_a_commune_rubric(world, client, local, persona, status):
    user = other_district_staff(world) if persona == "other_staff" else getattr(world, persona)
    client.force_login(user)
    before = state()
    assert client.get(edit_url(local)).status_code == status
    assert client.post(edit_url(local), {"name": "Tên giả mạo"}).status_code == status
    assert state() == before


def test_a_cell_secretary_may_not_edit_the_sheet_attached_to_their_cell(world, client_for):
    rubric = attach_small_rubric(world.cell_a1)
    client = client_for(world.secretary)
    before = state()
    assert client.get(reverse("quality:rubric", args=[rubric.pk])).status_code == 200
    assert client.post(edit_url(rubric), {"name": "Tên giả mạo"}).status_code == 403
    assert state() == before


def test_the_national_sheets_are_read_only_here(world, client_for):
    default = Rubric.objects.get(code="HD42-PHUONG-2025")
    admin = UserFactory(username="quantri", is_superuser=True)
    for user in (world.staff, admin):
        client = client_for(user)
        before = state()
        assert client.get(edit_url(default)).status_code == 403
        assert client.post(edit_url(default), {"name": "Tên giả mạo"}).status_code == 403
        assert state() == before
        html = client.get(reverse("quality:rubric", args=[default.pk])).content.decode()
        assert 'id="edit-rubric"' not in html and 'id="copy-rubric"' in html


def test_the_detail_page_offers_edit_and_copy_to_those_who_may(world, client_for, local):
    html = client_for(world.staff).get(reverse("quality:rubric", args=[local.pk])).content.decode()
    assert edit_url(local) in html and reverse("quality:rubric_copy", args=[local.pk]) in html
    html = client_for(world.inspector).get(reverse("quality:rubric", args=[local.pk])).content.decode()
    assert 'id="edit-rubric"' not in html and 'id="copy-rubric"' not in html


# ---------------------------------------------------------------------------------------------- copying


def copy_url(rubric: Rubric, org=None) -> str:
    args = [rubric.pk] if org is None else [rubric.pk, org.pk]
    return reverse("quality:rubric_copy", args=args)


def parts(rubric: Rubric) -> list:
    return queries_rubrics.rubric_dict(rubric)["categories"]


@pytest.mark.parametrize("code", ["HD42-PHUONG-2025", "PT-KHOI-CQ"], ids=["default", "library"])
def test_staff_copy_a_national_sheet_to_their_commune_and_it_applies_there(world, client_for, code):
    national = Rubric.objects.get(code=code)
    client = client_for(world.staff)
    page = client.get(copy_url(national))
    assert page.status_code == 200 and page.context["form"]["organization"].value() == world.commune_a.pk
    response = client.post(
        copy_url(national), {"organization": world.commune_a.pk, "code": "HD42-XA", "name": "Phiếu xã An"}
    )
    copy = Rubric.objects.get(code="HD42-XA")
    assert response.status_code == 302 and response.url == reverse("quality:rubric", args=[copy.pk])
    assert (copy.version, copy.previous_id, copy.locked, copy.default_everywhere) == (1, None, False, False)
    assert (copy.applies_to, copy.issuer, copy.name) == (world.commune_a, world.commune_a, "Phiếu xã An")
    assert parts(copy) == parts(national) and copy.levels == national.levels
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5)) == copy
    assert queries_rubrics.rubric_for(world.cell_b1, date(2026, 3, 5)).code == "HD42-PHUONG-2025"
    before = national.default_everywhere
    national.refresh_from_db()
    assert national.default_everywhere == before and national.applies_to is None
    # and the copy is theirs to adapt
    assert 'id="edit-rubric"' in client.get(response.url).content.decode()


def test_copy_with_the_committee_in_the_address(world, client_for, local):
    client = client_for(world.staff)
    page = client.get(copy_url(local, world.commune_a))
    assert page.context["form"]["code"].value() == "XA-2026-XA"
    response = client.post(
        copy_url(local, world.commune_a), {"organization": world.commune_a.pk, "code": "XA-2026-B", "name": "Bản 2"}
    )
    assert response.status_code == 302 and parts(Rubric.objects.get(code="XA-2026-B")) == parts(local)


def test_a_copy_needs_a_new_code(world, client_for, local):
    client = client_for(world.staff)
    before = state()
    response = client.post(copy_url(local), {"organization": world.commune_a.pk, "code": "XA-2026", "name": "x"})
    assert response.status_code == 200 and "code" in response.context["form"].errors and state() == before
    response = client.post(copy_url(local), {"organization": world.commune_a.pk, "code": "xã an", "name": "x"})
    assert response.status_code == 200 and "code" in response.context["form"].errors and state() == before


def test_who_may_not_copy(world, client_for, local):
    national = Rubric.objects.get(code="HD42-PHUONG-2025")
    before = state()
    staff = client_for(world.staff)
    # not into another commune: not found in the address, not a valid choice in the form
    assert staff.post(copy_url(national, world.commune_b), {"code": "X1", "name": "x"}).status_code == 404
    response = staff.post(copy_url(national), {"organization": world.commune_b.pk, "code": "X2", "name": "x"})
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    # not into a cell
    post = {"organization": world.cell_a1.pk, "code": "X3", "name": "x"}
    assert staff.post(copy_url(national, world.cell_a1), post).status_code == 403
    # read-only roles and cells have nowhere to copy to
    for persona in ("inspector", "secretary", "supervisor"):
        client = client_for(getattr(world, persona))
        post = {"organization": world.commune_a.pk, "code": "X4", "name": "x"}
        assert client.post(copy_url(national), post).status_code == 403
    # a commune's own sheet is not found from elsewhere
    assert client_for(other_district_staff(world)).get(copy_url(local)).status_code == 404
    assert state() == before


# ---------------------------------------------------------------------------------------------- queries


@pytest.mark.parametrize("source", [SMALL_RUBRIC, HD42_PHUONG_2025], ids=["small", "hd42"])
def test_edit_and_detail_pages_query_count_does_not_grow_with_the_sheet(world, client_for, source):
    rubric = services.rubric_import(data=sheet("XA-Q", source), issuer=world.commune_a, applies_to=world.commune_a)
    client = client_for(world.staff)
    for name in ("quality:rubric_edit", "quality:rubric"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, args=[rubric.pk])).status_code == 200
        # session, user, grants, rubric (with issuer and subtree), its categories, their items, the latest version
        assert len(ctx.captured_queries) == 7, [q["sql"] for q in ctx.captured_queries]


def test_copy_page_query_count(world, client_for, django_assert_max_num_queries):
    national = Rubric.objects.get(code="HD42-PHUONG-2025")
    client = client_for(world.staff)
    # session, user, grants, rubric, the committees to choose from
    with django_assert_max_num_queries(5):
        assert client.get(copy_url(national)).status_code == 200
