"""Background work of the imports (django-tasks, docs/decisions/0005 and 0012): analysing a file, previewing its
rows, committing them, undoing a commit. Each job records its progress and its outcome on the batch's row
(apps/imports/services/jobs.py)."""

from django_tasks import task

from apps.imports.services import jobs


@task()
def analyse_batch(batch_id: int) -> str:
    return jobs.batch_analyse(batch_id)


@task()
def preview_batch(batch_id: int, user_id: int | None = None) -> str:
    """``user_id``: who chose the columns (the preview reads as they may see); default the uploader."""
    return jobs.batch_preview(batch_id, user_id)


@task()
def commit_batch(batch_id: int, user_id: int) -> str:
    return jobs.batch_commit(batch_id, user_id)


@task()
def undo_batch(batch_id: int, user_id: int) -> str:
    return jobs.batch_undo(batch_id, user_id)
