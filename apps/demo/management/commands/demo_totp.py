import time

from django.core.management.base import BaseCommand

from apps.demo import accounts


class Command(BaseCommand):
    help = "Print the current two-step verification code of each demo account that has the demo's published key."

    def handle(self, *args, **options):
        rows = accounts.demo_codes()
        if not rows:
            self.stdout.write("No demo account has the demo authenticator (seed the demo first: make run).")
            return
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"Demo 2FA codes (valid for about {left}s more; each works once):")
        for username, code in rows:
            self.stdout.write(f"  {username:<10} {code}")
        self.stdout.write(f"Recovery codes (each works once): {', '.join(accounts.DEMO_RECOVERY_CODES)}")
