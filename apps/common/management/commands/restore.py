"""Replace the database and the uploaded files with a backup archive's, then prove every table and file came back
(docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from apps.common.backup import archive


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: checks the archive (manifest, database kind, migrations, "
        "checksums), replaces the whole database and every uploaded file, then recounts and rechecks each table "
        "and file against the manifest and fails if anything differs. Stop the site and the worker first. "
        "Without --yes it only checks the archive and says what it would replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup archive (.tar.gz).")
        parser.add_argument("--yes", action="store_true", help="Really replace the database and the uploads.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, path, yes, database, **options):
        if not yes:
            try:
                manifest = archive.check(path, alias=database)
            except archive.BackupError as exc:
                raise CommandError(f"Not restored: {exc}") from exc
            name = connections[database].settings_dict["NAME"]
            raise CommandError(
                f"The archive is sound ({archive.summary(manifest)}). Restoring it REPLACES the whole database "
                f"{name} and DELETES every uploaded file now stored, putting the archive's in their place; whatever "
                "was written since that backup is lost. Stop the site and the worker, take a backup of the current "
                "state (manage.py backup), then run again with --yes."
            )
        try:
            restored = archive.restore(path, alias=database)
        except archive.RestoreMismatch as exc:
            raise CommandError(
                "RESTORE DOES NOT MATCH THE BACKUP — do not reopen the site:\n  " + "\n  ".join(exc.problems)
            ) from exc
        except archive.BackupError as exc:
            raise CommandError(f"Not restored: {exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {archive.summary(restored.manifest)}; every table's row count and checksum and every "
                    "file's checksum match the backup."
                )
            )
            if restored.pending_migrations:
                self.stdout.write(
                    f"The backup predates {len(restored.pending_migrations)} migrations of this version: "
                    "run `manage.py migrate` before starting the site."
                )
            self.stdout.write("Next: `manage.py verify_audit` (the audit chain must verify), then start the site.")
