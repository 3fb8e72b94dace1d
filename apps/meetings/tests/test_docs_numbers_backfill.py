"""The data migration's numbering of documents adopted before numbers came with adoption (issue 10, defect 6):
numbers follow the order of adoption whatever order the database returns the rows in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.meetings.models import DocumentNumber, Meeting, Minutes
from apps.meetings.services import docs as services_docs
from apps.meetings.testing import make_meeting
from apps.resolutions.models import Resolution

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MODELS = {"DocumentNumber": DocumentNumber, "Meeting": Meeting, "Minutes": Minutes, "Resolution": Resolution}


def at(year, month, day):
    return datetime(year, month, day, 19, 30, tzinfo=HCM)


@pytest.mark.django_db
@pytest.mark.parametrize("amendment_row_first", [True, False])
def test_an_amended_resolution_keeps_the_place_of_its_first_adoption(world, amendment_row_first):
    """The March resolution was adopted in March and amended in June; the April one was adopted in April. March is
    01, April 02. Before: the amendment (newest first is the resolutions' order) gave March its June date, so March
    came after April. Either order of the rows gives the same numbers."""
    march, april = (make_meeting(world.cell_a1, when=at(2026, m, 5)) for m in (3, 4))

    def adopted(meeting, on, status="adopted"):
        return Resolution.objects.create(
            organization=world.cell_a1, meeting=meeting, title="NQ", status=status, adopted_on=on
        )

    if amendment_row_first:
        amendment = adopted(march, date(2026, 6, 10))
        original = adopted(march, date(2026, 3, 5), status="amended")
    else:
        original = adopted(march, date(2026, 3, 5), status="amended")
        amendment = adopted(march, date(2026, 6, 10))
    Resolution.objects.filter(pk=amendment.pk).update(amends=original)
    adopted(april, date(2026, 4, 6))

    assert services_docs.document_numbers_backfill(**MODELS) == 2
    numbers = dict(DocumentNumber.objects.filter(doc_type="NQ").values_list("meeting_id", "number"))
    assert numbers == {march.pk: 1, april.pk: 2}
