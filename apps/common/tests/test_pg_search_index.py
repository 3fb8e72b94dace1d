"""The searches without diacritics can use the trigram indexes on PostgreSQL (apps.common.pg): the filter that
Django writes for ``contains`` is answered from the index, so a province-wide search does not scan every row.
(With a scope filter on a small test table the planner may prefer the path index; the point here is that the
trigram index exists and fits the query.)"""

import pytest
from django.db import connection

from apps.common.text import search_key
from apps.members.models import Member
from apps.orgs.models import Organization

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes: PostgreSQL only"),
]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_member_name_search_can_use_the_trigram_index():
    plan = _plan(Member.objects.filter(full_name_search__contains=search_key("Nguyễn Văn")))
    assert "members_member_name_trgm" in plan, plan


@pytest.mark.django_db
def test_organisation_name_search_can_use_the_trigram_index():
    plan = _plan(Organization.objects.filter(name_search__contains=search_key("Thôn Đông")))
    assert "orgs_organization_name_trgm" in plan, plan
