"""The votes section of the meeting page draws itself from what the page already read (queries_votes.votes_section)
with its forms, so the page's view does not need to know about paper ballots, confirmations or voiding.

After a refused entry the page's context carries ``vote_failed`` = (kind, vote id or None, bound form): that form is
shown in its place, as typed, with the reasons next to it."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.utils.translation import gettext as _

from apps.common import idempotency
from apps.meetings.forms.votes import PaperBallotsForm, VoteCloseForm, VoteOpenForm, VoteVoidForm, figures_form
from apps.meetings.models import Meeting, Vote
from apps.meetings.queries import votes as queries_votes
from apps.meetings.rules import votes as rules_votes

register = template.Library()


@dataclass(frozen=True)
class VoteEntry:
    vote: Vote
    result: rules_votes.VoteResult
    counted: int  # hands or ballots entered so far
    form: forms.Form | None = None  # managers, while open: the show of hands, or the board's paper figures
    close_form: VoteCloseForm | None = None
    void_form: VoteVoidForm | None = None
    voided_by: str = ""
    close_blocked: tuple[str, ...] = ()

    @property
    def is_paper(self) -> bool:
        return isinstance(self.form, PaperBallotsForm)


@dataclass(frozen=True)
class VotesPanel:
    entries: list[VoteEntry]
    voters_present: int
    open_form: VoteOpenForm | None
    submission_token: str = ""  # the open form's one-time token (apps.common.idempotency)


def _entry(line: queries_votes.VoteLine, *, editable: bool, refused: dict) -> VoteEntry:
    vote = line.vote
    is_open = editable and vote.status == Vote.Status.OPEN
    auto_id = f"vote{vote.pk}_%s"
    return VoteEntry(
        vote=vote,
        result=line.result,
        counted=line.counted,
        form=(refused.get("counts") or figures_form(vote)) if is_open else None,
        close_form=(refused.get("close") or VoteCloseForm(auto_id=auto_id)) if is_open else None,
        void_form=(refused.get("void") or VoteVoidForm(auto_id=auto_id))
        if editable and vote.status != Vote.Status.VOIDED
        else None,
        voided_by=line.voided_by,
        close_blocked=line.close_blocked,
    )


@register.inclusion_tag("meetings/votes/section.html", takes_context=True)
def votes_section(context) -> dict:
    """The section from the page's context (``votes`` as (vote, result) pairs, ``rows``, ``editable``, ``meeting``):
    at most one query, the names of those who voided votes."""
    failed_kind, failed_pk, failed_form = context.get("vote_failed") or (None, None, None)
    editable = bool(context.get("editable"))  # the page's one answer: adopted minutes (or a cancelled meeting) freeze
    meeting = context["meeting"]
    section = queries_votes.votes_section(context.get("votes") or [], context.get("rows") or [])
    entries = [
        _entry(line, editable=editable, refused={failed_kind: failed_form} if failed_pk == line.vote.pk else {})
        for line in section.lines
    ]
    # a refused opening is shown with its reasons even when the meeting no longer takes votes (they say why)
    open_form = failed_form if failed_kind == "open" else None
    if open_form is None and editable and meeting.status == Meeting.Status.IN_PROGRESS:
        initial = (
            {"purpose": Vote.Purpose.OTHER}
            if section.resolution_voted
            else {"question": _("Adopt the resolution of the meeting"), "purpose": Vote.Purpose.RESOLUTION}
        )
        open_form = VoteOpenForm(auto_id="vote_new_%s", initial=initial)
    panel = VotesPanel(
        entries=entries,
        voters_present=section.voters_present,
        open_form=open_form,
        # after a refused opening, the token it was sent with: nothing was created with it
        submission_token=(context.get("submission_token") or idempotency.new_token()) if open_form is not None else "",
    )
    return {
        "panel": panel,
        "meeting": meeting,
        "may_vote": context.get("may_vote"),
        "minutes_adopted": context.get("minutes_adopted"),
        "voted": context.get("voted") or set(),
    }
