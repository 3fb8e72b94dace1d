"""The audit chain (apps/common/audit_chain.py): a clean world verifies; entries and links edited, deleted,
reordered or cut off the end through SQL are found; a forged head or checkpoint is found; trimming leaves a signed
checkpoint from which the chain still verifies; sealing runs after the writing transaction commits."""

from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

from apps.common import audit_chain
from apps.common.models import AuditChainHead, AuditCheckpoint, AuditLink
from apps.members.testing import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The sentences are checked in their English msgids (the Vietnamese are in locale/vi)."""
    with translation.override("en"):
        yield


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def sealed(world):
    """The persona world, every entry sealed."""
    audit_chain.seal_pending(everything=True)
    links = list(AuditLink.objects.order_by("seq"))
    assert len(links) == LogEntry.objects.count() > 20
    return links


def verify_after(*statements) -> str | None:
    """verify() after the SQL statements (an attacker's), rolled back afterwards: one world serves every case."""
    with transaction.atomic():
        for statement, *params in statements:
            sql(statement, *params)
        problem = audit_chain.verify()
        transaction.set_rollback(True)
    return problem


def delete(link) -> list[tuple]:
    return [
        ("DELETE FROM auditlog_logentry WHERE id = %s", link.entry_id),
        ("DELETE FROM common_auditlink WHERE seq = %s", link.seq),
    ]


def test_a_clean_world_verifies_and_every_tampering_through_sql_is_found(sealed, world):
    assert audit_chain.verify() is None
    assert audit_chain.head() == (sealed[-1].seq, sealed[-1].hash)
    assert [link.seq for link in sealed] == list(range(1, len(sealed) + 1))
    assert [link.entry_id for link in sealed] == sorted(link.entry_id for link in sealed)  # id order

    victim = sealed[5]
    victim_entry = LogEntry.objects.get(pk=victim.entry_id)
    edit = "UPDATE auditlog_logentry SET {} = %s WHERE id = %s"
    # An entry edited, whatever the column (who, when, what, from where, which record)
    for column, value in [
        ("changes", '{"status": ["a", "b"]}'),
        ("actor_id", world.secretary.pk),
        ("remote_addr", "10.9.9.9"),
        ("timestamp", timezone.now() - timedelta(days=400)),
        ("object_pk", "999999"),
        ("action", 2),
        ("additional_data", '{"note": "x"}'),
        ("content_type_id", ContentType.objects.exclude(pk=victim_entry.content_type_id).first().pk),
    ]:
        problem = verify_after((edit.format(column), value, victim.entry_id))
        assert f"entry {victim.entry_id} (link #{victim.seq}) was changed" in problem, column

    # An entry deleted; with its link; with the links after it renumbered to close the gap
    assert "was deleted" in verify_after(("DELETE FROM auditlog_logentry WHERE id = %s", victim.entry_id))
    assert f"Link #{victim.seq} is missing" in verify_after(*delete(victim))
    closed = ("UPDATE common_auditlink SET seq = seq - 1 WHERE seq > %s", victim.seq)
    assert f"#{victim.seq}" in verify_after(*delete(victim), closed)

    # Two links swapped
    first, second = sealed[4], sealed[9]
    swap = "UPDATE common_auditlink SET entry_id = %s WHERE seq = %s"
    problem = verify_after(
        (swap, -1, first.seq), (swap, first.entry_id, second.seq), (swap, second.entry_id, first.seq)
    )
    assert f"#{first.seq}" in problem

    # The newest entries and links deleted; then the head moved back too (it is signed)
    tail = [step for link in sealed[-3:] for step in delete(link)]
    assert f"Links #{sealed[-3].seq} to #{sealed[-1].seq} are missing" in verify_after(*tail)
    back = ("UPDATE common_auditchainhead SET seq = %s, hash = %s", sealed[-4].seq, sealed[-4].hash)
    assert "head is not signed" in verify_after(*tail, back)
    assert "head is missing" in verify_after(("DELETE FROM common_auditchainhead",))

    # sha256 needs no key: every link recomputed after an edit still leaves the signed head behind
    relink = [(edit.format("remote_addr"), "10.6.6.6", sealed[2].entry_id)]
    with transaction.atomic():
        sql(*relink[0])
        entries, prev = audit_chain._entries(link.entry_id for link in sealed), sealed[1].hash
        for link in sealed[2:]:
            digest = audit_chain.entry_hash(entries[link.entry_id], prev)
            relink.append(
                ("UPDATE common_auditlink SET prev_hash = %s, hash = %s WHERE seq = %s", prev, digest, link.seq)
            )
            prev = digest
        transaction.set_rollback(True)
    assert "does not match the chain's signed head" in verify_after(*relink)
    assert "head is not signed" in verify_after(*relink, ("UPDATE common_auditchainhead SET hash = %s", prev))

    # and no sealer signs over a head it did not write
    with transaction.atomic():
        sql(*tail[0]), sql(*tail[1]), sql(*back)
        with pytest.raises(audit_chain.ChainBroken):
            audit_chain.seal_pending(everything=True)
        transaction.set_rollback(True)
    assert audit_chain.verify() is None


def test_an_entry_written_around_the_application_is_reported_unsealed(sealed, clock):
    entry = LogEntry.objects.order_by("pk").last()
    sql(
        "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_repr, action, changes_text, timestamp) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        entry.content_type_id,
        "1",
        "forged",
        1,
        "",
        timezone.now() - timedelta(days=30),
    )
    forged = LogEntry.objects.order_by("pk").last().pk
    assert audit_chain.verify() is None  # the chain itself holds...
    assert audit_chain.unsealed() == [forged]  # ...and the stranger is reported
    audit_chain.seal_pending()  # not swept up by the next sealer: older than the window
    assert audit_chain.unsealed() == [forged]
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit", stdout=out, stderr=out)
    assert exit_.value.code == 1 and str(forged) in out.getvalue()


def test_sealing_runs_after_the_writing_transaction_commits(sealed, world, django_capture_on_commit_callbacks):
    # The world's build queued a sealing in the test's transaction (never committed): drop it, as a commit would.
    connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not audit_chain._seal_after_commit]
    count = AuditLink.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_member(world.cell_a2, full_name="Nguyễn Văn Niêm Phong")
    # one sealing for the transaction, however many entries it wrote
    assert [cb for cb in callbacks if cb is audit_chain._seal_after_commit] == [audit_chain._seal_after_commit]
    assert AuditLink.objects.count() == LogEntry.objects.count() > count + 1
    assert audit_chain.verify() is None and audit_chain.unsealed(timedelta(0)) == []


