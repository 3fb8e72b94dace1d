"""Write one backup archive: the database, the uploaded files and a manifest of what they hold (docs/operations.md)."""

import sqlite3

import psycopg
from django.core.management.base import BaseCommand, CommandError

from apps.common.backup import archive, postgres, retention


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


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
        parser.add_argument(
            "--prune",
            action="store_true",
            help="After a successful backup, delete the older archives of the same directory beyond the newest of "
            "each of the last --keep-daily days and of each of the last --keep-monthly months.",
        )
        parser.add_argument("--keep-daily", type=_positive, default=14, help="Days kept by --prune (default 14).")
        parser.add_argument("--keep-monthly", type=_positive, default=12, help="Months kept by --prune (default 12).")

    def handle(self, *args, output, database, **options):
        try:
            path, manifest = archive.create(output, alias=database)
        except (archive.BackupError, postgres.ToolError, OSError, sqlite3.Error, psycopg.Error) as exc:
            raise CommandError(f"Backup failed: {type(exc).__name__}: {exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Backed up to {path}: {archive.summary(manifest)}."))
        if options["prune"]:
            removed = retention.prune(path.parent, daily=options["keep_daily"], monthly=options["keep_monthly"])
            if options["verbosity"] >= 1:
                self.stdout.write(f"Pruned {len(removed)} older archives from {path.parent}.")
