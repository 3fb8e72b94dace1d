import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from apps.demo import accounts as demo_accounts
from apps.demo import world as demo
from apps.orgs.models import Organization


class Command(BaseCommand):
    help = "Load deterministic demo data: a district (~4,800 members) or a province (~40 districts)."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=["district", "province", "sample"], default="district")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD; default today")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when organisations exist.")
        parser.add_argument("--no-accounts", action="store_true")

    def handle(self, *args, profile, seed, as_of, if_empty, no_accounts, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("Database already has data; demo not loaded.")
                return
            raise CommandError("The database is not empty; seed_demo only fills an empty database.")
        started = time.monotonic()
        with translation.override("vi"):
            counter = demo.build(
                profile=profile, seed=seed, as_of=as_of or timezone.localdate(), with_accounts=not no_accounts
            )
        scores, ratings, oversight = counter.scores, counter.ratings, counter.oversight
        self.stdout.write(
            f"Demo '{profile}' (seed {seed}): {counter.orgs} organisations, {counter.members} members, "
            f"{counter.memberships} membership periods, {counter.exemptions} exemptions, "
            f"{counter.cell_roles} cell offices, {counter.users} accounts; "
            f"{counter.history.meetings} meetings, {counter.history.attendances} attendance marks, "
            f"{counter.history.speeches} speeches, {counter.history.minutes} adopted minutes, "
            f"{counter.history.board_meetings} board pre-meetings; {counter.dues.dues} monthly dues "
            f"({counter.dues.unpaid} unpaid); "
            f"{counter.followup.get('resolutions', 0)} resolutions, {counter.followup.get('tasks', 0)} tasks, "
            f"{counter.followup.get('targets', 0)} targets, {counter.followup.get('inspections', 0)} inspections; "
            f"{scores.scores} meeting scores ({scores.adopted} adopted, {scores.confirmed} confirmed, "
            f"{scores.overridden} overridden); {ratings.members} member and {ratings.collective} cell ratings "
            f"({ratings.decided} decided) in {ratings.communes} communes, {ratings.disciplines} disciplinary records; "
            f"{oversight.rules} threshold rules, {oversight.assignments} supervisor assignments, {oversight.visits} "
            f"visits ({oversight.inspections} by the inspection commission), {oversight.briefings} briefings, "
            f"{oversight.facts} cell-month figures in {time.monotonic() - started:.1f}s."
        )
        if counter.logins:
            self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
            with_code = demo_accounts.with_demo_authenticator([username for username, _role, _where in counter.logins])
            for username, role, where in counter.logins:
                code = "  + 2FA code" if username in with_code else ""
                self.stdout.write(f"  {username:<10} {role} — {where}{code}")
            if with_code:
                self.stdout.write(
                    "2FA code: `python manage.py demo_totp` prints each account's current code; or add the demo key "
                    f"{demo_accounts.DEMO_TOTP_KEY_B32} to an authenticator app; recovery codes "
                    f"{', '.join(demo_accounts.DEMO_RECOVERY_CODES[:3])}… (each works once)."
                )
