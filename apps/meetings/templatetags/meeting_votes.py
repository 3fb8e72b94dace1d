"""The votes section of the meeting page builds its own figures and forms (views_votes.votes_panel) from what the
page already read, so the page's view does not need to know about paper ballots, confirmations or voiding."""

from django import template

from apps.meetings.views.votes import VotesPanel, votes_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def votes_section(context) -> VotesPanel:
    return votes_panel(context)
