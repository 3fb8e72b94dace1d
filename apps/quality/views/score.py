"""The scoring page of a meeting: the board proposes and records adoption; the supervisor confirms or overrides."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.forms import ButtonForm
from apps.common.scoping import VIEW
from apps.common.views import verb
from apps.meetings.models import Meeting
from apps.meetings.queries.meeting import meetings_for
from apps.quality.forms.score import AdoptForm, JudgedForm, OverrideForm
from apps.quality.models import MeetingScore
from apps.quality.queries import score as queries_score
from apps.quality.queries.metrics import HELD
from apps.quality.services import score as services_score

TEMPLATE = "quality/score/meeting.html"


def _meeting(request, meeting_id: int) -> Meeting:
    return get_object_or_404(meetings_for(request.user, VIEW), pk=meeting_id)


def _page(request, meeting: Meeting, page, *, propose_form=None, adopt_form=None, override_form=None) -> dict:
    """The scoring page: the score and its rows (``queries.score.score_page``) and the forms the user may send."""
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
    return {
        "meeting": meeting,
        "page": page,
        "score": score,
        **page.labels(),
        "held": meeting.status in HELD,
        "can_propose": can_propose and not final,
        "can_supervise": can_supervise and score is not None,
        "propose_form": propose_form if can_propose and not final else None,
        "adopt_form": adopt_form if can_propose and score is not None and not final else None,
        "override_form": override_form if can_supervise and score is not None else None,
    }


def _score_url(meeting: Meeting) -> str:
    return reverse("quality:meeting_score", args=[meeting.pk])


@login_required
def meeting_score(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return render(request, TEMPLATE, _page(request, meeting, queries_score.score_page(meeting)))


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
    return verb(
        request,
        form,
        lambda _cleaned: services_score.score_propose(
            meeting=meeting, judged=form.judged(), by=request.user, metrics=live
        ),
        done=_("The score has been proposed."),
        then=_score_url(meeting),
        template=TEMPLATE,
        context=lambda: _page(request, meeting, page, propose_form=form),
    )


def _score(request, meeting_id: int, perm: str) -> MeetingScore:
    meeting = _meeting(request, meeting_id)
    if not request.user.has_perm(perm, meeting):
        raise Http404
    score = get_object_or_404(queries_score.scores_for(request.user, VIEW), meeting=meeting)
    score.meeting = meeting
    return score


@login_required
@require_POST
def score_adopt(request, meeting_id: int):
    score = _score(request, meeting_id, "quality.propose_score")
    form = AdoptForm(request.POST)
    return verb(
        request,
        form,
        lambda cleaned: services_score.score_adopt(score=score, approving=cleaned["approving"], by=request.user),
        done=_("The adoption has been recorded."),
        then=_score_url(score.meeting),
        template=TEMPLATE,
        context=lambda: _page(request, score.meeting, queries_score.score_page(score.meeting), adopt_form=form),
    )


@login_required
@require_POST
def score_confirm(request, meeting_id: int):
    """A refusal (e.g. overridden meanwhile, from another tab or by another supervisor) is shown as a message."""
    score = _score(request, meeting_id, "quality.supervise_score")
    return verb(
        request,
        ButtonForm(request.POST),
        lambda _cleaned: services_score.score_confirm(score=score, by=request.user),
        done=_("The score has been confirmed."),
        then=_score_url(score.meeting),
        back=_score_url(score.meeting),
    )


@login_required
@require_POST
def score_override(request, meeting_id: int):
    score = _score(request, meeting_id, "quality.supervise_score")
    page = queries_score.score_page(score.meeting)
    form = OverrideForm(request.POST, spec=page.spec, unmeasured=page.unmeasured, prefix="override")
    return verb(
        request,
        form,
        lambda cleaned: services_score.score_override(
            score=score, judged=form.judged(), reason=cleaned["reason"], by=request.user
        ),
        done=_("The supervisor's score has been recorded."),
        then=_score_url(score.meeting),
        template=TEMPLATE,
        context=lambda: _page(request, score.meeting, page, override_form=form),
    )
