from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "apps.oversight"
    label = "oversight"
    verbose_name = "Theo dõi, giám sát"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.oversight import permissions  # noqa: F401  (registers the rules predicates)
        from apps.oversight.models import Briefing, OversightRule, SupervisorAssignment, Visit
        from apps.oversight.services import facts_signals

        for model in (SupervisorAssignment, Visit, OversightRule, Briefing):
            auditlog.register(model)
        # The fact tables follow the record: every change marks the cell-months it touches (services/facts.py).
        facts_signals.connect()

        # Excel exports of oversight's tables (apps.exports): the dashboard's sub-units and the briefing's results.
        from apps.exports.rules.tables import register
        from apps.oversight.queries import exports

        register("dashboard", exports.dashboard)
        register("briefing", exports.briefing)
