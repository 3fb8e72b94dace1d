"""A rubric file whose structure the engine would only trip on later is refused at import, in Vietnamese, and
nothing is saved (issue 10, defect 12). Before: two categories with one code were a server error; a null
character was saved (PostgreSQL: a server error); an ``annual_rollup`` that is not a rule was saved and the
rubric's page failed from then on; a comparison, a knock-out or a detail the engine cannot read was saved and
every score of a meeting under the rubric failed; the engine's English showed through."""

import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.quality.models import Rubric, RubricCategory, RubricItem
from apps.quality.queries.rubrics import rubric_spec
from apps.quality.rules.engine.scoring import annual_level, score_meeting
from apps.quality.rules.rubrics.shipped import HD42_PHUONG_2025
from apps.quality.services.rubrics import rubric_import

pytestmark = pytest.mark.django_db

METRICS = {
    "attendance_rate": 90,
    "attendance_present": 9,
    "attendance_expected": 10,
    "attendance_exempt_absent": 0,
    "unexcused_absences": 0,
}


def sheet(**changes) -> dict:
    data = json.loads(json.dumps(HD42_PHUONG_2025, default=str))
    data["code"] = "XA-2026"
    data.update(changes)
    return data


def attendance_item(data: dict) -> dict:
    return data["categories"][1]["items"][0]  # computed, metric attendance_rate, with a detail


def changed(change) -> dict:
    data = sheet()
    change(data)
    return data


def post(client, world, data: dict):
    return client.post(
        reverse("quality:rubric_import", args=[world.commune_a.pk]),
        {"file": SimpleUploadedFile("rubric.json", json.dumps(data).encode(), content_type="application/json")},
    )


def saved() -> tuple[int, int, int]:
    return Rubric.objects.count(), RubricCategory.objects.count(), RubricItem.objects.count()


CASES = {
    "a code with a line break": (lambda d: d.update(code="A" * 40 + "\n"), "Mã bảng tiêu chí"),
    "two categories, one code": (
        lambda d: d["categories"][1].update(code=d["categories"][0]["code"]),
        "Mã nhóm tiêu chí không được trùng nhau",
    ),
    "a null character": (lambda d: d.update(name="Bảng\x00 chấm"), "ký tự rỗng"),
    "a null character deep in a list": (
        lambda d: attendance_item(d).update(bands=[[50, 1, "gte\x00"]]),
        "ký tự rỗng",
    ),
    "a roll-up that is not a rule": (lambda d: d.update(annual_rollup="x"), "annual_rollup:"),
    "a roll-up naming an unknown level": (
        lambda d: d.update(annual_rollup={"tiers": [{"level": "xuat_sac", "at_least": [["tot", 6]]}]}),
        "annual_rollup:",
    ),
    "knock-outs that are not a list": (lambda d: d.update(knockouts="x"), "knockouts:"),
    "a knock-out naming an unknown category": (
        lambda d: d.update(knockouts=[{"code": "k", "title": "K", "max_level": "kha", "categories_full": ["nope"]}]),
        "k: điều kiện loại trừ",
    ),
    "a knock-out naming an unknown level": (
        lambda d: d.update(knockouts=[{"code": "k", "title": "K", "max_level": "xuat_sac"}]),
        "k: điều kiện loại trừ",
    ),
    "a knock-out condition with a text threshold": (
        lambda d: d.update(
            knockouts=[{"code": "k", "title": "K", "max_level": "kha", "conditions": [["attendance_rate", "lt", "x"]]}]
        ),
        "ngưỡng phải là một số",
    ),
    "a cap with an unknown comparison": (
        lambda d: attendance_item(d).update(caps=[["attendance_rate", "zz", 1, 1]]),
        "phép so sánh phải là một trong",
    ),
    "a band with an unknown comparison": (
        lambda d: attendance_item(d).update(bands=[[50, 1, "zz"]]),
        "phép so sánh phải là một trong",
    ),
    "points with three decimals": (
        # Stored as 5.55 (two decimals), under its band of 5.554: the engine refused the item at every score.
        lambda d: attendance_item(d).update(max_points=5.554, bands=[[90, 5.554], [0, 1]]),
        "tối đa hai chữ số thập phân",
    ),
    "a detail that indexes a figure": (
        lambda d: attendance_item(d).update(detail="({attendance_present[99]})"),
        "{attendance_present}",
    ),
    "a detail with a format": (
        lambda d: attendance_item(d).update(detail="({attendance_present:>999999999})"),
        "{attendance_present}",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_the_engine_would_trip_on_later_is_refused_in_vietnamese(world, client_for, case):
    change, message = CASES[case]
    before = saved()
    response = post(client_for(world.staff), world, changed(change))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert message in errors, errors
    assert saved() == before


def test_the_shipped_sheet_scores_and_rolls_up(world):
    """The checks refuse none of what the shipped sheets use (knock-outs, roll-up, bands with a comparison)."""
    rubric = rubric_import(data=sheet(), issuer=world.commune_a, applies_to=world.commune_a)
    spec = rubric_spec(rubric)
    assert score_meeting(spec, METRICS).total >= 0
    assert annual_level(spec, [spec.levels[0][0]] * 12) == spec.levels[0][0]


def test_decomposed_vietnamese_is_stored_composed(world):
    name = unicodedata.normalize("NFD", "Bảng chấm điểm chi bộ")
    title = unicodedata.normalize("NFD", "Dự họp đầy đủ")
    rubric = rubric_import(
        data=changed(lambda d: (d.update(name=name), attendance_item(d).update(title=title))),
        issuer=world.commune_a,
        applies_to=world.commune_a,
    )
    assert rubric.name == unicodedata.normalize("NFC", name) and rubric.name != name
    assert RubricItem.objects.filter(category__rubric=rubric, title=unicodedata.normalize("NFC", title)).exists()


def test_a_unit_keeps_its_leading_space(world):
    """Composing is not trimming: " phút" after a number reads "95 phút"."""
    rubric = rubric_import(
        data=changed(lambda d: attendance_item(d).update(unit=" phút")),
        issuer=world.commune_a,
        applies_to=world.commune_a,
    )
    assert RubricItem.objects.get(category__rubric=rubric, code="attendance").unit == " phút"
