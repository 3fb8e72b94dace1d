"""The votes of the meeting screen: open a vote, enter a show of hands or the board's count of paper ballots, close
it, void one entered by mistake, and a member's secret ballot from their own device.

The section of the meeting page is built by ``votes_panel`` (called from the template through the ``meeting_votes``
tag library, over what the meeting page already read: no query unless a vote was voided). A refused entry shows the
page again with the figures as typed and the reasons next to the form."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common import idempotency
from apps.common.forms import apply_errors
from apps.common.scoping import MANAGE, VIEW
from apps.meetings.forms.votes import (
    BallotForm,
    PaperBallotsForm,
    VoteCloseForm,
    VoteCountsForm,
    VoteOpenForm,
    VoteVoidForm,
)
from apps.meetings.models import BallotReceipt, Meeting, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.rules import votes as rules_votes
from apps.meetings.services import votes as services_votes
from apps.meetings.views.live import _context, _fail, _meeting, _own_member

# ---------------------------------------------------------------------------------------------- the section


@dataclass(frozen=True)
class VoteEntry:
    vote: Vote
    result: rules_votes.VoteResult
    counted: int  # hands or ballots entered so far
    form: forms.Form | None = None  # managers, while open: the show of hands, or the board's paper figures
    close_form: VoteCloseForm | None = None
    void_form: VoteVoidForm | None = None
    voided_by: str = ""
    close_blocked: tuple[str, ...] = ()  # why an open secret vote cannot close yet (rules_votes.secret_close_errors)

    @property
    def is_paper(self) -> bool:
        return isinstance(self.form, PaperBallotsForm)


@dataclass(frozen=True)
class VotesPanel:
    entries: list[VoteEntry]
    voters_present: int  # official members present who may vote: the bound of every count entered
    open_form: VoteOpenForm | None
    submission_token: str = ""  # the open form's one-time token (apps.common.idempotency)


def _initial(vote: Vote) -> forms.Form:
    auto_id = f"vote{vote.pk}_%s"
    if vote.method == Vote.Method.SECRET:
        return PaperBallotsForm(
            auto_id=auto_id,
            initial={
                "issued": vote.paper_issued,
                "returned": vote.paper_returned,
                "valid": vote.paper_valid,
                "invalid": vote.paper_invalid,
                "approving": vote.paper_for,
                "against": vote.paper_against,
                "abstain": vote.paper_abstain,
            },
        )
    return VoteCountsForm(
        auto_id=auto_id,
        initial={"approving": vote.votes_for, "against": vote.votes_against, "abstain": vote.votes_abstain},
    )


def votes_panel(context) -> VotesPanel:
    """The votes section of the meeting page from the page's context (``votes`` as (vote, result) pairs, ``rows``,
    ``editable``, ``meeting``) and, after a refused entry, ``vote_failed`` = (kind, vote id or
    None, bound form). At most one query: the names of those who voided votes."""
    failed_kind, failed_pk, failed_form = context.get("vote_failed") or (None, None, None)
    editable = bool(context.get("editable"))  # the page's one answer: adopted minutes (or a cancelled meeting) freeze
    pairs = context.get("votes") or []
    voider_ids = {v.voided_by_id for v, _r in pairs if v.voided_by_id}
    voiders = {u.pk: u for u in get_user_model().objects.filter(pk__in=voider_ids)} if voider_ids else {}
    entries = []
    for vote, result in pairs:
        is_open = vote.status == Vote.Status.OPEN
        refused = {failed_kind: failed_form} if failed_pk == vote.pk else {}
        auto_id = f"vote{vote.pk}_%s"
        voider = voiders.get(vote.voided_by_id)
        entries.append(
            VoteEntry(
                vote=vote,
                result=result,
                counted=services_votes.counted(vote),
                form=(refused.get("counts") or _initial(vote)) if editable and is_open else None,
                close_form=(refused.get("close") or VoteCloseForm(auto_id=auto_id)) if editable and is_open else None,
                void_form=(refused.get("void") or VoteVoidForm(auto_id=auto_id))
                if editable and vote.status != Vote.Status.VOIDED
                else None,
                voided_by=(voider.get_full_name() or voider.username) if voider else "",
                close_blocked=tuple(
                    rules_votes.secret_close_errors(paper_returned=vote.paper_returned, electronic=vote.ballots_cast)
                )
                if is_open and vote.method == Vote.Method.SECRET
                else (),
            )
        )
    meeting = context.get("meeting")
    open_form = None
    if editable and meeting is not None and meeting.status == Meeting.Status.IN_PROGRESS:
        # Once the resolution is being voted or passed, the next question is another one: a later question left on
        # "adopt the resolution" and failing would stand in the way of the resolution's adoption.
        resolution_voted = any(
            v.purpose == Vote.Purpose.RESOLUTION and (v.status == Vote.Status.OPEN or r.passed) for v, r in pairs
        )
        initial = (
            {"purpose": Vote.Purpose.OTHER}
            if resolution_voted
            else {"question": _("Adopt the resolution of the meeting"), "purpose": Vote.Purpose.RESOLUTION}
        )
        open_form = failed_form if failed_kind == "open" else VoteOpenForm(auto_id="vote_new_%s", initial=initial)
    return VotesPanel(
        entries=entries,
        voters_present=queries.voters_present(context.get("rows") or []),
        open_form=open_form,
        submission_token=idempotency.new_token() if open_form is not None else "",
    )


def _refused(request, meeting: Meeting, kind: str, vote: Vote | None, form: forms.Form):
    """The meeting page again, the form as typed with its errors in the votes section (and a word at the top of the
    page, where the phone's screen opens)."""
    messages.error(request, _("Not recorded: the reasons are shown next to the form, in the votes section."))
    context = _context(request, meeting)
    context["vote_failed"] = (kind, vote.pk if vote else None, form)
    return render(request, "meetings/live/detail.html", context)


def _back(meeting: Meeting, vote: Vote | None = None):
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + (f"#vote{vote.pk}" if vote else "#votes"))


