from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "apps.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.imports import permissions  # noqa: F401  (registers the rules predicates)
        from apps.imports.models import ImportBatch, ImportMapping

        # An import is recorded when it is uploaded, committed and undone (the batch's row, with who and when; the
        # records it writes are audited by the services that write them). The jobs' progress on the same row is
        # kept out of the log; the rows of the preview and the changes are the import's own working data.
        auditlog.register(
            ImportBatch,
            exclude_fields=[
                "rows_done",
                "rows_total",
                "sheets",
                "counts",
                "error",
                "analysed_at",
                "previewed_at",
                "worked_at",
            ],
        )
        auditlog.register(ImportMapping)
