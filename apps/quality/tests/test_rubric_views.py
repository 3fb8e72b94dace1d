"""Rubric pages: the national defaults for everyone, attached rubrics only inside the subtree, import by the
committee above only, bad files refused with a message and nothing saved."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.quality.models import Rubric
from apps.quality.rules.rubrics.shipped import HD42_PHUONG_2025
from apps.quality.services.rubrics import rubric_import

pytestmark = pytest.mark.django_db


def sheet(code: str) -> dict:
    data = json.loads(json.dumps(HD42_PHUONG_2025, default=str))
    data["code"] = code
    return data


def upload(data) -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data, default=str).encode()
    return SimpleUploadedFile("rubric.json", raw, content_type="application/json")


def test_list_shows_defaults_and_only_rubrics_inside_the_subtree(world, client_for):
    rubric_import(data=sheet("XA-2026"), issuer=world.commune_a, applies_to=world.commune_a)
    html = client_for(world.staff).get(reverse("quality:rubrics")).content.decode()
    assert "XA-2026" in html and "HD42" in html
    html = client_for(world.outsider).get(reverse("quality:rubrics")).content.decode()
    assert "XA-2026" not in html and "HD42" in html


def test_detail_outside_the_subtree_is_not_found(world, client_for):
    rubric = rubric_import(data=sheet("XA-2026"), issuer=world.commune_a, applies_to=world.commune_a)
    assert client_for(world.staff).get(reverse("quality:rubric", args=[rubric.pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("quality:rubric", args=[rubric.pk])).status_code == 404


def test_staff_imports_a_rubric_for_their_commune(world, client_for):
    response = client_for(world.staff).post(
        reverse("quality:rubric_import", args=[world.commune_a.pk]), {"file": upload(sheet("XA-NEW"))}
    )
    assert response.status_code == 302
    rubric = Rubric.objects.get(code="XA-NEW")
    assert rubric.applies_to == world.commune_a and rubric.categories.exists()


@pytest.mark.parametrize(("persona", "status"), [("secretary", 404), ("outsider", 404), ("member_user", 404)])
def test_only_the_committee_above_imports(world, client_for, persona, status):
    before = Rubric.objects.count()
    target = world.commune_a if persona != "secretary" else world.cell_a1
    response = client_for(getattr(world, persona)).post(
        reverse("quality:rubric_import", args=[target.pk]), {"file": upload(sheet("NOPE"))}
    )
    assert response.status_code in (status, 403) and Rubric.objects.count() == before


def test_a_bad_file_gets_a_message_and_nothing_is_saved(world, client_for):
    before = Rubric.objects.count()
    response = client_for(world.staff).post(
        reverse("quality:rubric_import", args=[world.commune_a.pk]), {"file": upload(b"{not json")}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Rubric.objects.count() == before


def test_anonymous_goes_to_login(world, client):
    assert client.get(reverse("quality:rubrics")).status_code == 302


@pytest.mark.parametrize("extra", [1, 3])
def test_list_query_count_is_constant(world, client_for, extra):
    for i in range(extra):
        rubric_import(data=sheet(f"XA-{i}"), issuer=world.commune_a, applies_to=world.commune_a)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("quality:rubrics")).status_code == 200
    # session, user, grants, rubrics (scoped or default, with issuer and subtree)
    assert len(ctx.captured_queries) == 4, [q["sql"] for q in ctx.captured_queries]


def test_an_imported_rubric_never_becomes_a_national_default(world):
    data = sheet("XA-SNEAKY")
    data["default_everywhere"] = True
    rubric = rubric_import(data=data, issuer=world.commune_a, applies_to=world.commune_a)
    assert rubric.default_everywhere is False
