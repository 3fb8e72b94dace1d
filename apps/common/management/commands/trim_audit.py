"""manage.py trim_audit [--before YYYY-MM-DD]: delete audit entries older than the retention period, leaving a
signed checkpoint from which the chain still verifies (apps/common/audit_chain.py)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit_chain


class Command(BaseCommand):
    help = "Delete audit entries older than CHIBO_AUDIT_RETENTION_DAYS (or --before), leaving a signed checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--before", help="Trim entries older than this day (YYYY-MM-DD).")

    def handle(self, *args, before: str | None, **options):
        if before:
            try:
                day = datetime.strptime(before, "%Y-%m-%d").date()
            except ValueError as error:
                raise CommandError(_("Give the day as YYYY-MM-DD.")) from error
            cutoff = timezone.make_aware(datetime.combine(day, time.min))
        else:
            cutoff = timezone.now() - timedelta(days=settings.CHIBO_AUDIT_RETENTION_DAYS)
        try:
            checkpoint = audit_chain.trim(cutoff)
        except audit_chain.ChainBroken as error:
            raise CommandError(
                _("The audit chain is broken, nothing was trimmed: %(problem)s") % {"problem": error}
            ) from error
        if checkpoint is None:
            self.stdout.write(_("Nothing to trim."))
        else:
            self.stdout.write(
                _("%(count)s entries trimmed; the chain starts again after checkpoint #%(seq)s.")
                % {"count": checkpoint.entries, "seq": checkpoint.seq}
            )
