"""What waits for the user (the home page): meetings to score, scores to confirm, grading steps that are theirs.

Every list starts from the scoped querysets (``visible_to``) and narrows them with the same rules as the
permissions of the pages it links to (apps.quality.permissions, apps.grading.permissions). A fixed number of
queries: a count and the first few rows per kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse

from apps.common.scoping import MANAGE, RESTRUCTURE, ROLE_ACTIONS, Role, grants_for, subtree_filter
from apps.grading.models import AnnualRating
from apps.meetings.models import Meeting
from apps.quality.models import MeetingScore

SHOWN = 5
SCORING_WINDOW_DAYS = 62  # a meeting left unscored for two months is history, not a task


@dataclass
class TodoRow:
    label: str
    url: str


@dataclass
class TodoList:
    kind: str  # "score", "confirm", "self", "self_org", "appraise", "decide"
    count: int
    rows: list[TodoRow] = field(default_factory=list)


def _under(scope_path: str, paths) -> Q | None:
    paths = sorted(set(paths))
    return reduce(or_, (subtree_filter(scope_path, p) for p in paths)) if paths else None


def _strictly_under(paths) -> Q | None:
    """Ratings of organisations strictly below one of ``paths`` (the level above decides, never a grant's own node:
    grading.permissions._above)."""
    parts = [subtree_filter(AnnualRating.scope_path, p) & ~Q(organization__path=p) for p in sorted(set(paths))]
    return reduce(or_, parts) if parts else None


def _restructure_paths(user) -> list[str]:
    return [g.path for g in grants_for(user) if RESTRUCTURE in ROLE_ACTIONS[g.role]]


def _meeting_label(meeting) -> str:
    return f"{meeting.cell.name} · {meeting.get_kind_display()} {meeting.scheduled_at:%d/%m/%Y}"


def _listed(kind: str, queryset, label, url) -> TodoList | None:
    count = queryset.count()
    if not count:
        return None
    return TodoList(kind, count, [TodoRow(label(row), url(row)) for row in queryset[:SHOWN]])


def meetings_to_score(user, today: date) -> TodoList | None:
    """Held regular and thematic meetings of the last two months without a score, in cells the user manages."""
    qs = (
        Meeting.objects.visible_to(user, MANAGE)
        .filter(
            status=Meeting.Status.CLOSED,
            kind__in=(Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC),
            score__isnull=True,
            scheduled_at__date__gte=today - timedelta(days=SCORING_WINDOW_DAYS),
        )
        .select_related("cell")
        .order_by("scheduled_at", "pk")
    )
    return _listed("score", qs, _meeting_label, lambda m: reverse("quality:meeting_score", args=[m.pk]))


def scores_to_confirm(user) -> TodoList | None:
    """Proposed scores not confirmed yet, where the user supervises: a supervisor grant or committee staff."""
    paths = [g.path for g in grants_for(user) if g.role == Role.SUPERVISOR] + _restructure_paths(user)
    where = _under(MeetingScore.scope_path, paths)
    if where is None:
        return None
    qs = (
        MeetingScore.objects.visible_to(user)
        .filter(where, confirmed_at__isnull=True)
        .select_related("meeting__cell")
        .order_by("meeting__scheduled_at", "pk")
    )
    return _listed(
        "confirm",
        qs,
        lambda s: _meeting_label(s.meeting),
        lambda s: reverse("quality:meeting_score", args=[s.meeting_id]),
    )


def _rating_label(rating) -> str:
    return f"{rating.subject_name} · {rating.year}"


def _rating_url(rating) -> str:
    return reverse("grading:rating", args=[rating.pk])


def grading_steps(user) -> list[TodoList]:
    """The user's own self-assessment; appraisals of members in cells they manage (and of organisations under
    their committee); decisions where they are the level above."""
    visible = AnnualRating.objects.visible_to(user).select_related("member", "organization")
    status = AnnualRating.Status
    lists = [
        _listed(
            "self",
            visible.filter(member__user=user, status=status.DRAFT).order_by("-year"),
            _rating_label,
            _rating_url,
        )
    ]
    manage_paths = [g.path for g in grants_for(user) if MANAGE in ROLE_ACTIONS[g.role]]
    own_org = _under(AnnualRating.scope_path, manage_paths)
    if own_org is not None:  # an organisation's self-assessment: its managers (the cell secretary)
        lists.append(
            _listed(
                "self_org",
                visible.filter(own_org, is_collective=True, status=status.DRAFT).order_by("organization__path", "pk"),
                _rating_label,
                _rating_url,
            )
        )
    above = _strictly_under(_restructure_paths(user))
    if own_org is not None:
        members = Q(is_collective=False) & own_org
        collective = Q(is_collective=True) & (above or Q(pk__in=[]))
        lists.append(
            _listed(
                "appraise",
                visible.filter(members | collective, status=status.SELF_ASSESSED).order_by("organization__path", "pk"),
                _rating_label,
                _rating_url,
            )
        )
    if above is not None:
        lists.append(
            _listed(
                "decide",
                visible.filter(above, status=status.APPRAISED).order_by("organization__path", "pk"),
                _rating_label,
                _rating_url,
            )
        )
    return [item for item in lists if item]


def todo_for(user, today: date) -> list[TodoList]:
    return [item for item in (meetings_to_score(user, today), scores_to_confirm(user)) if item] + grading_steps(user)
