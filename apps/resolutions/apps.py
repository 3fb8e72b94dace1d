from django.apps import AppConfig


class ResolutionsConfig(AppConfig):
    name = "apps.resolutions"
    label = "resolutions"
    verbose_name = "Nghị quyết và nhiệm vụ"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.meetings.services.meeting import resolution_reads_set
        from apps.resolutions import permissions  # noqa: F401  (registers the rules predicates)
        from apps.resolutions.models import Feedback, Inspection, Resolution, Target, TargetActual, Task, TaskProgress
        from apps.resolutions.queries.meeting import Reads

        resolution_reads_set(Reads())  # the meetings' services read a meeting's resolution through their seam

        for model in (Resolution, Task, TaskProgress, Target, TargetActual, Feedback, Inspection):
            auditlog.register(model)

        # Excel exports of the tasks' lists (apps.exports)
        from apps.exports.rules.tables import register
        from apps.resolutions.queries import exports

        register("tasks", exports.tasks)
