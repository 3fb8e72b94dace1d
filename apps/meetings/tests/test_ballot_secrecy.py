"""Secret ballots that stay secret (issue 13, point 2), on a cell with a year of history.

- The receipt (who voted) and the sealed ballot (what was chosen) are written in separate transactions: every SQL
  statement of a cast is captured with the transactions' boundaries (and, on PostgreSQL, the transaction's id).
- The sealed ballot holds nothing of the voter: no member, no time, no sequence, a random UUID, bytes of one length
  whatever the choice, different bytes for the same choice.
- No log record (SQL included) and no audit entry holds a choice.
- While the vote is open nobody sees a tally: the database holds none; the page, its polled fragment and the minutes
  show the number of ballots in. The tallies are written at closing, from the sealed ballots, which are deleted.
- Closing with fewer than three ballots is refused; paper and phones are added; a second ballot is refused; a cast
  that stopped half way can be cast again, and only when the counts prove the ballot missing.
"""

import logging
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import AutoField, BigAutoField, DateField, DateTimeField
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from apps.common.scoping import Role
from apps.meetings.models import BallotReceipt, SealedBallot, Vote
from apps.meetings.queries import meeting as queries
from apps.meetings.queries import minutes as queries_minutes
from apps.meetings.queries import votes as queries_votes
from apps.meetings.services import ballot_box
from apps.meetings.services import votes as services_votes
from apps.members.testing import grant


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def secret(day):
    return services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm bí thư", method="secret")


def cast(vote, members, choices):
    for member, choice in zip(members, choices, strict=True):
        services_votes.ballot_cast(vote=vote, member=member, choice=choice)


def tallies(vote):
    return Vote.objects.filter(pk=vote.pk).values_list(
        "secret_for", "secret_against", "secret_abstain", "ballots_cast"
    )[0]


def with_account(member):
    """A present member able to log in (the history's members have no account of their own)."""
    if member.user_id is None:
        member.user = get_user_model().objects.create(username=f"voter{member.pk}")
        member.save(update_fields=["user"])
        grant(member.user, member.cell, Role.MEMBER)
    return member.user


class Statements:
    """Every statement on the connection, in order, with the commits and rollbacks between them and, on PostgreSQL,
    the id of the transaction each write ran in."""

    def __init__(self, monkeypatch):
        self.events: list[tuple] = []
        self._inside = False
        for name in ("commit", "rollback"):
            original = getattr(connection, name)

            def wrapped(*args, _original=original, _name=name, **kwargs):
                self.events.append((_name.upper(),))
                return _original(*args, **kwargs)

            monkeypatch.setattr(connection, name, wrapped)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self._inside:
            return result
        xid = None
        if connection.vendor == "postgresql" and sql.lstrip().upper().startswith("INSERT"):
            self._inside = True
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT txid_current()")
                    xid = cursor.fetchone()[0]
            finally:
                self._inside = False
        self.events.append(("SQL", sql, params, connection.in_atomic_block, xid))
        return result

    def index(self, table: str) -> int:
        found = [i for i, e in enumerate(self.events) if e[0] == "SQL" and e[1].startswith(f'INSERT INTO "{table}"')]
        assert len(found) == 1, (table, found)
        return found[0]


# ---------------------------------------------------------------------------------------------- unlinkable


