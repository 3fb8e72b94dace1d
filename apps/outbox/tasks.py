"""Background work on the task queue (django-tasks with its database backend; see docs/decisions/0005)."""

from django_tasks import task

from apps.outbox.services import delivery


@task()
def deliver(message_id: int) -> str:
    """Try one outbound message once; the service records the outcome and schedules the next try."""
    return delivery.message_deliver(message_id=message_id)
