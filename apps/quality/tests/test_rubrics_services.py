"""Rubrics in the database: shipped by migration, the version in force for a cell and date, revisions, scoping."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.common.testing import UserFactory
from apps.members.testing import add_member, grant
from apps.quality.models import Rubric, RubricItem
from apps.quality.queries import rubrics as queries_rubrics
from apps.quality.rules.engine import score_meeting, spec_from_dict
from apps.quality.rules.rubrics import shipped as rubrics_data
from apps.quality.services import rubrics as services


@pytest.mark.django_db
def test_the_shipped_rubrics_are_loaded_and_convert_to_the_same_spec():
    assert set(Rubric.objects.values_list("code", flat=True)) >= {
        "HD12-2018",
        "HD42-PHUONG-2025",
        "NA-08-2021",
        "PT-KHOI-CQ",
    }
    for data in rubrics_data.SHIPPED:
        stored = queries_rubrics.rubric_spec(Rubric.objects.get(code=data["code"], version=1))
        assert stored == spec_from_dict(data)


@pytest.mark.django_db
def test_a_2024_meeting_gets_the_2018_era_rubric_and_a_2026_meeting_the_2025_one(world):
    assert queries_rubrics.rubric_for(world.cell_a1, date(2024, 3, 5), "regular").code == "HD12-2018"
    assert queries_rubrics.rubric_for(world.cell_a1, date(2025, 10, 27), "regular").code == "HD12-2018"
    assert queries_rubrics.rubric_for(world.cell_a1, date(2025, 10, 28), "regular").code == "HD42-PHUONG-2025"
    rubric = queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5), "regular")
    assert rubric.code == "HD42-PHUONG-2025"
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5), "board") is None


@pytest.mark.django_db
def test_a_sheet_attached_to_a_subtree_wins_there_only(world):
    nghe_an = Rubric.objects.get(code="NA-08-2021")
    services.rubric_revise(rubric=nghe_an, changes={"applies_to": world.commune_a, "issuer": world.province})
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5)).code == "NA-08-2021"
    assert queries_rubrics.rubric_for(world.cell_b1, date(2026, 3, 5)).code == "HD42-PHUONG-2025"
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5), "thematic").code == "HD42-PHUONG-2025"


@pytest.mark.django_db
def test_revising_an_unused_rubric_edits_it_in_place():
    rubric = Rubric.objects.get(code="HD42-PHUONG-2025")
    same = services.rubric_revise(rubric=rubric, items={"results": {"bands": [[90, 30], [0, 10]]}})
    assert same.pk == rubric.pk and Rubric.objects.filter(code="HD42-PHUONG-2025").count() == 1
    assert RubricItem.objects.get(category__rubric=rubric, code="results").bands == [[90, 30], [0, 10]]


@pytest.mark.django_db
def test_revising_a_used_rubric_makes_a_new_version_and_old_scores_keep_theirs(world):
    rubric = services.rubric_lock(rubric=Rubric.objects.get(code="HD42-PHUONG-2025"))
    old_spec = queries_rubrics.rubric_spec(rubric)
    new = services.rubric_revise(
        rubric=rubric, changes={"name": "Phiếu chấm 2026"}, items={"speaking": {"bands": [[50, 5], [0, 1]]}}
    )
    assert (new.version, new.previous_id, new.locked, new.name) == (2, rubric.pk, False, "Phiếu chấm 2026")
    rubric.refresh_from_db()
    assert rubric.name != "Phiếu chấm 2026" and queries_rubrics.rubric_spec(rubric) == old_spec
    assert score_meeting(old_spec, {"speaking_share": 10}).item("speaking").points == 2
    assert score_meeting(queries_rubrics.rubric_spec(new), {"speaking_share": 10}).item("speaking").points == 1
    assert queries_rubrics.rubric_for(world.cell_a1, date(2026, 3, 5)) == new
    with pytest.raises(ValidationError):
        services.rubric_revise(rubric=rubric, changes={"name": "x"})  # only the latest version is revised


@pytest.mark.django_db
def test_a_revision_that_breaks_the_sheet_is_refused():
    rubric = Rubric.objects.get(code="HD42-PHUONG-2025")
    with pytest.raises(ValidationError):
        services.rubric_revise(rubric=rubric, items={"results": {"bands": [[90, 31]]}})  # above the item's max
    with pytest.raises(ValidationError):
        services.rubric_revise(rubric=rubric, changes={"colour": "red"})
    with pytest.raises(ValidationError):
        services.rubric_revise(rubric=rubric, items={"nope": {"title": "x"}})


@pytest.mark.django_db
def test_import_from_the_file_format(world):
    data = {**rubrics_data.PT_KHOI_CQ, "code": "PT-KHOI-CQ-XA", "effective_from": "2026-01-01"}
    rubric = services.rubric_import(data=data, issuer=world.commune_a, applies_to=world.commune_a)
    assert queries_rubrics.rubric_for(world.cell_a2, date(2026, 2, 5)) == rubric
    with pytest.raises(ValidationError):
        services.rubric_import(data=data)


@pytest.mark.django_db
def test_who_sees_which_rubric(world):
    local = services.rubric_import(
        data={**rubrics_data.PT_KHOI_CQ, "code": "XA-2026"}, issuer=world.commune_a, applies_to=world.commune_a
    )
    other = services.rubric_import(
        data={**rubrics_data.PT_KHOI_CQ, "code": "XB-2026"}, issuer=world.commune_b, applies_to=world.commune_b
    )
    default = Rubric.objects.get(code="HD42-PHUONG-2025")
    assert set(Rubric.objects.visible_to(world.staff, "view")) == {local}
    assert set(Rubric.objects.visible_to(world.staff, "manage")) == {local}
    assert default not in set(Rubric.objects.visible_to(world.secretary, "view"))  # only via rubric_for
    assert set(Rubric.objects.visible_to(world.outsider, "view")) == set()  # B1 secretary: sheet is on commune B
    assert not Rubric.objects.visible_to(world.member_user, "view").exists()
    assert not RubricItem.objects.visible_to(world.outsider, "view").filter(category__rubric=local).exists()
    staff_items = RubricItem.objects.visible_to(world.staff, "manage")
    assert (
        staff_items.filter(category__rubric=local).exists() and not staff_items.filter(category__rubric=other).exists()
    )
    assert not RubricItem.objects.visible_to(world.member_user, "view").exists()
    plain = UserFactory()
    add_member(world.cell_a1, user=plain)
    grant(plain, world.cell_a1, "member")
    assert not Rubric.objects.visible_to(plain, "view").exists()


@pytest.mark.django_db
def test_revising_in_place_writes_only_what_changes(django_assert_max_num_queries):
    data = {**rubrics_data.HD42_PHUONG_2025, "code": "HD42-IN-PLACE"}
    rubric = services.rubric_import(data=data)
    # lock, revisions check, the parts read, the rubric validated and saved (with its audit entry), then one
    # category and one item written (each with the audit log's read and entry) — the same for any sheet size
    with django_assert_max_num_queries(20):
        services.rubric_revise(
            rubric=rubric, categories={"duration": {"title": "Thời gian"}}, items={"speaking": {"title": "Phát biểu"}}
        )
    assert rubric.categories.get(code="duration").title == "Thời gian"
    assert RubricItem.objects.get(category__rubric=rubric, code="speaking").title == "Phát biểu"
