"""The monthly briefing pack (giao ban, issue 12 point 3) of a committee: each sub-unit's results of the month
reviewed (the month before the briefing), the exceptions (from the early warnings), and the month's focus that the
committee writes (``Briefing``). The pack is ready from the first day of the briefing's month; the briefing day is
the committee's threshold (``OversightRule.briefing_day``) unless a date was recorded.

About ten queries whatever the number of sub-units: the sub-units and their figures (``queries.figures``: 2), the
thresholds (1), the saved briefing (1), and the exceptions (``queries.warnings`` for five kinds: 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from apps.common import rules as common_rules
from apps.orgs.models import Organization
from apps.oversight.models import Briefing, OversightRule
from apps.oversight.queries import figures as queries_figures
from apps.oversight.queries import thresholds as queries_thresholds
from apps.oversight.queries import warnings as queries_warnings
from apps.oversight.rules import figures as rules_figures
from apps.oversight.rules import warnings as rules_warnings
from apps.oversight.rules.periods import MONTH, Period, add_months, month_of

# The figures of the results table, by code (apps.oversight.rules.figures), and the quality columns shown as one.
RESULT_CODES = ("meetings_held", "attendance_rate", "speaking_share", "unexcused_absences")
QUALITY_CODES = ("quality_tot", "quality_kha", "quality_tb", "quality_kem")
TASK_CODES = ("tasks_done", "tasks_late")
DUES_CODE = "dues_paid_share"


def headers() -> list[str]:
    """The results table's column headers after the organisation's, the figures' own labels."""
    label = rules_figures.BY_CODE
    return [
        *(str(label[code].label) for code in RESULT_CODES),
        str(_("Quality (good/fairly good/average/weak)")),
        str(_("Tasks (done/late)")),
        str(label[DUES_CODE].label),
    ]


def parse_month(text: str) -> date | None:
    """ "2026-12" → 1 December 2026; None for anything else or a year the system does not serve."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text or "")
    if not found or not common_rules.month_ok(int(found[1]), int(found[2])):
        return None
    return date(int(found[1]), int(found[2]), 1)


def briefing_day(rule: OversightRule, month: date) -> date:
    """The briefing's day in ``month`` by the committee's threshold (1–28, so every month has it)."""
    return month.replace(day=max(1, min(int(rule.briefing_day), 28)))


@dataclass
class ResultRow:
    org: Organization
    figures: dict
    low_attendance: bool = False  # under the committee's attendance threshold
    low_speaking: bool = False

    @property
    def quality(self) -> str:
        return "/".join(str(self.figures.get(code) or 0) for code in QUALITY_CODES)

    @property
    def tasks(self) -> str:
        return "/".join(str(self.figures.get(code) or 0) for code in TASK_CODES)


@dataclass
class Pack:
    committee: Organization
    month: date  # the first day of the briefing's month
    reviewed: Period  # the month the results are of (the month before)
    ready: bool  # from the first day of the briefing's month
    day: date  # the briefing's day: the date recorded, else the committee's briefing day
    rule: OversightRule
    briefing: Briefing | None
    rows: list[ResultRow] = field(default_factory=list)
    total: ResultRow | None = None
    exceptions: list[rules_warnings.Warning] = field(default_factory=list)

    @property
    def focus(self) -> str:
        return self.briefing.focus if self.briefing is not None else ""

    @property
    def headers(self) -> list[str]:
        return headers()

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def previous(self) -> date:
        return add_months(self.month, -1)

    @property
    def following(self) -> date:
        return add_months(self.month, 1)


def _result(org: Organization, figures: dict, rule: OversightRule) -> ResultRow:
    attendance, speaking = figures.get("attendance_rate"), figures.get("speaking_share")
    return ResultRow(
        org,
        figures,
        low_attendance=rules_warnings.below(attendance, rule.attendance_min),
        low_speaking=rules_warnings.below(speaking, rule.speaking_min),
    )


def briefing_of(user, committee: Organization, month: date) -> Briefing | None:
    """The committee's saved briefing of the month, if any (one query)."""
    briefing = Briefing.objects.visible_to(user).filter(committee=committee, month=month).first()
    if briefing is not None:
        briefing.committee = committee  # named in its audit entries: no second read
    return briefing


def pack(user, committee: Organization, month: date, *, today: date) -> Pack:
    """The briefing pack of ``committee`` for ``month``. Before the month begins the pack is not ready: the figures
    and exceptions are left out (the focus may already be written)."""
    rule = queries_thresholds.rule_at(committee, month)
    briefing = briefing_of(user, committee, month)
    reviewed_month = add_months(month, -1)
    reviewed = Period(MONTH, reviewed_month.year, reviewed_month.month)
    ready = month <= month_of(today)
    day = briefing.held_on if briefing is not None and briefing.held_on else briefing_day(rule, month)
    result = Pack(committee, month, reviewed, ready, day, rule, briefing)
    if not ready:
        return result
    children = queries_figures.children_rows(user, committee, reviewed, today=today)
    result.rows = [_result(row.org, row.figures, rule) for row in children]
    total = rules_figures.compute_all(rules_figures.add(row.sums for row in children), closed=reviewed.end < today)
    result.total = _result(committee, total, rule)
    # The exceptions as they stood on the briefing day (today while it has not come).
    as_of = min(today, max(day, month))
    result.exceptions = queries_warnings.warnings_for(user, committee, today=as_of, kinds=rules_warnings.BRIEFING_KINDS)
    return result


def ancestors(committee: Organization) -> list[Organization]:
    """The organisations above the committee, nearest first, for the document's letterhead (one query; their names
    only, as every document of the subtree prints them)."""
    step = Organization.steplen
    paths = [committee.path[:end] for end in range(step, len(committee.path), step)]
    above = Organization.objects.filter(path__in=paths).only("path", "name")
    return sorted(above, key=lambda o: -len(o.path))