@pytest.mark.django_db(transaction=True)
def test_the_receipt_and_the_ballot_are_written_in_separate_transactions(day, client_for, monkeypatch):
    vote = secret(day)
    member = day.present[0]
    client = client_for(with_account(member))
    statements = Statements(monkeypatch)
    with connection.execute_wrapper(statements):
        assert client.post(url("ballot", vote.pk), {"choice": "against"}).status_code == 302
    receipt = statements.index("meetings_ballotreceipt")
    ballot = statements.index("meetings_sealedballot")
    assert receipt < ballot
    between = statements.events[receipt:ballot]
    assert ("COMMIT",) in between, "the receipt's transaction is committed before the ballot is written"
    # both writes ran inside a transaction of their own (not in autocommit beside something else)
    assert statements.events[receipt][3] and statements.events[ballot][3]
    # the ballot's transaction writes nothing but the ballot (and the receipt is marked sealed only after it)
    after = statements.events[ballot:]
    end = after.index(("COMMIT",))
    writes = [e[1] for e in after[:end] if e[0] == "SQL" and e[1].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "meetings_sealedballot"')
    if connection.vendor == "postgresql":
        assert statements.events[receipt][4] != statements.events[ballot][4]  # two transaction ids
    # the member's id is in no parameter of the ballot's transaction
    params = [p for e in after[:end] if e[0] == "SQL" for p in (e[2] or ())]
    assert member.pk not in params and member.user_id not in params
    assert BallotReceipt.objects.get(vote=vote, member=member).sealed


@pytest.mark.django_db
def test_a_sealed_ballot_holds_nothing_of_the_voter(day):
    vote = secret(day)
    cast(vote, day.present[:4], ["for", "for", "against", "abstain"])
    fields = {f.name for f in SealedBallot._meta.get_fields()}
    assert fields == {"id", "vote", "sealed"}
    assert not [f for f in SealedBallot._meta.get_fields() if isinstance(f, DateTimeField | DateField | AutoField)]
    assert not isinstance(SealedBallot._meta.pk, AutoField | BigAutoField)
    rows = list(SealedBallot.objects.filter(vote=vote).values_list("id", "sealed"))
    assert len(rows) == 4
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk, _ in rows)
    blobs = [bytes(b) for _, b in rows]
    assert {len(b) for b in blobs} == {ballot_box.SEALED_BYTES}  # the size does not tell the choice
    assert len(set(blobs)) == 4  # the two "for" are different bytes
    for member in day.present[:4]:
        for needle in (str(member.pk).encode(), member.full_name.encode(), b"for", b"against", b"abstain"):
            assert not any(needle in b for b in blobs if len(needle) > 3)
    # the receipts hold who voted and nothing else: no time, no choice
    assert {f.name for f in BallotReceipt._meta.get_fields()} == {"id", "vote", "member", "sealed"}
    # a ballot moved to another vote does not open there
    other = secret(day)
    with pytest.raises(ballot_box.Unopenable):
        ballot_box.open_sealed(other.pk, blobs[0])
    assert sorted(ballot_box.open_sealed(vote.pk, b) for b in blobs) == ["abstain", "against", "for", "for"]


@pytest.mark.django_db
def test_no_log_line_and_no_audit_entry_holds_a_choice(day, client_for, caplog):
    vote = secret(day)
    entries_before = set(LogEntry.objects.values_list("pk", flat=True))
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own loggers stop at INFO by default
    connection.force_debug_cursor = True  # every SQL statement and its parameters go to the log
    try:
        for member in day.present[:3]:
            response = client_for(with_account(member)).post(url("ballot", vote.pk), {"choice": "against"})
            assert response.status_code == 302
        services_votes.vote_close(vote=vote)
    finally:
        connection.force_debug_cursor = False
    assert any("meetings_sealedballot" in r.getMessage() for r in caplog.records), "the SQL was logged"
    forbidden = {"against", "for", "abstain", "A", "F", "N", b"A", b"F", b"N"}
    for record in caplog.records:
        params = getattr(record, "params", None)
        if params is not None:  # a statement: no parameter is a choice
            assert not forbidden & {p for p in params if isinstance(p, str | bytes)}, record.getMessage()
        else:
            assert "against" not in record.getMessage()
    entries = LogEntry.objects.exclude(pk__in=entries_before)
    assert not entries.filter(content_type__model__in=("sealedballot", "ballotreceipt")).exists()
    for entry in entries:
        text = f"{entry.changes} {entry.object_repr} {getattr(entry, 'additional_data', '')}"
        assert "secret_" not in text and "ballots_cast" not in text and "against" not in text.replace("paper_", "")


# ---------------------------------------------------------------------------------------------- nothing before closing


