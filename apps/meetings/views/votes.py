"""The votes of the meeting screen: open a vote, enter a show of hands or the board's count of paper ballots, close
it, void one entered by mistake, and a member's secret ballot from their own device.

The section of the meeting page is drawn by the ``meeting_votes`` tag library over what the page already read (no
query unless a vote was voided). A refused entry shows the page again with the figures as typed and the reasons next
to the form."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.scoping import MANAGE, VIEW
from apps.common.views import verb
from apps.meetings.forms.votes import (
    BallotForm,
    PaperBallotsForm,
    VoteCloseForm,
    VoteCountsForm,
    VoteOpenForm,
    VoteVoidForm,
)
from apps.meetings.models import Meeting, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.queries import votes as queries_votes
from apps.meetings.services import votes as services_votes
from apps.meetings.views.live import detail_url, screen

DETAIL = "meetings/live/detail.html"


class _PageAfterRefusal(Mapping):
    """The meeting page's context for ``verb``'s refused entry, read only if it is drawn: a success redirects
    without it. The refused form takes its place in the votes section (``vote_failed``), and a word at the top of the
    page, where the phone's screen opens, says where the reasons are."""

    def __init__(self, request, meeting_id: int, kind: str, vote: Vote | None, form: forms.Form):
        self.request, self.meeting_id, self.kind, self.vote, self.form = request, meeting_id, kind, vote, form

    @cached_property
    def _page(self) -> dict:
        messages.error(self.request, _("Not recorded: the reasons are shown next to the form, in the votes section."))
        meeting = get_object_or_404(queries.meetings_for(self.request.user, VIEW), pk=self.meeting_id)
        page = screen(self.request, meeting)
        page["vote_failed"] = (self.kind, self.vote.pk if self.vote else None, self.form)
        return page

    def __getitem__(self, key):
        return self._page[key]

    def __iter__(self) -> Iterator:
        return iter(self._page)

    def __len__(self) -> int:
        return len(self._page)


def _vote_verb(request, vote_id: int, kind: str, form_class, action: Callable, *, done: str | None = None):
    """An entry on a vote's form (``action(vote, data)``): back to the vote on the page, or the page again with the
    form refused, as typed."""
    vote = get_object_or_404(queries_votes.votes_for(request.user, MANAGE), pk=vote_id)
    form = form_class(request.POST, auto_id=f"vote{vote.pk}_%s")
    return verb(
        request,
        form,
        lambda data: action(vote, data),
        done=done,
        then=detail_url(vote.meeting, f"vote{vote.pk}"),
        template=DETAIL,
        context=_PageAfterRefusal(request, vote.meeting_id, kind, vote, form),
    )


@login_required
@require_POST
def vote_open(request, meeting_id: int):
    """A second tap on a slow line (the same one-time token) opens no second vote."""
    meeting = get_object_or_404(queries.meetings_for(request.user, MANAGE), pk=meeting_id)
    form = VoteOpenForm(request.POST, auto_id="vote_new_%s")
    return verb(
        request,
        form,
        lambda data: services_votes.vote_open(meeting=meeting, **data),
        done=None,
        then=detail_url(meeting, "votes"),
        template=DETAIL,
        context=_PageAfterRefusal(request, meeting.pk, "open", None, form),
        once=True,
    )


@login_required
@require_POST
def vote_counts(request, vote_id: int):
    """The show of hands, counted by the presiding officer."""
    return _vote_verb(
        request,
        vote_id,
        "counts",
        VoteCountsForm,
        lambda vote, data: services_votes.vote_record_counts(vote=vote, **data),
    )


@login_required
@require_POST
def vote_paper(request, vote_id: int):
    """The vote-counting board's figures for the paper ballots of a secret vote."""
    return _vote_verb(
        request,
        vote_id,
        "counts",
        PaperBallotsForm,
        lambda vote, data: services_votes.vote_record_paper(vote=vote, **data),
    )


@login_required
@require_POST
def vote_close(request, vote_id: int):
    """Close the vote (the confirmation is a tick box: the form is always valid)."""
    return _vote_verb(
        request,
        vote_id,
        "close",
        VoteCloseForm,
        lambda vote, data: services_votes.vote_close(vote=vote, confirm=data["confirm"]),
    )


@login_required
@require_POST
def vote_void(request, vote_id: int):
    """Void a vote entered by mistake, with the reason."""
    return _vote_verb(
        request,
        vote_id,
        "void",
        VoteVoidForm,
        lambda vote, data: services_votes.vote_void(vote=vote, reason=data["reason"], by=request.user),
        done=_("The vote was voided. It stays in the record, struck through."),
    )


@login_required
def ballot(request, vote_id: int):
    """A member's own secret ballot, from their own device."""
    vote = get_object_or_404(queries_votes.votes_for(request.user, VIEW), pk=vote_id)
    meeting: Meeting = vote.meeting
    me = queries.own_member(request.user)
    page = {"vote": vote, "meeting": meeting}
    if me is None or me.cell_id != meeting.cell_id:
        return render(request, "meetings/votes/ballot.html", {**page, "not_member": True}, status=403)
    already = queries_votes.has_voted(vote, me)
    if already:
        return render(request, "meetings/votes/ballot.html", {**page, "form": BallotForm(), "already": True})
    return verb(
        request,
        BallotForm(request.POST or None),
        lambda data: services_votes.ballot_cast(vote=vote, member=me, choice=data["choice"]),
        done=_("Your ballot has been cast. Nobody can see what you chose."),
        then=detail_url(meeting, "votes"),
        template="meetings/votes/ballot.html",
        context={**page, "already": False},
    )
