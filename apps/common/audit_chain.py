"""The audit trail's hash chain: every auditlog ``LogEntry`` is sealed into one chain, so that an entry edited,
deleted, reordered or cut off the end through the database is seen (DOMAIN.md §12, docs/security-audit.md).

- ``AuditLink(seq, entry_id, prev_hash, hash)``: one per entry, in chain order; ``hash`` = sha256 over the entry's
  canonical form (every column, read back from the database) and ``prev_hash``.
- ``AuditChainHead`` (one row): the last link's seq and hash, HMAC-signed. A sealer locks it, so links are written
  one sealer at a time, whatever the number of workers; deleting the newest links and entries leaves the signed
  head pointing past the end.
- ``AuditCheckpoint``: where a trimmed chain starts again (retention), HMAC-signed.

Sealing runs right after the transaction that wrote entries commits (``transaction.on_commit``, queued once per
transaction by ``queue_seal``), in a short transaction of its own: the chain's lock is never taken inside a business
transaction, so it cannot deadlock with one. Entry ids are not commit order (a transaction holding id 100 may commit
after one holding id 101), so a sealer seals every committed entry not yet linked, in id order: the ones its own
transaction wrote and any other unsealed entry of the last ``SEAL_WINDOW`` (a sealer that died between commit and
seal is caught up by the next). An entry older than that and still unsealed is reported by ``verify_audit``.

Keys: HMAC-SHA256 with ``settings.CHIBO_AUDIT_KEY`` if set, else a key derived from ``SECRET_KEY`` for this
purpose (``salted_hmac``); signatures made with a key of ``CHIBO_AUDIT_KEY_FALLBACKS`` / ``SECRET_KEY_FALLBACKS``
still verify after a rotation (the head is re-signed with the new key by the next seal).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.common.models import AuditChainHead, AuditCheckpoint, AuditLink

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # the first link's previous hash
SEAL_WINDOW = timedelta(minutes=10)  # unsealed entries younger than this are swept up by any sealer
UNSEALED_GRACE = timedelta(minutes=1)  # older than this and unsealed: reported by verify_audit
BATCH = 2000
_SALT = "chibo.audit.chain"
FIELDS = tuple(f.attname for f in LogEntry._meta.concrete_fields)


class ChainBroken(Exception):
    pass


# --- hashing and signing -------------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def canonical(entry: dict) -> str:
    """The entry's columns (as read back from the database) as one canonical JSON text."""
    return json.dumps(
        {name: _plain(entry[name]) for name in FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def entry_hash(entry: dict, prev_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(entry)}".encode()).hexdigest()


def _secrets() -> list[str]:
    key = getattr(settings, "CHIBO_AUDIT_KEY", None)
    if key:
        return [key, *getattr(settings, "CHIBO_AUDIT_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def sign(kind: str, seq: int, digest: str, *, secret: str | None = None) -> str:
    secret = secret or _secrets()[0]
    return salted_hmac(_SALT, f"{kind}:{seq}:{digest}", secret=secret, algorithm="sha256").hexdigest()


def signed(kind: str, seq: int, digest: str, signature: str) -> bool:
    return any(constant_time_compare(sign(kind, seq, digest, secret=s), signature) for s in _secrets())


# --- sealing -------------------------------------------------------------------------------------------------------


def _entries(ids: Iterable[int]) -> dict[int, dict]:
    return {row["id"]: row for row in LogEntry.objects.filter(pk__in=list(ids)).order_by().values(*FIELDS)}


def _head() -> AuditChainHead:
    """The head row, locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already hold the
    database's write lock). Created on first use (a flushed test database)."""
    try:
        with transaction.atomic():
            AuditChainHead.objects.get_or_create(pk=1)
    except IntegrityError:  # another sealer created it first
        pass
    return AuditChainHead.objects.select_for_update().get(pk=1)


def seal_pending(*, ids: Iterable[int] = (), everything: bool = False) -> int:
    """Link every committed entry not yet in the chain, in id order: ``ids`` (those the caller's transaction
    wrote), every unsealed entry of the last ``SEAL_WINDOW``, or every unsealed entry at all (``everything``: first
    sealing of an existing log, or an operator's ``verify_audit --seal`` after looking at what was reported).
    Returns the number of links written."""
    ids = [int(i) for i in ids if i is not None]
    written = 0
    with transaction.atomic():
        head = _head()
        if head.seq and not signed("head", head.seq, head.hash, head.signature):
            # never extend (and so re-sign) a head someone else wrote: the break stays for verify_audit to report
            raise ChainBroken(_("The chain's head is not signed with the audit key: it was forged or altered."))
        unsealed = LogEntry.objects.filter(~Exists(AuditLink.objects.filter(entry_id=OuterRef("pk"))))
        if not everything:
            unsealed = unsealed.filter(Q(pk__in=ids) | Q(timestamp__gte=timezone.now() - SEAL_WINDOW))
        pending = list(unsealed.order_by("pk").values_list("pk", flat=True))
        seq, prev = head.seq, head.hash or GENESIS
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            rows = _entries(chunk)
            links = []
            for entry_id in chunk:
                seq += 1
                digest = entry_hash(rows[entry_id], prev)
                links.append(AuditLink(seq=seq, entry_id=entry_id, prev_hash=prev, hash=digest))
                prev = digest
            AuditLink.objects.bulk_create(links)
            written += len(links)
        if written:
            head.seq, head.hash = seq, prev
            head.signature = sign("head", seq, prev)
            head.updated_at = timezone.now()
            head.save()
    return written


def _seal_after_commit() -> None:
    connection: Any = connections[DEFAULT_DB_ALIAS]  # carries the transaction's entry ids (chibo_audit_ids)
    ids, connection.chibo_audit_ids = getattr(connection, "chibo_audit_ids", []), []
    seal_pending(ids=ids)


def queue_seal(entry_ids: Iterable[int] = (), using: str = DEFAULT_DB_ALIAS) -> None:
    """Seal the entries just written once their transaction commits: one sealing per transaction, however many
    entries it wrote (a sealing that fails is logged, not raised: the entries stay pending for the next one)."""
    connection: Any = connections[using]
    connection.chibo_audit_ids = [*getattr(connection, "chibo_audit_ids", []), *entry_ids]
    if any(item[1] is _seal_after_commit for item in connection.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit, using=using, robust=True)


def on_entry_saved(sender, instance, created, **kwargs) -> None:
    """post_save of LogEntry (connected in CommonConfig.ready)."""
    if created:
        queue_seal([instance.pk], using=kwargs.get("using") or DEFAULT_DB_ALIAS)


# --- verifying -----------------------------------------------------------------------------------------------------


def _links(after: int) -> Iterator[list[AuditLink]]:
    while True:
        chunk = list(AuditLink.objects.filter(seq__gt=after).order_by("seq")[:BATCH])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].seq


def verify() -> str | None:
    """The first broken link of the chain, as a sentence naming it, or None when the chain holds: every checkpoint
    and the head signed with our key, the links numbered without a gap from the newest checkpoint, each following
    the one before, each matching its entry as it is now, and the last one being the signed head."""
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    for checkpoint in checkpoints:
        if not signed("checkpoint", checkpoint.seq, checkpoint.hash, checkpoint.signature):
            return _("Checkpoint #%(seq)s is not signed with the audit key: it was forged or altered.") % {
                "seq": checkpoint.seq
            }
    start, prev = (checkpoints[-1].seq, checkpoints[-1].hash) if checkpoints else (0, GENESIS)
    expected = start + 1
    for chunk in _links(start):
        entries = _entries(link.entry_id for link in chunk)
        for link in chunk:
            names = {"seq": link.seq, "entry": link.entry_id, "expected": expected}
            if link.seq != expected:
                return _("Link #%(expected)s is missing: the chain jumps to link #%(seq)s (entry %(entry)s).") % names
            if link.prev_hash != prev:
                return _("Link #%(seq)s (entry %(entry)s) does not follow the link before it.") % names
            entry = entries.get(link.entry_id)
            if entry is None:
                return _("Audit entry %(entry)s (link #%(seq)s) was deleted.") % names
            if entry_hash(entry, prev) != link.hash:
                return _("Audit entry %(entry)s (link #%(seq)s) was changed after it was sealed.") % names
            prev = link.hash
            expected += 1
    last = expected - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        if last > 0 or checkpoints:
            return _("The chain's head is missing: the newest entries cannot be vouched for.")
        return None
    if not signed("head", head.seq, head.hash, head.signature):
        return _("The chain's head is not signed with the audit key: it was forged or altered.")
    if head.seq > last:
        return _("Links #%(first)s to #%(head)s are missing: the newest audit entries were deleted.") % {
            "first": last + 1,
            "head": head.seq,
        }
    if head.seq != last or head.hash != prev:
        return _("Link #%(seq)s does not match the chain's signed head.") % {"seq": last}
    return None


def unsealed(older_than: timedelta = UNSEALED_GRACE) -> list[int]:
    """Ids of entries older than ``older_than`` that are in no link: written outside the application, or left by a
    sealer that failed (``verify_audit`` reports them; ``verify_audit --seal`` links them after a look)."""
    return list(
        LogEntry.objects.filter(timestamp__lt=timezone.now() - older_than)
        .filter(~Exists(AuditLink.objects.filter(entry_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def head() -> tuple[int, str]:
    """The chain's head (seq, hash): worth writing down outside the database now and then (docs/security-audit.md)."""
    row = AuditChainHead.objects.filter(pk=1).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


# --- retention -----------------------------------------------------------------------------------------------------


def trim(before: datetime) -> AuditCheckpoint | None:
    """Delete the chain's oldest entries (older than ``before``) with their links, and leave a signed checkpoint at
    the last link deleted, from which ``verify()`` goes on. Only a chain that verifies is trimmed (a checkpoint
    vouches for what it replaces); the prefix stops at the first entry not older than ``before``."""
    with transaction.atomic():
        _head()  # no sealer in between
        problem = verify()
        if problem:
            raise ChainBroken(problem)
        newer = AuditLink.objects.filter(entry_id__in=LogEntry.objects.filter(timestamp__gte=before).values("pk"))
        stop = newer.order_by("seq").values_list("seq", flat=True).first()
        old = AuditLink.objects.all() if stop is None else AuditLink.objects.filter(seq__lt=stop)
        last = old.order_by("-seq").first()
        if last is None or AuditCheckpoint.objects.filter(seq__gte=last.seq).exists():
            return None
        entry_ids = list(old.values_list("entry_id", flat=True))
        for start in range(0, len(entry_ids), BATCH):
            LogEntry.objects.filter(pk__in=entry_ids[start : start + BATCH]).delete()
        old.delete()
        return AuditCheckpoint.objects.create(
            seq=last.seq,
            hash=last.hash,
            signature=sign("checkpoint", last.seq, last.hash),
            before=before,
            entries=len(entry_ids),
            created_at=timezone.now(),
        )