@pytest.mark.django_db
def test_no_tally_exists_while_the_vote_is_open_only_the_ballots_in(day, client_for):
    vote = secret(day)
    cast(vote, day.present[:3], ["for", "for", "against"])
    assert tallies(vote) == (0, 0, 0, 0)  # the database holds no count of choices
    assert SealedBallot.objects.filter(vote=vote).count() == 3
    vote.refresh_from_db()
    result = queries.vote_result(vote)
    assert result.withheld and (result.approving, result.against, result.abstain, result.electronic) == (0, 0, 0, 3)
    assert queries_votes.counted(vote) == 3
    secretary = client_for(day.secretary)
    html = secretary.get(url("detail", day.meeting.pk)).content.decode()
    assert 'class="vote-line"' not in html and "3 phiếu bỏ trên điện thoại." in html
    fragment = secretary.get(url("live_counts", day.meeting.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "2/8" not in fragment and "Tán thành: 2" not in fragment
    lines = queries_minutes.minutes_data(day.meeting).votes  # the minutes' draft
    assert [(v.result.withheld, v.result.approving, v.result.electronic) for v in lines] == [(True, 0, 3)]

    services_votes.vote_close(vote=vote)
    assert tallies(vote) == (2, 1, 0, 3)
    assert not SealedBallot.objects.filter(vote=vote).exists()  # opened, counted, gone
    assert BallotReceipt.objects.filter(vote=vote).count() == 3  # who voted stays
    vote.refresh_from_db()
    result = queries.vote_result(vote)
    assert not result.withheld and (result.approving, result.against, result.electronic) == (2, 1, 3)
    html = secretary.get(url("detail", day.meeting.pk)).content.decode()
    assert 'class="vote-line"' in html and "2/8" in html


@pytest.mark.django_db
@pytest.mark.parametrize("on_phones", [1, 2])
def test_closing_with_fewer_than_three_ballots_is_refused_and_opens_nothing(day, on_phones):
    vote = secret(day)
    cast(vote, day.present[:on_phones], ["for"] * on_phones)
    with pytest.raises(ValidationError, match="would tell how they voted"):
        services_votes.vote_close(vote=vote, confirm=True)
    assert tallies(vote) == (0, 0, 0, 0)
    assert SealedBallot.objects.filter(vote=vote).count() == on_phones
    services_votes.vote_void(vote=vote, reason="Quá ít phiếu", by=day.secretary)
    assert not SealedBallot.objects.filter(vote=vote).exists()  # voided: deleted unopened
    assert tallies(vote) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_closing_adds_paper_and_phone_ballots(day):
    vote = secret(day)
    cast(vote, day.present[:3], ["for", "against", "abstain"])
    services_votes.vote_record_paper(
        vote=vote, issued=4, returned=4, valid=4, invalid=0, approving=3, against=1, abstain=0
    )
    services_votes.vote_close(vote=vote)
    assert tallies(vote) == (1, 1, 1, 3)
    vote.refresh_from_db()
    result = queries.vote_result(vote)
    assert (result.approving, result.against, result.abstain, result.eligible) == (4, 2, 1, 8)
    assert not result.passed  # 4 of 8 eligible is not more than half
    assert result.electronic == 3 and result.paper.returned == 4


@pytest.mark.django_db
def test_a_second_ballot_is_refused(day):
    vote = secret(day)
    member = day.present[0]
    services_votes.ballot_cast(vote=vote, member=member, choice="for")
    with pytest.raises(ValidationError, match="already voted"):
        services_votes.ballot_cast(vote=vote, member=member, choice="against")
    assert BallotReceipt.objects.filter(vote=vote).count() == 1
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    assert queries_votes.has_voted(vote, member)


# ---------------------------------------------------------------------------------------------- a cast that stopped


@pytest.mark.django_db
def test_a_ballot_that_could_not_be_stored_is_cast_again(day, monkeypatch):
    vote = secret(day)
    member = day.present[0]

    def broken(vote_id, choice):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ballot_box, "seal", broken)
    with pytest.raises(ValidationError, match="could not be stored"):
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    receipt = BallotReceipt.objects.get(vote=vote, member=member)
    assert not receipt.sealed and not SealedBallot.objects.filter(vote=vote).exists()
    assert not queries_votes.has_voted(vote, member)  # the ballot is offered again
    with pytest.raises(ValidationError, match="not stored"):  # nor can the vote close on a lost ballot
        services_votes.vote_close(vote=vote, confirm=True)
    monkeypatch.undo()
    services_votes.ballot_cast(vote=vote, member=member, choice="against")
    assert BallotReceipt.objects.get(vote=vote, member=member).sealed
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    with pytest.raises(ValidationError, match="already voted"):
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    cast(vote, day.present[1:3], ["against", "for"])
    services_votes.vote_close(vote=vote)
    assert tallies(vote) == (1, 2, 0, 3)


@pytest.mark.django_db
def test_a_ballot_stored_before_the_server_stopped_is_not_cast_twice(day):
    """The ballot was stored but the receipt not yet marked: the counts prove it, the member has voted."""
    vote = secret(day)
    member = day.present[0]
    BallotReceipt.objects.create(vote=vote, member=member)
    SealedBallot.objects.create(vote=vote, sealed=ballot_box.seal(vote.pk, "for"))
    with pytest.raises(ValidationError, match="already voted"):
        services_votes.ballot_cast(vote=vote, member=member, choice="against")
    assert BallotReceipt.objects.get(vote=vote, member=member).sealed
    assert SealedBallot.objects.filter(vote=vote).count() == 1


@pytest.mark.django_db
def test_when_nobody_can_tell_whose_ballot_is_missing_the_vote_is_held_again(day):
    vote = secret(day)
    first, second = day.present[:2]
    BallotReceipt.objects.create(vote=vote, member=first)
    BallotReceipt.objects.create(vote=vote, member=second)
    SealedBallot.objects.create(vote=vote, sealed=ballot_box.seal(vote.pk, "for"))  # one of the two got through
    for member in (first, second):
        with pytest.raises(ValidationError, match="nobody can tell"):
            services_votes.ballot_cast(vote=vote, member=member, choice="against")
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    with pytest.raises(ValidationError, match="1 ballots cast on phones were not stored"):
        services_votes.vote_close(vote=vote, confirm=True)
    services_votes.vote_void(vote=vote, reason="Một phiếu bị mất", by=day.secretary)
    assert not SealedBallot.objects.filter(vote=vote).exists()


# ---------------------------------------------------------------------------------------------- the key


@pytest.mark.django_db
def test_ballots_sealed_before_the_key_was_rotated_still_open(day, settings):
    vote = secret(day)
    old = settings.SECRET_KEY
    cast(vote, day.present[:3], ["for", "for", "abstain"])
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(ValidationError, match="cannot be opened"):
            services_votes.vote_close(vote=vote)
        assert tallies(vote) == (0, 0, 0, 0) and SealedBallot.objects.filter(vote=vote).count() == 3
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old]):
        services_votes.vote_close(vote=vote)
    assert tallies(vote) == (2, 0, 1, 3)


