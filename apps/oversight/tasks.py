"""Background work of oversight on the task queue (django-tasks; docs/decisions/0005)."""

from django_tasks import task

from apps.oversight.services import facts


@task()
def refresh_facts() -> int:
    """Recompute the cell-months marked stale by the verbs that changed their record (services.facts)."""
    return facts.refresh_stale()
