"""Recompute the oversight fact tables from the record: after an import, a restore, a change of how a figure is
counted, or once at the start of each month (cron) so that every cell has its row for the month."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from apps.oversight.services import facts


def _month(text: str) -> date:
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError(f"--since takes a month as YYYY-MM, not {text!r}.") from exc


class Command(BaseCommand):
    help = (
        "Recompute every cell's monthly figures (CellMonth) from the first month with a meeting or dues to the "
        "current month, or from --since YYYY-MM, and every organisation's yearly grades (OrgYear) of the years "
        "concerned. Rows are replaced in place (running it twice gives the same table); the stale marks of the "
        "months rebuilt are cleared. Progress is printed as cell-months done / total."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_month, default=None, help="First month to rebuild, YYYY-MM.")

    def handle(self, *args, since: date | None, **options):
        months = None if since is None else facts.months_between(since, facts.current_month())
        if months == []:
            raise CommandError("--since is after the current month.")
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stdout.write(f"{done}/{total} cell-months")

        stored = facts.rebuild(months=months, progress=progress)
        if verbose:
            first = months[0] if months else facts.first_month()
            self.stdout.write(
                self.style.SUCCESS(f"Rebuilt {stored} cell-months from {first:%m/%Y} to {facts.current_month():%m/%Y}.")
            )
