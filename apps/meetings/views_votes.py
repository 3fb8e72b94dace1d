"""The votes of the meeting screen: open a vote, enter a show of hands, close it, and a member's secret ballot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.scoping import MANAGE, VIEW

from . import services_votes
from .forms_votes import BallotForm, VoteCountsForm, VoteOpenForm
from .models import BallotReceipt, Vote
from .views_live import _back, _fail, _meeting, _own_member


@login_required
@require_POST
def vote_open(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = VoteOpenForm(request.POST)
    if form.is_valid():
        try:
            services_votes.vote_open(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            return _fail(request, meeting, exc, "votes")
    else:
        messages.error(request, _("Enter the question put to the vote."))
    return _back(request, meeting, "votes")


def _vote(request, vote_id: int, action: str) -> Vote:
    return get_object_or_404(Vote.objects.visible_to(request.user, action).select_related("meeting__cell"), pk=vote_id)


@login_required
@require_POST
def vote_counts(request, vote_id: int):
    vote = _vote(request, vote_id, MANAGE)
    form = VoteCountsForm(request.POST)
    if form.is_valid():
        try:
            services_votes.vote_record_counts(vote=vote, **form.cleaned_data)
        except ValidationError as exc:
            return _fail(request, vote.meeting, exc, "votes")
    else:
        messages.error(request, _("Enter whole numbers for the counts."))
    return _back(request, vote.meeting, "votes")


@login_required
@require_POST
def vote_close(request, vote_id: int):
    vote = _vote(request, vote_id, MANAGE)
    try:
        services_votes.vote_close(vote=vote)
    except ValidationError as exc:
        return _fail(request, vote.meeting, exc, "votes")
    return _back(request, vote.meeting, "votes")


@login_required
def ballot(request, vote_id: int):
    """A member's own secret ballot, from their own device."""
    vote = _vote(request, vote_id, VIEW)
    meeting = vote.meeting
    me = _own_member(request)
    if me is None or me.cell_id != meeting.cell_id:
        return render(
            request, "meetings/live/ballot.html", {"vote": vote, "meeting": meeting, "not_member": True}, status=403
        )
    already = BallotReceipt.objects.filter(vote=vote, member=me).exists()
    form = BallotForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            services_votes.ballot_cast(vote=vote, member=me, choice=form.cleaned_data["choice"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your ballot has been cast. Nobody can see what you chose."))
            return _back(request, meeting, "votes")
    return render(
        request, "meetings/live/ballot.html", {"vote": vote, "meeting": meeting, "form": form, "already": already}
    )
