from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "apps.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.orgs import permissions  # noqa: F401  (registers the rules predicates)
        from apps.orgs.models import Organization, RoleGrant

        auditlog.register(Organization, exclude_fields=["name_search", "numchild"])
        auditlog.register(RoleGrant)
