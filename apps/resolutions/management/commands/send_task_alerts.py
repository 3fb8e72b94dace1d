"""The scheduled job: e-mail about tasks that became overdue. Run it once a day, early in the morning."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from apps.resolutions.services import tasks as services_tasks


class Command(BaseCommand):
    help = (
        "E-mail the lead and the cell's secretary about each task of an adopted resolution that became overdue: "
        "its deadline was the day before the given date (today by default, Asia/Ho_Chi_Minh) and it is neither "
        "done nor dropped. Nothing is stored: run it once a day and each task is alerted once, the day after its "
        "deadline; to catch up a missed day, run it with --date set to that day (re-running a day sends again). "
        "Overdue tasks stay listed on the 'Overdue tasks' page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="The day of the run, YYYY-MM-DD: alert tasks whose deadline was the day before (default: today).",
        )

    def handle(self, *args, date: date | None, **options):
        day = date or timezone.localdate()
        with translation.override(settings.LANGUAGE_CODE):  # messages read in the users' language
            count = services_tasks.task_alerts_send(on=day)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Overdue alerts queued: {count} message(s) for tasks due on {day - timedelta(days=1)}.")