def test_the_command_says_whether_the_chain_holds(sealed):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"#{sealed[-1].seq}" in out.getvalue() and sealed[-1].hash in out.getvalue()
    sql("DELETE FROM auditlog_logentry WHERE id = %s", sealed[3].entry_id)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit", stdout=out, stderr=err)
    assert exit_.value.code == 1 and str(sealed[3].entry_id) in err.getvalue()


def test_a_chain_signed_with_another_key_does_not_verify_and_the_key_rotates_through_the_fallbacks(sealed, settings):
    settings.CHIBO_AUDIT_KEY = "another key entirely, kept out of the database"
    assert "head is not signed" in audit_chain.verify()
    del settings.CHIBO_AUDIT_KEY
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new secret key " * 4, [old]
    assert audit_chain.verify() is None


# --- checkpoints and retention -------------------------------------------------------------------------------------


@pytest.fixture
def aged(sealed, world, clock):
    """The world's entries are a year old; newer entries follow."""
    LogEntry.objects.update(timestamp=timezone.now() - timedelta(days=365))  # before sealing would be an edit...
    AuditLink.objects.all().delete()  # ...so the test world is sealed again as it now is
    AuditChainHead.objects.all().delete()
    audit_chain.seal_pending(everything=True)
    add_member(world.cell_a2, full_name="Trần Văn Mới")
    audit_chain.seal_pending()
    return AuditLink.objects.count()


@override_settings(CHIBO_AUDIT_RETENTION_DAYS=30)
def test_trim_leaves_a_signed_checkpoint_from_which_the_chain_verifies(aged):
    month_ago = timezone.now() - timedelta(days=30)
    old = LogEntry.objects.filter(timestamp__lt=month_ago).count()
    out = StringIO()
    call_command("trim_audit", stdout=out)  # CHIBO_AUDIT_RETENTION_DAYS
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.entries == old == checkpoint.seq and str(old) in out.getvalue()
    assert not LogEntry.objects.filter(timestamp__lt=month_ago).exists() and LogEntry.objects.exists()
    assert AuditLink.objects.order_by("seq").first().seq == old + 1
    assert audit_chain.verify() is None
    assert audit_chain.trim(month_ago) is None  # nothing more to trim

    # A forged checkpoint; one moved over deleted links; one deleted
    forged = ("UPDATE common_auditcheckpoint SET signature = %s", "0" * 64)
    assert f"Checkpoint #{checkpoint.seq} is not signed" in verify_after(forged)
    nxt = AuditLink.objects.order_by("seq").first()
    assert f"Link #{nxt.seq} is missing" in verify_after(*delete(nxt))
    moved = ("UPDATE common_auditcheckpoint SET seq = %s, hash = %s", nxt.seq, nxt.hash)
    assert "is not signed" in verify_after(*delete(nxt), moved)
    assert "Link #1 is missing" in verify_after(("DELETE FROM common_auditcheckpoint",))


def test_a_broken_chain_is_not_trimmed(aged):
    first = AuditLink.objects.order_by("seq").first()
    sql("UPDATE auditlog_logentry SET object_pk = %s WHERE id = %s", "424242", first.entry_id)
    with pytest.raises(CommandError):
        call_command("trim_audit", "--before", "2026-11-01")
    assert LogEntry.objects.filter(pk=first.entry_id).exists() and not AuditCheckpoint.objects.exists()
