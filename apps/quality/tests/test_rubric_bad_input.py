"""A rubric file with values the database cannot hold gets Vietnamese messages and nothing is saved (issue 10,
defect 12); a stored absurd value cannot break the rubric pages. Before: a version of "abc" or -1 and a number
where a date belongs were server errors; ``max_points: 1e12`` was saved, and from then on the rubric's page
failed for good."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, connection, transaction
from django.urls import reverse

from apps.quality.forms.rubric_edit import RubricEditForm
from apps.quality.models import Rubric, RubricCategory, RubricItem
from apps.quality.queries.rubrics import with_parts
from apps.quality.rules.rubrics.shipped import HD42_PHUONG_2025
from apps.quality.services.rubrics import rubric_import

pytestmark = pytest.mark.django_db


def sheet(code: str = "XA-2026", **changes) -> dict:
    data = json.loads(json.dumps(HD42_PHUONG_2025, default=str))
    data["code"] = code
    data.update(changes)
    return data


def post(client, world, data) -> object:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        reverse("quality:rubric_import", args=[world.commune_a.pk]),
        {"file": SimpleUploadedFile("rubric.json", raw, content_type="application/json")},
    )


def saved() -> tuple[int, int, int]:
    return Rubric.objects.count(), RubricCategory.objects.count(), RubricItem.objects.count()


def with_absurd_points(data: dict) -> dict:
    data["categories"][0]["max_points"] = 1e12
    data["categories"][0]["items"][0]["max_points"] = 1e12
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (sheet(version="abc"), "Phiên bản phải là số nguyên từ 1 đến 1000."),
        (sheet(version=-1), "Phiên bản phải là số nguyên từ 1 đến 1000."),
        (sheet(version=1.5), "Phiên bản phải là số nguyên từ 1 đến 1000."),
        (sheet(version=10**9), "Phiên bản phải là số nguyên từ 1 đến 1000."),
        (sheet(effective_from=20260101), "effective_from: ngày viết theo dạng yyyy-mm-dd"),
        (sheet(effective_from="0001-01-01"), "effective_from: ngày viết theo dạng yyyy-mm-dd"),
        (sheet(effective_to=20261231), "effective_to: ngày viết theo dạng yyyy-mm-dd"),
        (with_absurd_points(sheet()), "số điểm phải là một số từ 0 đến 1000"),
        (sheet(levels=[["tot", "NaN"], ["kem", 0]]), "số điểm phải là một số từ 0 đến 1000"),
        (sheet(name="x" * 301), "name: nhập nội dung không quá 300 ký tự."),
        (sheet(code="có dấu"), "Mã bảng tiêu chí"),
        (sheet(categories="none"), "categories:"),
        (
            sheet(
                categories=[
                    {
                        "code": "c",
                        "title": "C",
                        "max_points": 5,
                        "items": [{"code": "i", "title": "I", "kind": "guessed", "max_points": 5}],
                    }
                ]
            ),
            "i: loại tiêu chí phải là một trong: judged_number",
        ),
    ],
)
def test_a_bad_value_in_the_file_is_a_message_and_nothing_is_saved(world, client_for, data, message):
    before = saved()
    response = post(client_for(world.staff), world, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert message in errors, errors
    assert saved() == before


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"code": ' + b"9" * 5000 + b"}", b"\xff\xfe"])
def test_a_file_python_cannot_read_is_a_message(world, client_for, raw):
    """Nesting deeper than the parser's recursion, a number of 5,000 digits, bytes that are not UTF-8."""
    before = saved()
    response = post(client_for(world.staff), world, raw)
    assert response.status_code == 200 and response.context["form"].errors
    assert saved() == before


def test_the_shipped_sheet_and_a_copy_still_import(world, client_for):
    response = post(client_for(world.staff), world, sheet("XA-OK"))
    assert response.status_code == 302
    rubric = Rubric.objects.get(code="XA-OK")
    response = client_for(world.staff).post(
        reverse("quality:rubric_copy", args=[rubric.pk, world.commune_a.pk]),
        {"organization": world.commune_a.pk, "code": "XA-OK-COPY", "name": "Bản sao"},
    )
    assert response.status_code == 302 and Rubric.objects.filter(code="XA-OK-COPY").exists()


def test_the_database_refuses_absurd_points_so_the_page_cannot_break(world, client_for):
    """Whatever writes the row (a script, the admin), points beyond 1000 are refused by the database itself."""
    rubric = rubric_import(data=sheet(), issuer=world.commune_a, applies_to=world.commune_a)
    category = rubric.categories.first()
    item = RubricItem.objects.filter(category=category).first()
    for table, pk in (("quality_rubriccategory", category.pk), ("quality_rubricitem", item.pk)):
        # 5000 fits the column and breaks the check constraint; 1e12 does not even fit PostgreSQL's numeric(6, 2)
        for points in (5000, 10**12):
            with pytest.raises((IntegrityError, DataError)), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET max_points = %s WHERE id = %s", [points, pk])
    assert client_for(world.staff).get(reverse("quality:rubric", args=[rubric.pk])).status_code == 200
    assert RubricCategory.objects.get(pk=category.pk).max_points == category.max_points


def test_the_editor_refuses_absurd_points_in_vietnamese(world, client_for):
    rubric = rubric_import(data=sheet(), issuer=world.commune_a, applies_to=world.commune_a)
    rubric = with_parts(Rubric.objects.filter(pk=rubric.pk)).get()
    form = RubricEditForm(rubric=rubric)
    data = {name: form[name].value() for name in form.fields}
    category = rubric.categories.all()[0]
    data[f"c-{category.code}-max_points"] = "1e12"
    data["effective_from"] = "01/01/0001"
    data["meeting_kinds"] = ["regular"]
    data = {k: ("" if v is None else v) for k, v in data.items()}
    bound = RubricEditForm(data, rubric=rubric)
    assert not bound.is_valid()
    assert bound.errors["effective_from"] == ["Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."]
    assert bound.errors[f"c-{category.code}-max_points"]
    assert Decimal(1000) == bound.fields[f"c-{category.code}-max_points"].max_value
