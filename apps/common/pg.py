"""PostgreSQL-only speed-ups behind one seam: migrations call these; on any other database they do nothing and
the code keeps working with plain (slower) scans."""

from django.db import DatabaseError, transaction


def trigram_index(table: str, column: str, name: str):
    """A migration operation body: a pg_trgm GIN index so that ``column LIKE '%…%'`` (Django's ``contains``, used
    by the searches without diacritics) does not scan the whole table. Without the right to create the
    extension, nothing happens: the search stays correct, only slower."""

    def forwards(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                try:
                    with transaction.atomic(using=connection.alias):
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                except DatabaseError:
                    return
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'  # noqa: S608
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return forwards, backwards
