from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.common.audit import MASK_CALLABLE
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

        # Personal data is recorded as changed, never copied (apps.common.audit.scrub): the entry references the
        # member by id; reasons for an exemption, a suspension or an attachment likewise.
        auditlog.register(
            Member,
            exclude_fields=["full_name_search"],
            mask_fields=[
                "full_name",
                "date_of_birth",
                "card_number",
                "national_id",
                "residence",
                "occupation",
                "phone",
                "email",
                "photo",
            ],
            mask_callable=MASK_CALLABLE,
        )
        auditlog.register(CellMembership)
        for period in (Exemption, Suspension, Attachment):
            auditlog.register(period, mask_fields=["reason"], mask_callable=MASK_CALLABLE)
        auditlog.register(CellRole)
        auditlog.register(Dues)
        auditlog.register(DuesRate)
        auditlog.register(MemberDuesBasis, exclude_fields=["monthly_income"])  # income never in the log

        # Excel exports of the members' lists (apps.exports)
        from apps.exports.rules.tables import register
        from apps.members.queries import exports

        register("members", exports.members)
