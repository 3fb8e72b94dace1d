"""The few records the common layer keeps itself: one-time form tokens (docs/decisions/0004-double-submit.md) and
the audit chain (apps/common/audit_chain.py, docs/security-audit.md)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class FormSubmission(models.Model):
    """A form's one-time token, recorded in the transaction of the service that a submit with it ran, with what
    that submit created: a second submit with the same token creates nothing and is sent to the same record."""

    token = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    owner_path = "user"  # a person's own record, only ever looked up through request.user

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"


class AuditLink(models.Model):
    """One link of the audit chain (apps/common/audit_chain.py): the auditlog entry ``entry_id`` in chain order
    ``seq``, with ``hash`` = sha256 over the entry's canonical form and ``prev_hash``. No foreign key on purpose: a
    deleted entry must leave its link behind (and be seen missing), not take the link with it."""

    system_record = True  # the audit chain: no organisation, read only by verify_audit

    seq = models.BigIntegerField(unique=True)
    entry_id = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} → {self.entry_id}"


class AuditChainHead(models.Model):
    """The chain's single head row (pk 1): the last link sealed, signed (HMAC) so that deleting the newest links
    and entries is seen. Sealers lock this row, so links are written one sealer at a time."""

    system_record = True  # the audit chain: no organisation, read only by verify_audit

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")
    signature = models.CharField(max_length=64, default="")
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """Where a trimmed chain starts again: the last trimmed link's ``seq`` and ``hash``, signed (HMAC), so that the
    links after it still verify once the older entries and links are deleted (retention)."""

    system_record = True  # the audit chain: no organisation, read only by verify_audit

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    before = models.DateTimeField()  # entries older than this were trimmed
    entries = models.PositiveIntegerField(default=0)  # how many entries the trim deleted
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
