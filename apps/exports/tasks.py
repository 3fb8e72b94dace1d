"""Background work of the exports: writing a large table (django-tasks, docs/decisions/0005 and 0010)."""

from django_tasks import task

from apps.exports.services import exports


@task()
def run_export(export_id: int) -> str:
    """Write one queued export; the service records its progress and its outcome on the export's row."""
    return exports.export_run(export_id)
