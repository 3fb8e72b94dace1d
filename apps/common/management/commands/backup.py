"""Write one backup archive: the database, the uploaded files and a manifest of what they hold (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from apps.common.backup import archive


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: the online backup API, safe while the site serves; PostgreSQL: pg_dump) and "
        "every uploaded file into one .tar.gz with a manifest of each table's row count and checksum. Default "
        "output: a timestamped file in CHIBO_BACKUP_DIR (VAR_DIR/backups). The archive holds everything chibo "
        "knows (password hashes, second-factor secrets): it is written readable by its owner only; keep it so."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default=None, help="Where to write the archive (.tar.gz).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, output, database, **options):
        try:
            path, manifest = archive.create(output, alias=database)
        except (archive.BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        except Exception as exc:  # a database error: say so plainly, the traceback helps no operator at 2 a.m.
            raise CommandError(f"Backup failed: {type(exc).__name__}: {exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Backed up to {path}: {archive.summary(manifest)}."))
