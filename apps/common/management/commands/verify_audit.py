"""manage.py verify_audit: check the audit chain (apps/common/audit_chain.py); exit status 1 on a break."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from apps.common import audit_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first broken link (exit status 1 when broken)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal",
            action="store_true",
            help="First link every entry not yet in the chain (after an upgrade, or once the unsealed entries "
            "reported were looked at).",
        )

    def handle(self, *args, seal: bool, **options):
        if seal:
            count = audit_chain.seal_pending(everything=True)
            self.stdout.write(_("%(count)s entries sealed.") % {"count": count})
        broken = False
        problem = audit_chain.verify()
        if problem:
            broken = True
            self.stderr.write(_("The audit chain is broken: %(problem)s") % {"problem": problem})
        else:
            seq, digest = audit_chain.head()
            self.stdout.write(_("The audit chain holds: head #%(seq)s %(hash)s.") % {"seq": seq, "hash": digest})
        stray = audit_chain.unsealed()
        if stray:
            broken = True
            self.stderr.write(
                _("Entries older than a minute and not in the chain (written around the application?): %(ids)s")
                % {"ids": ", ".join(str(i) for i in stray)}
            )
        if broken:
            sys.exit(1)
