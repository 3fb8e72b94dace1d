from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from auditlog.registry import auditlog

        from apps.common.audit import MASK_CALLABLE
        from apps.meetings import permissions  # noqa: F401  (registers the rules predicates)
        from apps.meetings.models import (
            AgendaItem,
            AnnualCalendar,
            Apology,
            Attendance,
            Meeting,
            MeetingDocument,
            MeetingRule,
            Minutes,
            Speech,
            Vote,
        )

        for model in (
            AnnualCalendar,
            MeetingRule,
            Meeting,
            AgendaItem,
            MeetingDocument,
            Speech,
            Minutes,
        ):
            auditlog.register(model)
        # A member's reason for being absent is personal: recorded as changed, never copied (apps.common.audit.scrub).
        for model in (Attendance, Apology):
            auditlog.register(model, mask_fields=["reason"], mask_callable=MASK_CALLABLE)
        # Votes are audited without their tallies: a secret ballot's running count must not leak through the log.
        auditlog.register(
            Vote,
            exclude_fields=[
                "secret_for",
                "secret_against",
                "secret_abstain",
                "ballots_cast",
                # the board's paper counts: held back like the result until the vote closes
                "paper_for",
                "paper_against",
                "paper_abstain",
            ],
        )

        # Excel exports of the meetings' lists (apps.exports)
        from apps.exports.rules.tables import register
        from apps.meetings.queries import exports

        register("attendance", exports.attendance)
        register("register", exports.register)
        register("meetings", exports.meetings)
