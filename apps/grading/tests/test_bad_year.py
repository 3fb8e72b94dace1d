"""A year the system does not serve in the grading page's path is "not found", never a server error, and starting
the ratings for it writes nothing (issue 10, defect 12). Before: year 0 and 99999 failed computing dates."""

import pytest
from django.urls import reverse

from apps.grading.models import AnnualRating

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [0, 1, 1999, 2101, 99999])
def test_a_year_out_of_range_is_not_found(world, client_for, year):
    client = client_for(world.staff)
    assert client.get(reverse("grading:year", args=[world.cell_a1.pk, year])).status_code == 404
    assert client.post(reverse("grading:start", args=[world.cell_a1.pk, year])).status_code == 404
    assert not AnnualRating.objects.exists()


def test_a_year_in_range_still_works(world, client_for):
    client = client_for(world.staff)
    assert client.get(reverse("grading:year", args=[world.cell_a1.pk, 2026])).status_code == 200
    assert client.post(reverse("grading:start", args=[world.cell_a1.pk, 2026])).status_code == 302
    assert AnnualRating.objects.filter(year=2026).exists()
