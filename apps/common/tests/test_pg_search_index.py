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
    """The plan when neither a sequential scan nor a plain index scan (e.g. one that only gives the order) is
    allowed: what is left is a bitmap scan on an index that answers the filter itself."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_member_name_search_can_use_the_trigram_index():
    assert "members_member_name_trgm" in _indexes("members_member")
    plan = _plan(Member.objects.filter(full_name_search__contains=search_key("Nguyễn Văn")))
    assert "members_member_name_trgm" in plan, plan


@pytest.mark.django_db
def test_organisation_name_search_can_use_the_trigram_index():
    assert "orgs_organization_name_trgm" in _indexes("orgs_organization")
    plan = _plan(Organization.objects.filter(name_search__contains=search_key("Thôn Đông")))
    assert "orgs_organization_name_trgm" in plan, plan
