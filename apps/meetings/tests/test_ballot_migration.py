"""The migration to sealed ballots (0006): a secret vote open during the upgrade keeps its phone ballots — its running
tallies become sealed ballots, the tallies go back to zero, and closing gives them back; receipts written before are
complete (sealed)."""

import importlib

import pytest
from django.apps import apps

from apps.meetings.models import BallotReceipt, SealedBallot, Vote
from apps.meetings.services import votes as services_votes

migration = importlib.import_module("apps.meetings.migrations.0006_sealed_ballots")


@pytest.mark.django_db
def test_an_open_vote_keeps_its_phone_ballots_through_the_upgrade(day):
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    for member in day.present[:4]:  # as the old code left them: receipts and running tallies
        BallotReceipt.objects.create(vote=vote, member=member)
    Vote.objects.filter(pk=vote.pk).update(secret_for=2, secret_against=1, secret_abstain=1, ballots_cast=4)
    migration.seal_open_tallies(apps, None)
    assert Vote.objects.filter(pk=vote.pk).values_list("secret_for", "ballots_cast")[0] == (0, 0)
    assert SealedBallot.objects.filter(vote=vote).count() == 4
    assert BallotReceipt.objects.filter(vote=vote, sealed=True).count() == 4
    vote = services_votes.vote_close(vote=vote)
    assert (vote.secret_for, vote.secret_against, vote.secret_abstain, vote.ballots_cast) == (2, 1, 1, 4)
