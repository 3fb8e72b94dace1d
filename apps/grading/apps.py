from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "apps.grading"
    label = "grading"
    verbose_name = "Đánh giá, xếp loại"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.grading import permissions  # noqa: F401  (registers the rules predicates)
        from apps.grading.models import AnnualRating, Discipline, GradingRule

        for model in (GradingRule, AnnualRating, Discipline):
            auditlog.register(model)

        # Excel export of the year's grades (apps.exports)
        from apps.exports.rules.tables import register
        from apps.grading.queries import exports

        register("grades", exports.grades)
