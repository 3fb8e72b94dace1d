"""The scheduled job: reminders before meetings. Idempotent; run it every 15 minutes (docs/meetings-calendar.md)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from apps.meetings.services import reminders as services_reminders


class Command(BaseCommand):
    help = "Send the reminder e-mail for meetings starting within the next N hours (once per meeting)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48, help="Remind meetings starting within this many hours.")

    def handle(self, *args, hours: int, **options):
        if hours <= 0:
            raise CommandError("--hours must be positive.")
        with translation.override(settings.LANGUAGE_CODE):  # messages read in the users' language
            try:
                count = services_reminders.reminders_send(now=timezone.now(), within=timedelta(hours=hours))
            except services_reminders.ReminderFailure as exc:
                raise CommandError(f"{exc} ({exc.reminded} sent; they will be retried on the next run)") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reminders queued for {count} meeting(s); the worker delivers them.")
