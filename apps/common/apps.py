from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "apps.common"
    label = "common"

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import post_save, pre_save

        from apps.common import audit, audit_chain

        # Every audit entry: personal data out before it is written, sealed into the hash chain after its commit.
        pre_save.connect(audit.on_entry_saving, sender=LogEntry, dispatch_uid="chibo-audit-scrub")
        post_save.connect(audit_chain.on_entry_saved, sender=LogEntry, dispatch_uid="chibo-audit-seal")
