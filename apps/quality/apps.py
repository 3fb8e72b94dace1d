from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "apps.quality"
    label = "quality"
    verbose_name = "Chất lượng sinh hoạt"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Rubric, RubricCategory, RubricItem

        for model in (Rubric, RubricCategory, RubricItem):
            auditlog.register(model)
