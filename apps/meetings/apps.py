from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from auditlog.registry import auditlog

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
            Attendance,
            Apology,
            Speech,
            Minutes,
        ):
            auditlog.register(model)
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
