"""An import of a committee's spreadsheet (the tree, members or past attendance): the uploaded file and who brought
it in, the preview's row-by-row fate, and what the commit changed, so it can be undone (docs/decisions/0012)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.common.scoping import ScopedQuerySet
from apps.orgs.models import Organization


class Kind(models.TextChoices):
    TREE = "tree", _("Organisation tree")
    MEMBERS = "members", _("Party members")
    ATTENDANCE = "attendance", _("Past attendance")


class ImportBatch(models.Model):
    """One uploaded file on its way in: uploaded → analysed (columns found) → mapped → previewed → committed, or
    undone (through ``undoing``), cancelled, failed. ``organization`` is the node the data goes into (scoping: its
    subtree)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        ANALYSING = "analysing", _("Reading the file")
        MAPPING = "mapping", _("Columns to match")
        PREVIEWING = "previewing", _("Checking the rows")
        PREVIEWED = "previewed", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", pgettext_lazy("import status", "Failed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of data"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)  # attendance: the register's year
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the analyse job found: [{"name": sheet, "header_row": n, "columns": [[index, label], ...]}, ...]
    sheets = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # field name → column index (the same for every sheet)
    options = models.JSONField(default=dict, blank=True)  # e.g. {"cell_id": 12, "sheet_per_cell": true}
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # {"create": n, "update": n, "unchanged": n, "refused": n, ...}
    error = models.TextField(blank=True)
    # When a job or a request last moved the batch on (its progress included): a busy batch not moved on for
    # CHIBO_IMPORT_STALLED_MINUTES lost its job (the worker was stopped in the middle) and may be recovered.
    worked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None  # a member sees no import

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def busy(self) -> bool:
        """A job is working on it: the page polls."""
        return self.status in (
            self.Status.UPLOADED,
            self.Status.ANALYSING,
            self.Status.PREVIEWING,
            self.Status.COMMITTING,
            self.Status.UNDOING,
        )

    @property
    def stalled(self) -> bool:
        """Busy, and not moved on for CHIBO_IMPORT_STALLED_MINUTES: its job is gone (apps.imports.services.batches.
        batch_recover gives the batch back a status someone can act on)."""
        if not self.busy:
            return False
        last = self.worked_at or self.created_at
        minutes = settings.CHIBO_IMPORT_STALLED_MINUTES
        return last is not None and timezone.now() - last > timedelta(minutes=minutes)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ImportRow(models.Model):
    """One data row of the file as the preview judged it: its fate, its parsed values, its problems (errors refuse
    the row, warnings do not) and the text the converter repaired."""

    class Fate(models.TextChoices):
        CREATE = "create", _("New")
        UPDATE = "update", _("Changes")
        UNCHANGED = "unchanged", _("Unchanged")
        REFUSED = "refused", _("Refused")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(max_length=100)
    row_number = models.PositiveIntegerField()
    fate = models.CharField(_("fate"), max_length=10, choices=Fate.choices)
    data = models.JSONField(default=dict)  # parsed values, dates as ISO text
    problems = models.JSONField(default=list)  # [{"level": "error"|"warning", "field": name, "message": text}]
    conversions = models.JSONField(default=list)  # [{"field": name, "encoding": "tcvn3", "before": t, "after": t}]
    target_pk = models.PositiveIntegerField(null=True, blank=True)  # the record matched (update / unchanged)

    objects = ScopedQuerySet.as_manager()
    scope_path = "batch__organization__path"
    member_scope = None

    class Meta:
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["batch", "fate"])]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row_number}: {self.fate}"


class ImportChange(models.Model):
    """One record the commit created or updated, with the fields' values before and after: what undo reverses."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=60)  # "members.member"
    object_pk = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "batch__organization__path"
    member_scope = None

    class Meta:
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["model", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.action} {self.model} #{self.object_pk}"


class ImportMapping(models.Model):
    """The column mapping a committee chose for files with these headers, offered again for the next such file."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None

    class Meta:
        verbose_name = _("column mapping")
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "signature"], name="one_mapping_per_header_set")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.kind} · {self.signature[:8]}"
