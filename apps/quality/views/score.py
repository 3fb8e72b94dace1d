"""The scoring page of a meeting: the board proposes and records adoption; the supervisor confirms or overrides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.forms import apply_errors
from apps.common.scoping import VIEW
from apps.common.views import error_messages
from apps.meetings.models import Meeting
from apps.quality.forms.score import AdoptForm, JudgedForm, OverrideForm
from apps.quality.models import MeetingScore
from apps.quality.queries import score as queries_score
from apps.quality.queries.metrics import HELD
from apps.quality.services import score as services_score


def _meeting(request, meeting_id: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user, VIEW).select_related("cell"), pk=meeting_id)


def _render(request, meeting: Meeting, page=None, *, propose_form=None, adopt_form=None, override_form=None):
    page = page or queries_score.score_page(meeting)
    score = page.score
    can_propose = request.user.has_perm("quality.propose_score", meeting)
    can_supervise = request.user.has_perm("quality.supervise_score", meeting)
    final = score.confirmed_at is not None if score else False
    if page.spec is not None:
        judged = score.judged if score else {}
        if propose_form is None and can_propose and not final:
            propose_form = JudgedForm(spec=page.spec, initial_judged=judged, unmeasured=page.unmeasured)
        if override_form is None and can_supervise and score is not None:
            override_form = OverrideForm(
                spec=page.spec,
                initial_judged=score.override_judged or judged,
                unmeasured=page.unmeasured,
                prefix="override",
            )
    if adopt_form is None and can_propose and score is not None and not final:
        adopt_form = AdoptForm()
    context = {
        "meeting": meeting,
        "page": page,
        "score": score,
        "proposed_level": queries_score.level_label(page.result["level"]) if page.result else "",
        "proposed_total": queries_score.shown_total(page.result),
        "override_level": queries_score.level_label(score.override_result["level"])
        if score and score.overridden
        else "",
        "override_total": queries_score.shown_total(score.override_result) if score and score.overridden else "",
        "final_level": queries_score.level_label(score.final_level) if score else "",
        "held": meeting.status in HELD,
        "can_propose": can_propose and not final,
        "can_supervise": can_supervise and score is not None,
        "propose_form": propose_form if can_propose and not final else None,
        "adopt_form": adopt_form if can_propose and score is not None and not final else None,
        "override_form": override_form if can_supervise and score is not None else None,
    }
    return render(request, "quality/meeting_score.html", context)


@login_required
def meeting_score(request, meeting_id: int):
    return _render(request, _meeting(request, meeting_id))


@login_required
@require_POST
def score_propose(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm("quality.propose_score", meeting):
        raise Http404
    page = queries_score.score_page(meeting)
    if page.spec is None:
        raise Http404
    form = JudgedForm(request.POST, spec=page.spec, unmeasured=page.unmeasured)
    live = page.metrics if page.score is None else None  # read just now for the preview; a stored score's are old
    if form.is_valid():
        try:
            services_score.score_propose(meeting=meeting, judged=form.judged(), by=request.user, metrics=live)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The score has been proposed."))
            return redirect("quality:meeting_score", meeting.pk)
    return _render(request, meeting, page, propose_form=form)


def _score(request, meeting_id: int, perm: str) -> MeetingScore:
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm(perm, meeting):
        raise Http404
    score = get_object_or_404(
        MeetingScore.objects.visible_to(request.user, VIEW).select_related("rubric"), meeting=meeting
    )
    score.meeting = meeting
    return score


@login_required
@require_POST
def score_adopt(request, meeting_id: int):
    score = _score(request, meeting_id, "quality.propose_score")
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            services_score.score_adopt(score=score, approving=form.cleaned_data["approving"], by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The adoption has been recorded."))
            return redirect("quality:meeting_score", score.meeting.pk)
    return _render(request, score.meeting, adopt_form=form)


@login_required
@require_POST
def score_confirm(request, meeting_id: int):
    score = _score(request, meeting_id, "quality.supervise_score")
    try:
        services_score.score_confirm(score=score, by=request.user)
    except ValidationError as exc:  # e.g. overridden meanwhile, from another tab or by another supervisor
        error_messages(request, exc)
    else:
        messages.success(request, _("The score has been confirmed."))
    return redirect("quality:meeting_score", score.meeting.pk)


@login_required
@require_POST
def score_override(request, meeting_id: int):
    score = _score(request, meeting_id, "quality.supervise_score")
    page = queries_score.score_page(score.meeting)
    form = OverrideForm(request.POST, spec=page.spec, unmeasured=page.unmeasured, prefix="override")
    if form.is_valid():
        try:
            services_score.score_override(
                score=score, judged=form.judged(), reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The supervisor's score has been recorded."))
            return redirect("quality:meeting_score", score.meeting.pk)
    return _render(request, score.meeting, page, override_form=form)