# ---------------------------------------------------------------------------------------------- the verbs


@login_required
@require_POST
def vote_open(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, MANAGE)
    form = VoteOpenForm(request.POST, auto_id="vote_new_%s")
    if form.is_valid():
        try:  # a second tap on a slow line (same one-time token) opens no second vote
            idempotency.submit_once(
                token=idempotency.posted_token(request),
                user=request.user,
                action=lambda: services_votes.vote_open(meeting=meeting, **form.cleaned_data),
            )
        except ValidationError as exc:
            return _fail(request, meeting, exc, "votes")
        return _back(meeting)
    return _refused(request, meeting, "open", None, form)


def _vote(request, vote_id: int, action: str) -> Vote:
    return get_object_or_404(Vote.objects.visible_to(request.user, action).select_related("meeting__cell"), pk=vote_id)


def _enter(request, vote_id: int, form_class, service):
    vote = _vote(request, vote_id, MANAGE)
    form = form_class(request.POST, auto_id=f"vote{vote.pk}_%s")
    if form.is_valid():
        try:
            service(vote=vote, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _back(vote.meeting, vote)
    meeting = _meeting(request, vote.meeting_id)
    return _refused(request, meeting, "counts", vote, form)


@login_required
@require_POST
def vote_counts(request, vote_id: int):
    """The show of hands, counted by the presiding officer."""
    return _enter(request, vote_id, VoteCountsForm, services_votes.vote_record_counts)


@login_required
@require_POST
def vote_paper(request, vote_id: int):
    """The vote-counting board's figures for the paper ballots of a secret vote."""
    return _enter(request, vote_id, PaperBallotsForm, services_votes.vote_record_paper)


@login_required
@require_POST
def vote_close(request, vote_id: int):
    vote = _vote(request, vote_id, MANAGE)
    form = VoteCloseForm(request.POST, auto_id=f"vote{vote.pk}_%s")
    form.is_valid()  # a tick box: always valid
    try:
        services_votes.vote_close(vote=vote, confirm=bool(form.cleaned_data.get("confirm")))
    except ValidationError as exc:
        apply_errors(form, exc)
        return _refused(request, _meeting(request, vote.meeting_id), "close", vote, form)
    return _back(vote.meeting, vote)


@login_required
@require_POST
def vote_void(request, vote_id: int):
    """Void a vote entered by mistake, with the reason."""
    vote = _vote(request, vote_id, MANAGE)
    form = VoteVoidForm(request.POST, auto_id=f"vote{vote.pk}_%s")
    if form.is_valid():
        try:
            services_votes.vote_void(vote=vote, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The vote was voided. It stays in the record, struck through."))
            return _back(vote.meeting, vote)
    return _refused(request, _meeting(request, vote.meeting_id), "void", vote, form)


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
            return _back(meeting)
    return render(
        request, "meetings/live/ballot.html", {"vote": vote, "meeting": meeting, "form": form, "already": already}
    )
