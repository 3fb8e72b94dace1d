"""The few records the common layer keeps itself: one-time form tokens (docs/decisions/0004-double-submit.md)."""

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
