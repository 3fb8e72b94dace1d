"""PostgreSQL: a trigram index for the organisation search without diacritics (apps.common.pg)."""

from django.db import migrations

from apps.common.pg import trigram_index

forwards, backwards = trigram_index("orgs_organization", "name_search", "orgs_organization_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