@pytest.mark.django_db
def test_a_ballot_key_of_its_own_is_used_when_set(day, settings):
    vote = secret(day)
    settings.CHIBO_BALLOT_KEY = "ballots-only-" + "k" * 40
    blob = ballot_box.seal(vote.pk, "for")
    assert ballot_box.open_sealed(vote.pk, blob) == "for"
    del settings.CHIBO_BALLOT_KEY
    with pytest.raises(ballot_box.Unopenable):
        ballot_box.open_sealed(vote.pk, blob)


@pytest.mark.django_db
def test_the_ballot_page_offers_a_stopped_ballot_again(day, client_for, monkeypatch):
    vote = secret(day)
    member = day.present[0]
    client = client_for(with_account(member))
    monkeypatch.setattr(ballot_box, "seal", lambda vote_id, choice: 1 / 0)
    response = client.post(url("ballot", vote.pk), {"choice": "for"})
    assert response.status_code == 200 and "Chưa lưu được phiếu" in response.content.decode()
    monkeypatch.undo()
    assert 'name="choice"' in client.get(url("ballot", vote.pk)).content.decode()  # offered again
    assert client.post(url("ballot", vote.pk), {"choice": "for"}).status_code == 302
    assert 'name="choice"' not in client.get(url("ballot", vote.pk)).content.decode()
    assert SealedBallot.objects.filter(vote=vote).count() == 1
