"""The official numbers issued to a meeting's documents."""

from django.db import models

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models.meeting import Meeting
from apps.orgs.models import Organization


class DocumentNumber(models.Model):
    """Numbers issued per cell, document type and term ("Số 05-NQ/CB"): numbered from 01 within each term."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=8)  # NQ (resolution), BB (minutes)
    term_start_year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="numbers")
    issued_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "doc_type", "term_start_year", "number"], name="unique_doc_number"),
            models.UniqueConstraint(fields=["meeting", "doc_type"], name="one_number_per_meeting_and_type"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.doc_type}"
