from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "apps.oversight"
    label = "oversight"
    verbose_name = "Theo dõi, giám sát"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.oversight import permissions  # noqa: F401  (registers the rules predicates)
        from apps.oversight.models import Briefing, OversightRule, SupervisorAssignment, Visit

        for model in (SupervisorAssignment, Visit, OversightRule, Briefing):
            auditlog.register(model)
