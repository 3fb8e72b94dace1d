"""Explicit audit calls. Model changes are recorded by django-auditlog; reads of sensitive records and exports
are recorded here as "access" entries (DOMAIN.md §12), with the acting user taken from the request."""

from auditlog.signals import accessed


def record_access(instance) -> None:
    accessed.send(sender=instance.__class__, instance=instance)
