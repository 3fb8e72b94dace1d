"""PostgreSQL: a trigram index for the name search without diacritics (apps.common.pg)."""

from django.db import migrations

from apps.common.pg import trigram_index

forwards, backwards = trigram_index("members_member", "full_name_search", "members_member_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0004_suspension")]
    operations = [migrations.RunPython(forwards, backwards)]
