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

        # Excel export of the meetings' scores (apps.exports)
        from apps.exports.rules.tables import register
        from apps.quality.queries import exports

        register("scores", exports.scores)
