"""The meetings' scores as an Excel table (apps.exports): ``?org=<id>&year=<yyyy>``, the scored meetings of a cell
or of every cell under a committee in the year, read through the scores' scoped lookup (a cell's members see their
own cell's scores, as on the meeting's score page)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, subtree_filter, today
from apps.exports.rules.tables import DATE, INT, NUMBER, Column, Params, Table, Unavailable, int_param, year_param
from apps.orgs.queries.tree import organizations_for
from apps.quality.models import MeetingScore
from apps.quality.queries.score import scores_for
from apps.quality.rules.rubrics.labels import level_label


def _total(result: dict | None) -> Decimal | None:
    return Decimal(result["total"]) if result and result.get("total") is not None else None


def _stage(score: MeetingScore) -> str:
    if score.overridden:
        return _("overridden by the supervisor")
    if score.confirmed_at:
        return _("confirmed by the supervisor")
    if score.adopted_at:
        return _("adopted by the cell")
    return _("proposed by the board")


def scores(user, params: Params) -> Table:
    org = organizations_for(user, VIEW).filter(pk=int_param(params, "org")).first()
    if org is None:
        raise Unavailable("org")
    year = year_param(params, today().year)
    queryset = scores_for(user, VIEW).filter(meeting__scheduled_at__year=year).select_related("meeting__cell")
    if org.is_cell:
        queryset = queryset.filter(meeting__cell=org)
    else:
        queryset = queryset.filter(subtree_filter(MeetingScore.scope_path, org.path))
    queryset = queryset.order_by("meeting__cell__path", "meeting__scheduled_at", "meeting__kind", "pk")
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Date"), DATE),
        Column(_("Cell"), width=24),
        Column(_("Meeting"), width=22),
        Column(_("Points proposed"), NUMBER, width=11),
        Column(_("Level proposed"), width=14),
        Column(_("Supervisor's points"), NUMBER, width=12),
        Column(_("Final level"), width=14),
        Column(_("Stage"), width=26),
        Column(_("Maximum points"), NUMBER, width=10),
    ]
    return Table(
        title=_("Meeting quality scores"),
        organisation=org.name,
        period=_("Year %(year)s") % {"year": year},
        columns=columns,
        rows=_score_rows(queryset),
        count=queryset.count(),
    )


def _score_rows(queryset) -> Iterator[list]:
    for number, score in enumerate(queryset.iterator(chunk_size=2000), start=1):
        meeting = score.meeting
        result = score.result or {}
        yield [
            number,
            timezone.localtime(meeting.scheduled_at).date(),
            meeting.cell.name,
            meeting.get_kind_display(),
            _total(result),
            level_label(result.get("level", "")),
            _total(score.override_result),
            level_label(score.final_level),
            _stage(score),
            Decimal(result["max_points"]) if result.get("max_points") else None,
        ]
