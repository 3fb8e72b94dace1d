"""Scoring a meeting (DOMAIN.md §7): the board proposes, the cell adopts, the supervisor confirms or overrides.

Computed items come from a snapshot of ``metrics.meeting_metrics`` taken when the score is proposed; the override
re-scores the same snapshot with the supervisor's judged values, so the two results differ only by judgement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.meetings.models import Meeting
from apps.meetings.queries import meeting as meeting_queries
from apps.meetings.rules import votes as meeting_rules_votes
from apps.quality.models import MeetingScore, Rubric
from apps.quality.queries.metrics import HELD, meeting_metrics
from apps.quality.queries.rubrics import rubric_for, rubric_spec
from apps.quality.rules.engine import RubricSpec, ScoreResult, score_meeting
from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST, JUDGED_NUMBER, dec
from apps.quality.rules.score import judged_field, result_dict
from apps.quality.services.rubrics import rubric_lock


def _score(spec: RubricSpec, metrics: dict, judged: dict) -> ScoreResult:
    """Score, turning the engine's range errors into a ValidationError by form field."""
    errors = {}
    clean: dict[str, Any] = {}
    for item in spec.items():
        # A computed item the record cannot measure may be judged by hand, like a judged number.
        by_hand = item.kind == COMPUTED and metrics.get(item.metric) is None
        if (item.kind not in (JUDGED_NUMBER, JUDGED_CHECKLIST) and not by_hand) or item.code not in judged:
            continue
        value = judged[item.code]
        if item.kind == JUDGED_NUMBER or by_hand:
            try:
                points = dec(value)
            except ArithmeticError:
                points = None
            if points is None or not 0 <= points <= item.max_points:
                errors[judged_field(item.code)] = _("Enter points between 0 and %(max)s.") % {"max": item.max_points}
                continue
            clean[item.code] = str(points)
        else:
            ticks = [bool(t) for t in value]
            if len(ticks) != len(item.checklist):
                errors[judged_field(item.code)] = _("Answer every line of the checklist.")
                continue
            clean[item.code] = ticks
    if errors:
        raise ValidationError(errors)
    judged.clear()
    judged.update(clean)
    return score_meeting(spec, metrics, clean)


def _rubric_for_meeting(meeting: Meeting) -> Rubric:
    rubric = rubric_for(meeting.cell, timezone.localdate(meeting.scheduled_at), meeting.kind)
    if rubric is None:
        raise ValidationError(_("No scoring sheet is in force for this meeting."))
    return rubric


@transaction.atomic
def score_propose(
    *, meeting: Meeting, judged: dict[str, Any], by=None, metrics: dict[str, Any] | None = None
) -> MeetingScore:
    """The board's proposal: computed items from the record as it is now, judged items as entered. The rubric in
    force is locked when a meeting is first scored; proposing again re-scores against the same version and clears
    an earlier adoption. A confirmed score is final."""
    if meeting.status not in HELD:
        raise ValidationError(_("Only a meeting that has been held can be scored."))
    score = MeetingScore.objects.select_for_update().filter(meeting=meeting).first()
    if score is not None and score.confirmed_at is not None:
        raise ValidationError(_("The supervisor has already confirmed this score."))
    rubric = score.rubric if score is not None else _rubric_for_meeting(meeting)
    rubric_lock(rubric=rubric)
    metrics = metrics if metrics is not None else meeting_metrics(meeting)  # the page may pass what it just read
    judged = dict(judged)
    result = _score(rubric_spec(rubric), metrics, judged)
    score = score or MeetingScore(meeting=meeting, rubric=rubric)
    score.metrics = metrics
    score.judged = judged
    score.result = result_dict(result)
    score.proposed_at = timezone.now()
    score.proposed_by = by
    score.adopted_at = score.adopted_by = score.votes_for = score.votes_eligible = None
    score.save()
    return score


@transaction.atomic
def score_adopt(*, score: MeetingScore, approving: int | None = None, by=None) -> MeetingScore:
    """The cell adopts the proposal: with the number of members approving (more than half of the eligible members
    must approve), or, without a count, as adopted by the board."""
    if score.confirmed_at is not None:
        raise ValidationError(_("The supervisor has already confirmed this score."))
    if approving is not None:
        eligible = meeting_queries.eligible(meeting_queries.roll_call(score.meeting))
        if approving < 0 or approving > eligible:
            raise ValidationError(
                {"approving": _("Enter a number between 0 and %(eligible)s.") % {"eligible": eligible}}
            )
        vote = meeting_rules_votes.VoteResult(approving=approving, against=0, abstain=0, eligible=eligible)
        if not vote.passed:
            raise ValidationError(
                {
                    "approving": _("More than half of the %(eligible)s eligible members must approve.")
                    % {"eligible": eligible}
                }
            )
        score.votes_for, score.votes_eligible = approving, eligible
    else:
        score.votes_for = score.votes_eligible = None
    score.adopted_at = timezone.now()
    score.adopted_by = by
    score.save()
    return score


@transaction.atomic
def score_confirm(*, score: MeetingScore, by=None) -> MeetingScore:
    """The supervisor confirms the proposed score as it stands. An override already made is never erased: the
    supervisor overrides again (with a reason) to change it."""
    if score.override_result:
        raise ValidationError(_("The score was already overridden; override it again, with a reason, to change it."))
    score.confirmed_at = timezone.now()
    score.confirmed_by = by
    score.save()
    return score


@transaction.atomic
def score_override(*, score: MeetingScore, judged: dict[str, Any], reason: str, by=None) -> MeetingScore:
    """The supervisor scores the judged items differently, with a reason. The proposed result is kept; the
    computed items come from the same snapshot of the record."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for overriding the proposed score.")})
    judged = dict(judged)
    result = _score(rubric_spec(score.rubric), score.metrics, judged)
    score.override_judged = judged
    score.override_result = result_dict(result)
    score.override_reason = reason.strip()
    score.confirmed_at = timezone.now()
    score.confirmed_by = by
    score.save()
    return score
