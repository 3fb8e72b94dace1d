"""Secret ballots sealed until the vote closes (docs/decisions/0006-secret-ballots-on-paper.md): receipts get
``sealed``, the choices move to SealedBallot. Receipts written before were complete: sealed. A secret vote open during
the upgrade had running tallies: they become sealed ballots (one per ballot counted) and the tallies go back to zero,
to be written when the vote closes."""

import secrets

import django.db.models.deletion
import uuid
from django.db import migrations, models


def seal_open_tallies(apps, schema_editor):
    from apps.meetings.services.ballot_box import seal

    BallotReceipt = apps.get_model("meetings", "BallotReceipt")
    SealedBallot = apps.get_model("meetings", "SealedBallot")
    Vote = apps.get_model("meetings", "Vote")
    BallotReceipt.objects.update(sealed=True)
    for vote in Vote.objects.filter(method="secret", status="open", ballots_cast__gt=0):
        choices = ["for"] * vote.secret_for + ["against"] * vote.secret_against + ["abstain"] * vote.secret_abstain
        secrets.SystemRandom().shuffle(choices)
        SealedBallot.objects.bulk_create(SealedBallot(vote=vote, sealed=seal(vote.pk, c)) for c in choices)
        Vote.objects.filter(pk=vote.pk).update(secret_for=0, secret_against=0, secret_abstain=0, ballots_cast=0)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_numbers_on_adoption'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballotreceipt',
            name='sealed',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField()),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='meetings.vote')),
            ],
        ),
        migrations.RunPython(seal_open_tallies, migrations.RunPython.noop),
    ]
