from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.members import permissions  # noqa: F401  (registers the rules predicates)
        from apps.members.models import (
            Attachment,
            CellMembership,
            CellRole,
            Dues,
            DuesRate,
            Exemption,
            Member,
            MemberDuesBasis,
            Suspension,
        )

        auditlog.register(Member, exclude_fields=["full_name_search"])
        auditlog.register(CellMembership)
        auditlog.register(Exemption)
        auditlog.register(Suspension)
        auditlog.register(Attachment)
        auditlog.register(CellRole)
        auditlog.register(Dues)
        auditlog.register(DuesRate)
        auditlog.register(MemberDuesBasis, exclude_fields=["monthly_income"])  # income never in the log

        # Excel exports of the members' lists (apps.exports)
        from apps.exports.rules.tables import register
        from apps.members.queries import exports

        register("members", exports.members)
