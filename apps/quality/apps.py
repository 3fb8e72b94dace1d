from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "apps.quality"
    label = "quality"
    verbose_name = "Chất lượng sinh hoạt"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.quality import permissions  # noqa: F401  (registers the rules predicates)
        from apps.quality.models import MeetingScore, Rubric, RubricCategory, RubricItem

        for model in (Rubric, RubricCategory, RubricItem, MeetingScore):
            auditlog.register(model)
