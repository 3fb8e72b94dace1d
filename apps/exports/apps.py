from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "apps.exports"
    label = "exports"
    verbose_name = "Xuất Excel"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.exports.models import Export

        # An export is recorded when it is asked for (its creation, and an "access" entry: apps.common.audit
        # .record_access); the job's progress and outcome on the same row are kept out of the log.
        auditlog.register(Export, exclude_fields=["status", "rows_done", "rows_total", "file", "error", "finished_at"])
