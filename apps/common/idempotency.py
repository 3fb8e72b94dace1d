"""A double submit creates once: the page of a form that creates something carries a one-time token (a hidden
``submission_token`` input); the service's work and the token's record share one transaction, so a second POST
with the same token (a double click, a resent form, a retry after a lost answer) creates nothing and is sent to
what the first one created. See docs/decisions/0004-double-submit.md."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from apps.common.models import FormSubmission

FIELD = "submission_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the whole value (fullmatch): "$" would let a final newline in

Created = TypeVar("Created", bound=models.Model)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(request) -> str:
    """The token the POST carries, or "" when it has none (or not one of ours: it is then ignored)."""
    token = request.POST.get(FIELD, "")
    return token if TOKEN.fullmatch(token) else ""


def earlier_result(*, token: str, user) -> models.Model | None:
    """What a submit with this token created, if one succeeded; ``ValidationError`` when that record is gone."""
    if not token:
        return None
    row = FormSubmission.objects.filter(token=token, user=user).select_related("content_type").first()
    if row is None:
        return None
    found = row.content_type.model_class()._default_manager.filter(pk=row.object_id).first()
    if found is None:
        raise ValidationError(_("This form was already sent, and what it saved has since been removed."))
    return found


def submit_once(*, token: str, user, action: Callable[[], Created]) -> tuple[Created, bool]:
    """``(result, True)`` after running ``action`` (a service) and recording the token in its transaction;
    ``(what the first submit created, False)`` when the token was used before, even at the same moment."""
    earlier = earlier_result(token=token, user=user)
    if earlier is not None:
        return earlier, False
    if not token:
        return action(), True
    try:
        with transaction.atomic():
            result = action()
            FormSubmission.objects.create(
                token=token,
                user=user,
                content_type=ContentType.objects.get_for_model(result),
                object_id=result.pk,
            )
    except IntegrityError:
        # A submit with the same token committed first (the unique token): this one rolled back, nothing twice.
        earlier = earlier_result(token=token, user=user)
        if earlier is None:
            raise
        return earlier, False
    return result, True
